package engine

import (
	"context"
	"time"

	"github.com/paystate/paystate/store"
)

// debit calls the funds port for the debit p has in flight (its intent is
// already committed) and records the answer.
func (e *Engine) debit(ctx context.Context, committed *store.Snapshot, authCode string) (Payment, FundsResult, error) {
	p := &committed.Payment
	sc, _ := ParseScenario(p.Scenario)
	res, err := e.funds.Debit(ctx, FundsRequest{
		OperationID: p.OpID, PaymentID: p.ID, PartnerID: p.PartnerID, UserID: p.UserID,
		AuthCode: authCode, Scenario: sc, Amount: Money{Currency: p.Currency, Minor: p.Amount},
	})
	res = e.fundsAnswer(ctx, res, err, p.OpID)
	// A debit that succeeded after expiry opens its reversal: follow
	// gives the money back at once.
	snap, err := e.updateAndFollow(ctx, p.ID, "", committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideDebitResult(snap, p.OpID, res, now)
	})
	if err != nil {
		return Payment{}, res, err
	}
	v, err := e.view(snap)
	return v, res, err
}

// fundsAnswer turns a transport error into FundsUnknown, logging it.
func (e *Engine) fundsAnswer(ctx context.Context, res FundsResult, err error, opID string) FundsResult {
	if err != nil {
		e.cfg.Logger.WarnContext(ctx, "paystate: funds port error, outcome unknown", "operation", opID, "error", err)
		return FundsResult{Status: FundsUnknown, Message: err.Error()}
	}
	if res.Status > FundsDeclined {
		return FundsResult{Status: FundsUnknown, Message: "funds port answered an unknown status"}
	}
	return res
}

// inflow names the events of the operation that brings a payment's money
// in: a debit, or an authorization's hold.
type inflow struct {
	declined, late PaymentEvent
	lateDetail     string
}

var (
	debitInflow = inflow{EventDebitDeclined, EventDebitSucceededLate, "debit succeeded after expiry; reversing"}
	holdInflow  = inflow{EventHoldDeclined, EventHoldPlacedLate, "hold placed after expiry; releasing"}
)

// decideDebitResult records the funds answer to debit or hold opID. It
// writes nothing when the operation is no longer in flight (somebody else
// recorded the answer first).
func (e *Engine) decideDebitResult(snap *store.Snapshot, opID string, res FundsResult, now time.Time) (*plan, error) {
	kind := snap.Payment.PendingOp
	if (kind != PendingDebit && kind != PendingHold) || snap.Payment.OpID != opID {
		return nil, nil
	}
	in := debitInflow
	if kind == PendingHold {
		in = holdInflow
	}
	pl := updatePlan(e.machine, snap, now)
	switch res.Status {
	case FundsSucceeded:
		if res.UserID != "" && pl.p.UsageDay == "" {
			pl.p.UserID = res.UserID // a payment holding room keeps the user it holds it for
		}
		paidAt := res.appliedAt(now)
		if !paidAt.Before(pl.p.ExpiresAt) || (kind == PendingHold && holdTooLate(&pl.p, paidAt)) {
			// Rule: nothing succeeds at or after its expiry. The money
			// moved (or was held), so it goes back, and the merchant
			// hears FAIL.
			pl.endOp()
			pl.fail(CodeExpired, "")
			if err := pl.move(in.late, in.lateDetail); err != nil {
				return nil, err
			}
			if kind == PendingHold {
				pl.p.HoldID = opID
				pl.startOp(PendingRelease, e.cfg.reconcileDelay(0))
			} else {
				pl.startOp(PendingReversal, e.cfg.reconcileDelay(0))
				pl.p.HeldAmount = pl.p.Amount
			}
			pl.notifyResult(PaymentFail.String())
			return pl, nil
		}
		pl.endOp()
		if kind == PendingHold {
			return pl, e.placeHold(pl, opID, paidAt)
		}
		pl.p.PaidAt = paidAt
		if err := pl.move(EventDebitSucceeded, ""); err != nil {
			return nil, err
		}
		pl.notifyResult(PaymentSuccess.String())
	case FundsDeclined:
		pl.endOp()
		reason := declineCode(res.Reason)
		sc, _ := ParseScenario(pl.p.Scenario)
		if !sc.Synchronous() {
			// The user is on the cashier page: let them fix it and retry.
			err := pl.move(EventConfirmDeclined, reason.String()+": "+res.Message)
			pl.p.UserID = ""
			return pl, err
		}
		pl.fail(reason, res.Message)
		if err := pl.move(in.declined, reason.String()+": "+res.Message); err != nil {
			return nil, err
		}
		pl.notifyResult(PaymentFail.String())
	default:
		pl.scheduleCheck(e, res.Message)
	}
	return pl, nil
}

