package engine

import (
	"context"
	"time"

	"github.com/paystate/paystate/store"
)

// Cancel closes a payment for its merchant.
//
// An unpaid payment (ACCEPT) is closed at once. A paid payment inside
// Config.CancelWindow with no refunds is reversed: the full amount goes back
// to the user through the funds port and the payment becomes CLOSED. The
// answer is the payment afterwards; a payment already CLOSED or FAIL is
// returned unchanged (nothing to undo).
//
// An AUTHORIZED authorization is voided: what its hold has left is
// released (the release's outcome is settled by the wallet, never the
// merchant's concern) and the answer is the payment CLOSED, or SUCCESS
// when part of it was captured already (that money stays captured: refund
// it; a repeated cancel answers the same and undoes nothing). A capture
// in flight makes it CodePaymentInProcess. A completed authorization
// (SUCCESS, never voided) is reversed like any paid payment: what was
// captured goes back.
//
// Errors: CodePaymentNotFound,
// CodeCancelWindowExceed (refund instead), CodeOrderStatusInvalid (a paid
// payment with refunds), CodePaymentInProcess (a debit or reversal has no
// answer yet: ask again later), or the funds port's decline of the reversal.
func (e *Engine) Cancel(ctx context.Context, ref PaymentRef) (Payment, error) {
	if err := ref.validate(); err != nil {
		return Payment{}, err
	}
	found, err := e.locate(ctx, ref)
	if err != nil {
		return Payment{}, err
	}
	started := false
	snap, err := e.update(ctx, found.Payment.ID, nil, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		started = false
		p := &snap.Payment
		switch paymentState(p) {
		case PaymentAccept:
			pl := updatePlan(e.machine, snap, now)
			pl.p.CancelledAt = now
			pl.fail(CodeCancelled, "cancelled by the merchant")
			return pl, pl.move(EventCancel, "")
		case PaymentInit:
			return nil, errorf(CodePaymentInProcess, "payment %s has a %s in flight", p.ID, p.PendingOp)
		case PaymentAuthorized:
			if p.CapturingAmount > 0 || p.LastCaptureID != "" {
				return nil, errorf(CodePaymentInProcess, "authorization %s has a capture in flight", p.ID)
			}
			pl := updatePlan(e.machine, snap, now)
			pl.p.CancelledAt = now
			started = true
			return pl, e.endAuthorization(pl, CodeCancelled)
		case PaymentSuccess:
			if p.Authorization && !p.CancelledAt.IsZero() {
				// Voided after part of it was captured: a repeat of the
				// void answers as the void did and never undoes captures.
				return nil, nil
			}
			switch p.PendingOp {
			case PendingReversal:
				return nil, errorf(CodePaymentInProcess, "payment %s is being reversed", p.ID)
			case PendingRelease:
				return nil, errorf(CodePaymentInProcess, "the rest of authorization %s is being released", p.ID)
			}
			if now.After(p.PaidAt.Add(e.cfg.CancelWindow)) {
				return nil, errorf(CodeCancelWindowExceed, "payment %s was paid at %s, past the cancel window of %s", p.ID, p.PaidAt.Format(time.RFC3339), readableDuration(e.cfg.CancelWindow))
			}
			if p.RefundedAmount > 0 || p.HeldAmount > 0 {
				return nil, errorf(CodeOrderStatusInvalid, "payment %s has refunds: cancel reverses whole payments only", p.ID)
			}
			pl := updatePlan(e.machine, snap, now)
			pl.startOp(PendingReversal, e.cfg.reconcileDelay(0))
			pl.p.HeldAmount = pl.p.Amount
			if pl.p.Authorization {
				pl.p.HeldAmount = pl.p.CapturedAmount
			}
			pl.note("reversal_started", "cancel")
			started = true
			return pl, nil
		}
		return nil, nil // FAIL or CLOSED: nothing to undo
	})
	if err != nil || !started {
		return e.viewOr(snap, err)
	}
	if snap.Payment.PendingOp == PendingRelease {
		// A void: capture is over; the release's answer is the wallet's
		// own business (the reconciler settles an unknown one).
		after, err := e.release(ctx, snap)
		if err != nil {
			return Payment{}, err
		}
		return e.view(after)
	}
	p, res, err := e.reverse(ctx, snap)
	if err != nil {
		return p, err
	}
	switch {
	case p.State == PaymentClosed:
		return p, nil
	case res.Status == FundsDeclined:
		return p, &Error{Code: declineCode(res.Reason), Message: "reversal declined: " + res.Message}
	}
	return p, errorf(CodePaymentInProcess, "reversal of payment %s has no answer yet", p.ID)
}

