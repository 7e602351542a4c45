package ledger

import (
	"context"
	"fmt"

	"github.com/paystate/paystate/engine"
)

// Debit implements engine.Funds: it takes req.Amount from the payer, in one
// transaction that also records the outcome under req.OperationID. The
// payer is the owner of the access token req.AuthCode for
// ScenarioAgreement, of the unspent payment code req.AuthCode for
// ScenarioPaymentCode (which this debit then spends), and req.UserID
// otherwise. A repeated operation id returns the recorded answer and moves
// nothing.
//
// An error leaves the outcome unknown to the caller: the transaction was
// rolled back, or, when the connection broke during the commit, perhaps
// committed. Inquire tells which, and fences the id in the first case.
func (l *Ledger) Debit(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.apply(ctx, kindDebit, req, l.debit)
}

// Credit implements engine.Funds: it gives req.Amount to req.UserID, who
// must exist, in one transaction that also records the outcome under
// req.OperationID. Repeats and errors are as for Debit.
func (l *Ledger) Credit(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.apply(ctx, kindCredit, req, l.credit)
}

// step moves the money of one claimed operation, or says why not, inside
// the operation's transaction.
type step func(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error)

// apply runs one operation of kind: claim the operation id, move the money
// (move), record the outcome, all in one transaction; or, when the id is
// already claimed, return its recorded answer.
func (l *Ledger) apply(ctx context.Context, kind string, req engine.FundsRequest, move step) (engine.FundsResult, error) {
	if req.OperationID == "" {
		return engine.FundsResult{}, fmt.Errorf("ledger: %s: empty operation id", kind)
	}
	var res engine.FundsResult
	err := l.db.write(ctx, func(q conn) error {
		claimed, err := l.claim(ctx, q, kind, req)
		if err != nil {
			return err
		}
		if !claimed {
			res, err = l.recorded(ctx, q, req.OperationID)
			return err
		}
		if res, err = move(ctx, q, req); err != nil {
			return err
		}
		return l.record(ctx, q, req.OperationID, &res)
	})
	if err != nil {
		return engine.FundsResult{}, fmt.Errorf("ledger: %s %s: %w", kind, req.OperationID, err)
	}
	return res, nil
}

// debit takes the money of a claimed debit, or says why not.
func (l *Ledger) debit(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.takeFromPayer(ctx, q, req, l.q.take)
}

// takeFromPayer resolves the payer of a claimed debit or hold and runs
// take, a guarded UPDATE of the payer's balance (arguments user, currency,
// amount) that changes no row when the available balance is too low.
func (l *Ledger) takeFromPayer(ctx context.Context, q conn, req engine.FundsRequest, take string) (engine.FundsResult, error) {
	if res, ok := checkAmount(req.Amount); !ok {
		return res, nil
	}
	user, res, err := l.payer(ctx, q, req)
	if err != nil {
		return engine.FundsResult{}, err
	}
	if res.Status == engine.FundsDeclined {
		return res, nil
	}
	n, err := q.exec(ctx, take, user, req.Amount.Currency, req.Amount.Minor)
	if err != nil {
		return engine.FundsResult{}, fmt.Errorf("take balance: %w", err)
	}
	if n == 0 {
		if req.Scenario == engine.ScenarioPaymentCode {
			// Nothing was paid: the payment code stays usable.
			if _, err := q.exec(ctx, l.q.releaseCode, req.AuthCode, req.OperationID); err != nil {
				return engine.FundsResult{}, fmt.Errorf("release payment code: %w", err)
			}
		}
		return declined(engine.CodeBalanceNotEnough, "balance too low"), nil
	}
	return succeeded(user), nil
}

// credit gives the money of a claimed credit, or says why not.
func (l *Ledger) credit(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error) {
	if res, ok := checkAmount(req.Amount); !ok {
		return res, nil
	}
	ok, err := l.userExists(ctx, q, req.UserID)
	if err != nil {
		return engine.FundsResult{}, err
	}
	if !ok {
		return declined(engine.CodeUserNotExist, "no such user"), nil
	}
	if _, err := q.exec(ctx, l.q.give, req.UserID, req.Amount.Currency, req.Amount.Minor); err != nil {
		return engine.FundsResult{}, fmt.Errorf("give balance: %w", err)
	}
	return succeeded(req.UserID), nil
}

// checkAmount declines an amount no ledger can move. The engine never asks
// for one; the check keeps a negative amount from reversing a movement.
func checkAmount(m engine.Money) (engine.FundsResult, bool) {
	if m.Minor <= 0 || m.Currency == "" {
		return declined(engine.CodeProcessFail, "amount must be positive and have a currency"), false
	}
	return engine.FundsResult{}, true
}
