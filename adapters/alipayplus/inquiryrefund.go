package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// inquiryRefund is POST /v1/payments/inquiryRefund: S with the refund's
// status (PROCESSING, SUCCESS or FAIL with its reason), or F
// REFUND_NOT_EXIST (also for another partner's refund). The refund is
// named by refundId or refundRequestId; when both are given they must name
// the same refund, else F PARAM_ILLEGAL naming refundRequestId.
// It changes nothing.
func inquiryRefund(h *Handler, c *call) any {
	def := refundQueryFor(c.partner)
	ref, problem, denied := def.decode(c.body, c.partner.PartnerID)
	resp := &wire.InquiryRefundResponse{}
	if denied {
		resp.Result = accessDenied()
		return resp
	}
	if problem != nil {
		resp.Result = badRequest(c.partner, problem)
		return resp
	}
	ref.PartnerID = c.partner.PartnerID
	r, err := h.engine().InquireRefund(c.ctx, ref)
	if err != nil {
		resp.Result = h.errorResult(c, apiInquiryRefund, err, def.names)
		return resp
	}
	resp.Result = successResult()
	resp.RefundID = r.ID
	resp.RefundRequestID = r.RequestID
	resp.RefundAmount = amountOf(r.Amount)
	resp.RefundReason = wire.Truncate(r.Reason, engine.MaxReasonLength)
	resp.ExtendInfo = r.ExtendInfo
	switch r.State {
	case engine.RefundSuccess:
		resp.RefundStatus = wire.RefundStatusSuccess
		resp.RefundTime = wireTime(r.FinishedAt)
	case engine.RefundFail:
		resp.RefundStatus = wire.RefundStatusFail
		resp.RefundFailReason = failReasonText(r.FailReason, r.FailMessage)
	default:
		resp.RefundStatus = wire.RefundStatusProcessing
	}
	return resp
}