// reverse credits back what a payment whose reversal is in flight took
// (HeldAmount: the amount, or an authorization's captured money) and
// records the answer.
func (e *Engine) reverse(ctx context.Context, committed *store.Snapshot) (Payment, FundsResult, error) {
	snap, res, err := e.reverseSnap(ctx, committed)
	if err != nil {
		return Payment{}, res, err
	}
	v, err := e.view(snap)
	return v, res, err
}

// reverseSnap is reverse answering with the stored payment.
func (e *Engine) reverseSnap(ctx context.Context, committed *store.Snapshot) (*store.Snapshot, FundsResult, error) {
	p := &committed.Payment
	res, err := e.funds.Credit(ctx, FundsRequest{
		OperationID: p.OpID, PaymentID: p.ID, PartnerID: p.PartnerID, UserID: p.UserID,
		Amount: Money{Currency: p.Currency, Minor: p.HeldAmount},
	})
	res = e.fundsAnswer(ctx, res, err, p.OpID)
	snap, err := e.update(ctx, p.ID, committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideReversalResult(snap, p.OpID, res, now)
	})
	return snap, res, err
}

// decideReversalResult records the funds answer to reversal opID.
func (e *Engine) decideReversalResult(snap *store.Snapshot, opID string, res FundsResult, now time.Time) (*plan, error) {
	if snap.Payment.PendingOp != PendingReversal || snap.Payment.OpID != opID {
		return nil, nil
	}
	pl := updatePlan(e.machine, snap, now)
	paid := paymentState(&pl.p) == PaymentSuccess
	switch res.Status {
	case FundsSucceeded:
		pl.endOp()
		pl.p.HeldAmount = 0
		if !paid { // a late debit's reversal: the payment is already CLOSED
			pl.note("reversal_succeeded", "")
			return pl, nil
		}
		pl.p.CancelledAt = now
		pl.fail(CodeCancelled, "cancelled by the merchant")
		return pl, pl.move(EventReverse, "")
	case FundsDeclined:
		if !paid {
			// Money the user must get back: try again with a new operation.
			pl.note("reversal_declined", declineCode(res.Reason).String()+": "+res.Message)
			pl.startOp(PendingReversal, e.cfg.reconcileDelay(0))
			return pl, nil
		}
		pl.endOp()
		pl.p.HeldAmount = 0
		pl.note("reversal_declined", declineCode(res.Reason).String()+": "+res.Message)
	default:
		pl.scheduleCheck(e, res.Message)
	}
	return pl, nil
}

// Fail ends an unpaid payment (ACCEPT) as FAIL for reason (a decline code;
// others read as CodeProcessFail) and tells the merchant. Failing a payment
// that already failed returns it unchanged; any other state fails with
// CodeOrderStatusInvalid.
func (e *Engine) Fail(ctx context.Context, paymentID string, reason Code, message string) (Payment, error) {
	if err := checkID(FieldPaymentID, paymentID, true); err != nil {
		return Payment{}, err
	}
	if err := checkText(FieldMessage, message, MaxReasonLength); err != nil {
		return Payment{}, err
	}
	snap, err := e.update(ctx, paymentID, nil, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		if paymentState(&snap.Payment) == PaymentFail {
			return nil, nil
		}
		pl := updatePlan(e.machine, snap, now)
		pl.fail(declineCode(reason), message)
		if err := pl.move(EventFail, message); err != nil {
			return nil, err
		}
		pl.notifyResult(PaymentFail.String())
		return pl, nil
	})
	return e.viewOr(snap, err)
}
