package alipayplus

import (
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// cancel is POST /v1/payments/cancel: it closes an unpaid payment or
// reverses a paid one inside the cancel window (docs/decisions.md,
// "Cancel"). S with cancelTime when the payment is closed (also when it
// already was, or had failed: nothing is left to undo); F
// CANCEL_WINDOW_EXCEED (refund instead), ORDER_STATUS_INVALID (it has
// refunds), ORDER_NOT_EXIST; U PAYMENT_IN_PROCESS while a debit or
// reversal has no answer yet (retry with the same parameters). Cancel of an
// authorized authorization voids it: what is not captured goes back to the
// user, what was captured stays captured (refund it); U PAYMENT_IN_PROCESS
// while a capture is in flight.
func cancel(h *Handler, c *call) any {
	def := paymentQueryFor(c.partner)
	ref, problem, denied := def.decode(c.body, c.partner.PartnerID)
	resp := &wire.CancelResponse{}
	if denied {
		resp.Result = accessDenied()
		return resp
	}
	if problem != nil {
		resp.Result = badRequest(c.partner, problem)
		return resp
	}
	ref.PartnerID = c.partner.PartnerID
	p, err := h.engine().Cancel(c.ctx, ref)
	resp.PaymentID, resp.PaymentRequestID = p.ID, p.RequestID
	if err != nil {
		resp.Result = h.errorResult(c, apiCancel, err, def.names)
		return resp
	}
	if p.State != engine.PaymentClosed && p.State != engine.PaymentFail && !voided(&p) {
		h.logger().ErrorContext(c.ctx, "alipayplus: cancel left the payment open without an error",
			"partner", c.partner.PartnerID, "payment", p.ID, "state", p.State.String())
		resp.Result = result(wire.StatusUnknown, wire.CodeUnknownException)
		return resp
	}
	resp.Result = successResult()
	resp.CancelTime = wireTime(cancelTime(&p))
	return resp
}

// voided reports whether p is an authorization the merchant's cancel
// ended with part of it captured: SUCCESS, the rest released.
func voided(p *engine.Payment) bool {
	return p.Authorization && p.State == engine.PaymentSuccess && !p.CancelledAt.IsZero()
}

// cancelTime is when the payment was cancelled, or, for one that had
// already closed or failed, when that happened.
func cancelTime(p *engine.Payment) time.Time {
	switch {
	case !p.CancelledAt.IsZero():
		return p.CancelledAt
	case !p.ClosedAt.IsZero():
		return p.ClosedAt
	}
	return p.UpdatedAt
}
