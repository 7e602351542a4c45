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
// returned unchanged (nothing to undo). Errors: CodePaymentNotFound,
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
			return nil, errorf(CodePaymentInProcess, "payment %s has a debit in flight", p.ID)
		case PaymentSuccess:
			if p.PendingOp == PendingReversal {
				return nil, errorf(CodePaymentInProcess, "payment %s is being reversed", p.ID)
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
			pl.note("reversal_started", "cancel")
			started = true
			return pl, nil
		}
		return nil, nil // FAIL or CLOSED: nothing to undo
	})
	if err != nil || !started {
		return e.viewOr(snap, err)
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

// reverse credits back the amount of a payment whose reversal is in flight
// and records the answer.
func (e *Engine) reverse(ctx context.Context, committed *store.Snapshot) (Payment, FundsResult, error) {
	p := &committed.Payment
	res, err := e.funds.Credit(ctx, FundsRequest{
		OperationID: p.OpID, PaymentID: p.ID, PartnerID: p.PartnerID, UserID: p.UserID,
		Amount: Money{Currency: p.Currency, Minor: p.Amount},
	})
	res = e.fundsAnswer(ctx, res, err, p.OpID)
	snap, err := e.update(ctx, p.ID, committed, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return e.decideReversalResult(snap, p.OpID, res, now)
	})
	if err != nil {
		return Payment{}, res, err
	}
	v, err := e.view(snap)
	return v, res, err
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
