package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// refund is POST /v1/payments/refund (seed 002): it gives part or all of a
// paid payment back to the user. S with refundId and refundTime; U
// REFUND_IN_PROCESS while the credit has no answer (retry with the same
// refundRequestId, or inquire); F REFUND_AMOUNT_EXCEED,
// REFUND_WINDOW_EXCEED, ORDER_STATUS_INVALID, CURRENCY_NOT_SUPPORT,
// REPEAT_REQ_INCONSISTENT, ORDER_NOT_EXIST (also for another partner's
// payment). The antom profile also echoes refundRequestId, paymentId and
// refundAmount.
func refund(h *Handler, c *call) any {
	def := refundRequestFor(c.partner)
	req, problem, denied := def.decode(c.body, c.partner.PartnerID)
	resp := &wire.RefundResponse{}
	if refusal := h.commandRefusal(c, denied, problem, req.ExtendInfo); refusal != nil {
		resp.Result = *refusal
		return resp
	}
	req.PartnerID = c.partner.PartnerID
	r, err := h.engine().Refund(c.ctx, req)
	if profileOf(c.partner) == ProfileAntom {
		resp.RefundRequestID = req.RequestID
		resp.PaymentID = r.PaymentID
		resp.RefundAmount = amountOf(req.Amount)
	}
	if err != nil {
		resp.Result = h.errorResult(c, apiRefund, err, def.names)
		return resp
	}
	switch r.State {
	case engine.RefundSuccess:
		resp.Result = successResult()
		resp.RefundID, resp.ExtendInfo = r.ID, r.ExtendInfo
		resp.RefundTime = wireTime(r.FinishedAt)
	case engine.RefundInit:
		resp.Result = result(wire.StatusUnknown, wire.CodeRefundInProcess)
		resp.RefundID, resp.ExtendInfo = r.ID, r.ExtendInfo
	default: // FAIL comes with its reason as the error; be safe anyway
		resp.Result = failReasonResult(apiRefund, r.FailReason, r.FailMessage)
	}
	return resp
}
