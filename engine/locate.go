package engine

import (
	"context"
	"errors"

	"github.com/paystate/paystate/store"
)

// locate loads the payment ref names, hiding other partners' payments: a
// payment of another partner is CodePaymentNotFound, exactly like a
// payment that does not exist. See locateNamed for a ref that names the
// payment twice.
func (e *Engine) locate(ctx context.Context, ref PaymentRef) (store.Snapshot, error) {
	return e.locateNamed(ctx, ref, FieldRequestID)
}

// locateNamed is locate for a request whose field requestField carries
// ref.RequestID. A ref naming the payment both by its wallet id and by
// its request id must name one payment of the partner: when the two
// disagree (they name two payments, or only one of them names any) the
// answer is CodeParamIllegal on requestField, so no command acts on a
// payment the merchant may not have meant (decision 87); when neither
// names one it is CodePaymentNotFound.
func (e *Engine) locateNamed(ctx context.Context, ref PaymentRef, requestField Field) (store.Snapshot, error) {
	if ref.PaymentID == "" {
		return e.paymentByRequest(ctx, ref.PartnerID, ref.RequestID)
	}
	snap, err := e.paymentByID(ctx, ref.PartnerID, ref.PaymentID)
	if ref.RequestID == "" || (err == nil && snap.Payment.RequestID == ref.RequestID) {
		return snap, err
	}
	if err != nil {
		if ErrorCode(err) != CodePaymentNotFound {
			return snap, err
		}
		switch _, rerr := e.paymentByRequest(ctx, ref.PartnerID, ref.RequestID); ErrorCode(rerr) {
		case CodePaymentNotFound:
			return snap, err // neither id names a payment
		case CodeNone:
		default:
			return snap, rerr
		}
	}
	return store.Snapshot{}, paramError(requestField, "does not name the payment the payment id names")
}

// paymentByID loads the partner's payment with wallet id id; another
// partner's payment is CodePaymentNotFound.
func (e *Engine) paymentByID(ctx context.Context, partnerID, id string) (store.Snapshot, error) {
	snap, err := e.store.LoadPayment(ctx, id, "")
	if err == nil && snap.Payment.PartnerID != partnerID {
		err = store.ErrNotFound
	}
	return snap, e.lookupError(err, CodePaymentNotFound, "no such payment", "load payment")
}

// paymentByRequest loads the partner's payment with request id requestID.
func (e *Engine) paymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	snap, err := e.store.LoadPaymentByRequest(ctx, partnerID, requestID)
	return snap, e.lookupError(err, CodePaymentNotFound, "no such payment", "load payment")
}

// locateRefund loads the refund ref names, hiding other partners'
// refunds (CodeRefundNotFound). A ref naming the refund both by its
// wallet id and by its request id must name one refund, as for payments
// (locateNamed): CodeParamIllegal on FieldRequestID when they disagree,
// CodeRefundNotFound when neither names one.
func (e *Engine) locateRefund(ctx context.Context, ref RefundRef) (store.Refund, error) {
	if ref.RefundID == "" {
		return e.refundByRequest(ctx, ref.PartnerID, ref.RequestID)
	}
	r, err := e.store.GetRefund(ctx, ref.RefundID)
	if err == nil && r.PartnerID != ref.PartnerID {
		err = store.ErrNotFound
	}
	if err = e.lookupError(err, CodeRefundNotFound, "no such refund", "load refund"); err != nil && ErrorCode(err) != CodeRefundNotFound {
		return r, err
	}
	if ref.RequestID == "" || (err == nil && r.RequestID == ref.RequestID) {
		return r, err
	}
	if err != nil {
		switch _, rerr := e.refundByRequest(ctx, ref.PartnerID, ref.RequestID); ErrorCode(rerr) {
		case CodeRefundNotFound:
			return r, err // neither id names a refund
		case CodeNone:
		default:
			return r, rerr
		}
	}
	return store.Refund{}, paramError(FieldRequestID, "does not name the refund the refund id names")
}

// refundByRequest loads the partner's refund with request id requestID.
func (e *Engine) refundByRequest(ctx context.Context, partnerID, requestID string) (store.Refund, error) {
	r, err := e.store.GetRefundByRequest(ctx, partnerID, requestID)
	return r, e.lookupError(err, CodeRefundNotFound, "no such refund", "load refund")
}

// lookupError turns a store lookup's error into the engine's: nil stays
// nil, store.ErrNotFound becomes notFound with message, anything else is
// internal.
func (e *Engine) lookupError(err error, notFound Code, message, doing string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return errorf(notFound, "%s", message)
	}
	return e.internal(err, "%s", doing)
}
