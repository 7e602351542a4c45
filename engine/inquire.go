package engine

import (
	"context"

	"github.com/paystate/paystate/store"
)

// InquirePayment returns the payment ref names as it stands, with an
// authorization's captures, or
// CodePaymentNotFound (also for another partner's payment) or
// CodeParamIllegal. It changes nothing.
func (e *Engine) InquirePayment(ctx context.Context, ref PaymentRef) (Payment, error) {
	if err := ref.validate(); err != nil {
		return Payment{}, err
	}
	snap, err := e.locate(ctx, ref)
	if err != nil {
		return Payment{}, err
	}
	if snap.Payment.CaptureCount > 0 && len(snap.Captures) == 0 {
		// Found by request id, which reads no captures: read them.
		id := snap.Payment.ID
		if snap, err = e.store.LoadPayment(ctx, id, ""); err != nil {
			return Payment{}, e.loadError(err, id)
		}
	}
	return e.view(&snap)
}

// Payment returns the payment with wallet id paymentID as it stands,
// whichever partner it belongs to, or CodePaymentNotFound or
// CodeParamIllegal. It changes nothing.
//
// It is for the wallet's own pages, such as the cashier, which know a
// payment by its wallet id alone. Merchant-facing adapters use
// InquirePayment, which hides other partners' payments.
func (e *Engine) Payment(ctx context.Context, paymentID string) (Payment, error) {
	if err := checkID(FieldPaymentID, paymentID, true); err != nil {
		return Payment{}, err
	}
	snap, err := e.store.LoadPayment(ctx, paymentID, "")
	if err != nil {
		return Payment{}, e.loadError(err, paymentID)
	}
	return e.view(&snap)
}

// InquireRefund returns the refund ref names as it stands, or
// CodeRefundNotFound (also for another partner's refund) or
// CodeParamIllegal. It changes nothing.
func (e *Engine) InquireRefund(ctx context.Context, ref RefundRef) (Refund, error) {
	if err := ref.validate(); err != nil {
		return Refund{}, err
	}
	r, err := e.locateRefund(ctx, ref)
	if err != nil {
		return Refund{}, err
	}
	return refundView(&r)
}

// History returns the events of a partner's payment in order, or
// CodePaymentNotFound.
func (e *Engine) History(ctx context.Context, ref PaymentRef) ([]store.Event, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	snap, err := e.locate(ctx, ref)
	if err != nil {
		return nil, err
	}
	ev, err := e.store.History(ctx, snap.Payment.ID)
	if err != nil {
		return nil, e.internal(err, "load history of payment %s", snap.Payment.ID)
	}
	return ev, nil
}
