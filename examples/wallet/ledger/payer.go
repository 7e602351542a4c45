package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/paystate/paystate/engine"
)

// Every payer lookup below returns the paying user, or a result with
// status FundsDeclined that says why there is none, or an error.

// payer resolves who pays a claimed debit. A payment code is spent by the
// lookup, for operationID; debit releases it when the balance is too low.
func (l *Ledger) payer(ctx context.Context, q conn, req engine.FundsRequest) (string, engine.FundsResult, error) {
	switch req.Scenario {
	case engine.ScenarioAgreement:
		return l.tokenPayer(ctx, q, req.AuthCode)
	case engine.ScenarioPaymentCode:
		return l.spendCode(ctx, q, req.AuthCode, req.OperationID)
	}
	return l.namedPayer(ctx, q, req.UserID)
}

// evaluatedPayer resolves who would pay a debit, changing nothing. An
// evaluation request names its payer by whichever auth code it carries.
func (l *Ledger) evaluatedPayer(ctx context.Context, q conn, req engine.FundsRequest) (string, engine.FundsResult, error) {
	switch {
	case req.Scenario == engine.ScenarioEvaluation && req.UserID == "":
		user, res, err := l.tokenPayer(ctx, q, req.AuthCode)
		if err != nil || res.Status != engine.FundsDeclined {
			return user, res, err
		}
		user, res, err = l.codePayer(ctx, q, req.AuthCode)
		if err != nil || res.Status != engine.FundsDeclined {
			return user, res, err
		}
		return "", declined(engine.CodeInvalidCode, "unknown access token or payment code"), nil
	case req.Scenario == engine.ScenarioAgreement:
		return l.tokenPayer(ctx, q, req.AuthCode)
	case req.Scenario == engine.ScenarioPaymentCode:
		return l.codePayer(ctx, q, req.AuthCode)
	}
	return l.namedPayer(ctx, q, req.UserID)
}

// namedPayer is user, when the ledger knows it.
func (l *Ledger) namedPayer(ctx context.Context, q conn, user string) (string, engine.FundsResult, error) {
	ok, err := l.userExists(ctx, q, user)
	switch {
	case err != nil:
		return "", engine.FundsResult{}, err
	case !ok:
		return "", declined(engine.CodeUserNotExist, "no such user"), nil
	}
	return user, engine.FundsResult{}, nil
}

// tokenPayer is the owner of an agreement access token.
func (l *Ledger) tokenPayer(ctx context.Context, q conn, token string) (string, engine.FundsResult, error) {
	var user string
	err := q.queryRow(ctx, l.q.tokenUser, token).Scan(&user)
	switch {
	case errors.Is(err, errNoRows):
		return "", declined(engine.CodeInvalidAccessToken, "unknown access token"), nil
	case err != nil:
		return "", engine.FundsResult{}, fmt.Errorf("look up access token: %w", err)
	}
	return user, engine.FundsResult{}, nil
}

// codePayer is the owner of an unspent payment code.
func (l *Ledger) codePayer(ctx context.Context, q conn, code string) (string, engine.FundsResult, error) {
	var user, usedBy string
	err := q.queryRow(ctx, l.q.codeUser, code).Scan(&user, &usedBy)
	switch {
	case errors.Is(err, errNoRows):
		return "", declined(engine.CodeInvalidCode, "unknown payment code"), nil
	case err != nil:
		return "", engine.FundsResult{}, fmt.Errorf("look up payment code: %w", err)
	case usedBy != "":
		return "", declined(engine.CodeAuthCodeAlreadyUsed, "payment code already used"), nil
	}
	return user, engine.FundsResult{}, nil
}

// spendCode marks an unspent payment code as used by operationID and
// returns its owner. The UPDATE's guard makes two debits with one code
// exclude each other, in any number of processes.
func (l *Ledger) spendCode(ctx context.Context, q conn, code, operationID string) (string, engine.FundsResult, error) {
	var user string
	err := q.queryRow(ctx, l.q.claimCode, code, operationID).Scan(&user)
	switch {
	case errors.Is(err, errNoRows):
		// Unknown, or spent already: codePayer tells which.
		_, res, err := l.codePayer(ctx, q, code)
		switch {
		case err != nil:
			return "", engine.FundsResult{}, err
		case res.Status != engine.FundsDeclined:
			// Unspent after all: only a change of the code by someone
			// else between the two statements does that. Do not guess.
			return "", engine.FundsResult{}, errors.New("payment code changed during the debit")
		}
		return "", res, nil
	case err != nil:
		return "", engine.FundsResult{}, fmt.Errorf("spend payment code: %w", err)
	}
	return user, engine.FundsResult{}, nil
}

// userExists reports whether the ledger knows user.
func (l *Ledger) userExists(ctx context.Context, q conn, user string) (bool, error) {
	var n int
	if err := q.queryRow(ctx, l.q.userCount, user).Scan(&n); err != nil {
		return false, fmt.Errorf("look up user: %w", err)
	}
	return n > 0, nil
}