// scheduleCheck records an unknown funds answer and when to ask again: the
// n-th unknown answer waits Config.ReconcileSchedule[n].
func (pl *plan) scheduleCheck(e *Engine, detail string) {
	pl.note("funds_unknown", detail)
	pl.p.NextCheckAt = pl.now.Add(e.cfg.reconcileDelay(pl.p.CheckAttempts))
	pl.p.CheckAttempts++
}

// Confirm records that userID approved payment paymentID on the wallet's
// cashier (or order code / entry code) page and debits them.
//
// For an authorization payment the user's money is held instead of
// debited, and AUTHORIZED takes the place of SUCCESS below.
//
// It returns the payment as it stands afterwards: SUCCESS when debited,
// INIT when the funds port gave no answer, ACCEPT together with the
// decline as an error (e.g. CodeBalanceNotEnough) when the debit was
// refused, so the user may try again. Confirming a payment already paid or
// in flight returns it unchanged; a closed or failed payment fails with
// CodeOrderClosed; a payment past its expiry is expired (the merchant is
// told FAIL) and fails with CodeOrderClosed. The user's rules (see Limits)
// apply here: a frozen user or a full day fails with
// CodeUserStatusAbnormal, CodeUserAmountLimit or CodePaymentCountLimit and
// leaves the payment ACCEPT, unchanged.
func (e *Engine) Confirm(ctx context.Context, paymentID, userID string) (Payment, error) {
	if err := checkID(FieldPaymentID, paymentID, true); err != nil {
		return Payment{}, err
	}
	if err := checkID(FieldUserID, userID, true); err != nil {
		return Payment{}, err
	}
	var closed *Error
	started := false
	snap, err := e.update(ctx, paymentID, nil, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		closed, started = nil, false
		switch st := paymentState(&snap.Payment); {
		case st == PaymentInit || st == PaymentAuthorized || st == PaymentSuccess:
			return nil, nil
		case st != PaymentAccept:
			return nil, errorf(CodeOrderClosed, "payment %s is %s", paymentID, st)
		}
		pl := updatePlan(e.machine, snap, now)
		if !now.Before(pl.p.ExpiresAt) {
			closed = errorf(CodeOrderClosed, "payment %s expired at %s", paymentID, pl.p.ExpiresAt.Format(time.RFC3339))
			return pl, pl.expire()
		}
		pl.p.UserID = userID
		if e.cfg.Limits != nil {
			rules, refusal := e.userRules(userID)
			if refusal != nil {
				return nil, refusal
			}
			pl.holdUsage(e, rules)
		}
		kind := PendingDebit
		if pl.p.Authorization {
			kind = PendingHold
		}
		pl.startOp(kind, e.cfg.reconcileDelay(0))
		started = true
		return pl, pl.move(EventConfirm, "user "+userID)
	})
	if err != nil {
		return e.viewOr(snap, err)
	}
	if closed != nil {
		return e.viewOr(snap, closed)
	}
	if !started {
		return e.view(snap)
	}
	moveIn := e.debit
	if snap.Payment.PendingOp == PendingHold {
		moveIn = e.hold
	}
	p, res, err := moveIn(ctx, snap, "")
	if err != nil {
		return p, err
	}
	switch {
	case res.Status == FundsDeclined && p.State == PaymentAccept:
		err = &Error{Code: declineCode(res.Reason), Message: res.Message}
	case p.State == PaymentClosed:
		err = errorf(CodeOrderClosed, "payment %s expired before the debit was confirmed; the money goes back", p.ID)
	}
	return p, err
}

// viewOr returns the payment (when loaded) together with err.
func (e *Engine) viewOr(snap *store.Snapshot, err error) (Payment, error) {
	if snap == nil {
		return Payment{}, err
	}
	p, verr := e.view(snap)
	if verr != nil {
		return Payment{}, verr
	}
	return p, err
}

// expire closes an unpaid payment whose time has passed and tells the
// merchant FAIL.
func (pl *plan) expire() error {
	pl.fail(CodeExpired, "")
	if err := pl.move(EventExpire, ""); err != nil {
		return err
	}
	pl.notifyResult(PaymentFail.String())
	return nil
}
