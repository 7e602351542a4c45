package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// refundRefFields maps engine field names of RefundRef to wire names.
var refundRefFields = map[engine.Field]string{
	engine.FieldPartnerID: "partnerId", engine.FieldRefundID: "refundId", engine.FieldRequestID: "refundRequestId",
}

// inquiryRefund is POST /v1/payments/inquiryRefund: S with the refund's
// status (PROCESSING, SUCCESS or FAIL with its reason), or F
// REFUND_NOT_EXIST (also for another partner's refund). The refund is
// named by refundId or refundRequestId; refundId wins when both are given.
// It changes nothing.
func inquiryRefund(h *Handler, c *call) any {
	d, root := decodeBody(c.body)
	resp := &wire.InquiryRefundResponse{}
	if denied := checkPartner(c, root); denied != nil {
		resp.Result = *denied
		return resp
	}
	ref := engine.RefundRef{PartnerID: c.partner.PartnerID}
	ref.RefundID = root.str("refundId", maxRequestID, false)
	ref.RequestID = root.str("refundRequestId", maxRequestID, false)
	root.str("extendInfo", maxExtendInfo, false)
	root.str("merchantAccountId", maxMerchantAccountID, false)
	if ref.RefundID == "" && ref.RequestID == "" && d.err == nil {
		root.fail("refundId", "or refundRequestId is required")
	}
	if d.err != nil {
		resp.Result = paramIllegal(d.err)
		return resp
	}
	r, err := h.engine().InquireRefund(c.ctx, ref)
	if err != nil {
		resp.Result = h.errorResult(c, apiInquiryRefund, err, refundRefFields)
		return resp
	}
	resp.Result = successResult()
	resp.RefundID = r.ID
	resp.RefundRequestID = r.RequestID
	resp.RefundAmount = amountOf(r.Amount)
	resp.RefundReason = wire.Truncate(r.Reason, maxReason)
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
