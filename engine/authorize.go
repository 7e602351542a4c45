package engine

import (
	"context"
	"time"

	"github.com/paystate/paystate/store"
)

// follow issues the funds operations a committed plan opened (its
// followUps) and returns the payment as it stands afterwards. Each
// operation's answer is recorded before the next is issued; an unknown
// answer is left to the reconciler.
func (e *Engine) follow(ctx context.Context, snap *store.Snapshot, pl *plan) (*store.Snapshot, error) {
	for _, f := range pl.followUps {
		var err error
		switch {
		case f.captureID != "":
			c := findCapture(snap, f.captureID)
			if c == nil || captureState(c) != CaptureInit {
				continue
			}
			snap, err = e.captureFunds(ctx, snap, c)
		case snap.Payment.PendingOp == PendingReversal && f.pending == PendingReversal:
			snap, _, err = e.reverseSnap(ctx, snap)
		case snap.Payment.PendingOp == PendingRelease && f.pending == PendingRelease:
			snap, err = e.release(ctx, snap)
		}
		if err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// hold asks the funds port for the hold p has in flight (its intent is
// already committed) and records the answer, like debit.
func (e *Engine) hold(ctx context.Context, committed *store.Snapshot, authCode string) (Payment, FundsResult, error) {
	p := &committed.Payment
	sc, _ := ParseScenario(p.Scenario)
	res, err := e.holds.Hold(ctx, FundsRequest{
		OperationID: p.OpID, PaymentID: p.ID, PartnerID: p.PartnerID, UserID: p.UserID,
		AuthCode: authCode, Scenario: sc, Amount: Money{Currency: p.Currency, Minor: p.Amount},
	})
	res = e.fundsAnswer(ctx, res, err, p.OpID)
	snap, err := e.updateAndFollow(ctx, p.ID, "", committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideDebitResult(snap, p.OpID, res, now)
	})
	if err != nil {
		return Payment{}, res, err
	}
	v, err := e.view(snap)
	return v, res, err
}

// placeHold records a placed hold on plan pl: the payment is AUTHORIZED
// until its AuthExpiresAt (the request's, or Config.AuthExpiry from now),
// and an authorization asked to capture automatically opens its capture
// of the whole amount in the same commit.
func (e *Engine) placeHold(pl *plan, opID string, placedAt time.Time) error {
	pl.p.HoldID = opID
	pl.p.AuthorizedAt = placedAt
	if pl.p.AuthExpiresAt.IsZero() {
		pl.p.AuthExpiresAt = placedAt.Add(e.cfg.AuthExpiry)
	}
	if err := pl.move(EventHoldPlaced, ""); err != nil {
		return err
	}
	pl.notifyResult(PaymentSuccess.String())
	if pl.p.AutoCapture {
		c := e.openCapture(pl, AutoCaptureRequestID(pl.p.ID), Money{Currency: pl.p.Currency, Minor: pl.p.Amount}, true, "")
		pl.followUps = append(pl.followUps, followUp{captureID: c.ID})
	}
	return nil
}

// holdTooLate reports whether a hold placed at placedAt came at or after
// the payment's expiry or the authorization's own expiry: it must be
// given back at once.
func holdTooLate(p *store.Payment, placedAt time.Time) bool {
	return !placedAt.Before(p.ExpiresAt) || (!p.AuthExpiresAt.IsZero() && !placedAt.Before(p.AuthExpiresAt))
}

// release gives back what the hold of a payment whose release is in
// flight has left, and records the answer.
func (e *Engine) release(ctx context.Context, committed *store.Snapshot) (*store.Snapshot, error) {
	p := &committed.Payment
	res, err := e.holds.Release(ctx, FundsRequest{
		OperationID: p.OpID, PaymentID: p.ID, PartnerID: p.PartnerID, UserID: p.UserID, HoldID: p.HoldID,
		Amount: Money{Currency: p.Currency, Minor: p.Amount - p.CapturedAmount},
	})
	res = e.fundsAnswer(ctx, res, err, p.OpID)
	return e.update(ctx, p.ID, committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideReleaseResult(snap, p.OpID, res, now)
	})
}

// decideReleaseResult records the funds answer to release opID. A
// declined release is tried again under a new operation id (issued at
// once when the reconciler learned the decline, else by its next pass):
// the hold's money must go back to the user.
func (e *Engine) decideReleaseResult(snap *store.Snapshot, opID string, res FundsResult, now time.Time) (*plan, error) {
	if snap.Payment.PendingOp != PendingRelease || snap.Payment.OpID != opID {
		return nil, nil
	}
	pl := updatePlan(e.machine, snap, now)
	switch res.Status {
	case FundsSucceeded:
		pl.endOp()
		pl.note("hold_released", "")
	case FundsDeclined:
		pl.note("release_declined", declineCode(res.Reason).String()+": "+res.Message)
		pl.startOp(PendingRelease, e.cfg.reconcileDelay(0))
	default:
		pl.scheduleCheck(e, res.Message)
	}
	return pl, nil
}

// endAuthorization ends an AUTHORIZED payment that has no capture in
// flight, for a void (the merchant's cancel) or its expiry: nothing
// captured closes it (reason says why), something captured completes it
// as SUCCESS. Either way what the hold has left is released.
func (e *Engine) endAuthorization(pl *plan, reason Code) error {
	if pl.p.CapturedAmount == 0 {
		pl.fail(reason, "")
		ev := EventAuthExpire
		if reason == CodeCancelled {
			ev = EventVoid
		}
		if err := pl.move(ev, ""); err != nil {
			return err
		}
		if reason == CodeAuthExpired {
			pl.notifyAuthExpired()
		}
	} else if err := pl.move(EventCaptureComplete, reason.String()+": the rest of the hold is released"); err != nil {
		return err
	}
	pl.startOp(PendingRelease, e.cfg.reconcileDelay(0))
	return nil
}

// authExpiryDue reports whether an AUTHORIZED payment's hold is due to be
// released for expiry now: its time has come and no capture is in flight
// (one in flight settles first, then expiry follows).
func authExpiryDue(p *store.Payment, now time.Time) bool {
	return p.Status == PaymentAuthorized.String() && !now.Before(p.AuthExpiresAt) &&
		p.CapturingAmount == 0 && p.LastCaptureID == ""
}
