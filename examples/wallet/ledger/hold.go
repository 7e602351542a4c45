package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/paystate/paystate/engine"
)

var _ engine.Holds = (*Ledger)(nil)

// Hold implements engine.Holds: it moves req.Amount of the payer's
// available balance to held and opens hold req.OperationID, in one
// transaction that also records the outcome under req.OperationID. The
// payer is resolved as for Debit (a payment code is spent by the hold),
// and the hold is declined as a debit would be, CodeBalanceNotEnough when
// the available balance is below the amount. Repeats and errors are as
// for Debit.
func (l *Ledger) Hold(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.apply(ctx, kindHold, req, l.hold)
}

// Capture implements engine.Holds: it moves req.Amount from hold
// req.HoldID to the balance of the merchant that placed it (the hold's
// partner id), in one transaction that also records the outcome under
// req.OperationID. It is declined with CodeProcessFail for a hold the
// ledger does not know, a released hold, another currency than the hold's,
// or more than the hold has left. Repeats and errors are as for Debit.
func (l *Ledger) Capture(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.apply(ctx, kindCapture, req, l.capture)
}

// Release implements engine.Holds: it gives what hold req.HoldID has left
// back to the payer's available balance and closes the hold, in one
// transaction that also records the outcome under req.OperationID, with
// the amount it actually gave back (req.Amount is only what the engine
// expects). Releasing a hold already released succeeds and gives back
// nothing; releasing a hold the ledger does not know is declined with
// CodeProcessFail. Repeats and errors are as for Debit.
func (l *Ledger) Release(ctx context.Context, req engine.FundsRequest) (engine.FundsResult, error) {
	return l.apply(ctx, kindRelease, req, l.release)
}

// Hold states in ledger_holds.
const (
	holdOpen     = "open"
	holdReleased = "released"
)

// hold sets the money of a claimed hold aside, or says why not.
func (l *Ledger) hold(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error) {
	res, err := l.takeFromPayer(ctx, q, req, l.q.takeToHold)
	if err != nil || res.Status != engine.FundsSucceeded {
		return res, err
	}
	if _, err := q.exec(ctx, l.q.addHold, req.OperationID, req.PaymentID, req.PartnerID, res.UserID,
		req.Amount.Currency, req.Amount.Minor); err != nil {
		return engine.FundsResult{}, fmt.Errorf("open hold: %w", err)
	}
	return res, nil
}

// capture moves the money of a claimed capture to the merchant, or says
// why not.
func (l *Ledger) capture(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error) {
	if res, ok := checkAmount(req.Amount); !ok {
		return res, nil
	}
	var user, partner string
	err := q.queryRow(ctx, l.q.captureHold, req.HoldID, req.Amount.Minor, req.Amount.Currency).Scan(&user, &partner)
	switch {
	case errors.Is(err, errNoRows):
		return l.captureRefused(ctx, q, req)
	case err != nil:
		return engine.FundsResult{}, fmt.Errorf("capture from hold: %w", err)
	}
	if err := l.moveHeld(ctx, q, l.q.heldToMerchant, user, req.Amount); err != nil {
		return engine.FundsResult{}, err
	}
	if _, err := q.exec(ctx, l.q.payMerchant, partner, req.Amount.Currency, req.Amount.Minor); err != nil {
		return engine.FundsResult{}, fmt.Errorf("pay merchant: %w", err)
	}
	return succeeded(user), nil
}

// captureRefused says why a capture's guarded UPDATE changed nothing.
func (l *Ledger) captureRefused(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error) {
	h, found, err := l.findHold(ctx, q, req.HoldID)
	switch {
	case err != nil:
		return engine.FundsResult{}, err
	case !found:
		return declined(engine.CodeProcessFail, "no such hold"), nil
	case h.state == holdReleased:
		return declined(engine.CodeProcessFail, "hold already released"), nil
	case h.currency != req.Amount.Currency:
		return declined(engine.CodeProcessFail, "capture in another currency than the hold's"), nil
	}
	return declined(engine.CodeProcessFail, "capture exceeds what the hold has left"), nil
}

// release gives back what the hold of a claimed release has left, or
// says why not. It records the amount given back on the operation.
func (l *Ledger) release(ctx context.Context, q conn, req engine.FundsRequest) (engine.FundsResult, error) {
	var user, currency string
	var left int64
	err := q.queryRow(ctx, l.q.releaseHold, req.HoldID).Scan(&user, &currency, &left)
	switch {
	case errors.Is(err, errNoRows):
		h, found, err := l.findHold(ctx, q, req.HoldID)
		switch {
		case err != nil:
			return engine.FundsResult{}, err
		case !found:
			return declined(engine.CodeProcessFail, "no such hold"), nil
		}
		// Released already (the guard let only an open hold through):
		// nothing is left to give back.
		user, currency, left = h.user, h.currency, 0
	case err != nil:
		return engine.FundsResult{}, fmt.Errorf("release hold: %w", err)
	default:
		if err := l.moveHeld(ctx, q, l.q.heldToUser, user, engine.Money{Currency: currency, Minor: left}); err != nil {
			return engine.FundsResult{}, err
		}
	}
	if _, err := q.exec(ctx, l.q.recordAmount, req.OperationID, currency, left); err != nil {
		return engine.FundsResult{}, fmt.Errorf("record released amount: %w", err)
	}
	return succeeded(user), nil
}

// moveHeld runs move, a guarded UPDATE that takes m from user's held
// balance (arguments user, currency, amount). Holds and held balances
// change together, so a held balance too low for its hold means the
// tables disagree: an error, and nothing of the operation stays.
func (l *Ledger) moveHeld(ctx context.Context, q conn, move, user string, m engine.Money) error {
	if m.Minor == 0 {
		return nil
	}
	n, err := q.exec(ctx, move, user, m.Currency, m.Minor)
	switch {
	case err != nil:
		return fmt.Errorf("move held balance: %w", err)
	case n == 0:
		return fmt.Errorf("held balance of %q in %s is below %d, which a hold still has", user, m.Currency, m.Minor)
	}
	return nil
}

// holdRow is a row of ledger_holds.
type holdRow struct {
	user, currency, state      string
	amount, captured, released int64
}

// findHold reads hold holdID; found is false when there is none.
func (l *Ledger) findHold(ctx context.Context, q conn, holdID string) (h holdRow, found bool, err error) {
	err = q.queryRow(ctx, l.q.findHold, holdID).Scan(&h.user, &h.currency, &h.amount, &h.captured, &h.released, &h.state)
	switch {
	case errors.Is(err, errNoRows):
		return holdRow{}, false, nil
	case err != nil:
		return holdRow{}, false, fmt.Errorf("look up hold: %w", err)
	}
	return h, true, nil
}
