package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// refundFields maps engine field names of RefundRequest to wire names.
var refundFields = map[engine.Field]string{
	engine.FieldPartnerID: "partnerId", engine.FieldRequestID: "refundRequestId", engine.FieldPaymentID: "paymentId",
	engine.FieldPaymentRequestID: "paymentRequestId", engine.FieldAmountCurrency: "refundAmount.currency",
	engine.FieldAmountValue: "refundAmount.value", engine.FieldReason: "refundReason",
}

// refund is POST /v1/payments/refund (seed 002): it gives part or all of a
// paid payment back to the user. S with refundId and refundTime; U
// REFUND_IN_PROCESS while the credit has no answer (retry with the same
// refundRequestId, or inquire); F REFUND_AMOUNT_EXCEED,
// REFUND_WINDOW_EXCEED, ORDER_STATUS_INVALID, CURRENCY_NOT_SUPPORT,
// REPEAT_REQ_INCONSISTENT, ORDER_NOT_EXIST (also for another partner's
// payment). The antom profile also echoes refundRequestId, paymentId and
// refundAmount.
func refund(h *Handler, c *call) any {
	d, root := decodeBody(c.body)
	resp := &wire.RefundResponse{}
	if denied := checkPartner(c, root); denied != nil {
		resp.Result = *denied
		return resp
	}
	req := engine.RefundRequest{PartnerID: c.partner.PartnerID}
	req.RequestID = root.str("refundRequestId", maxRequestID, true)
	req.PaymentID = root.str("paymentId", maxRequestID, false)
	req.PaymentRequestID = root.str("paymentRequestId", maxRequestID, false)
	if req.PaymentID == "" && req.PaymentRequestID == "" && d.err == nil {
		root.fail("paymentId", "or paymentRequestId is required")
	}
	req.Amount = root.amount("refundAmount", true)
	req.Reason = root.str("refundReason", maxReason, false)
	root.str("extendInfo", maxExtendInfo, false)
	// Antom extras: accepted and checked, not used (refunds answer
	// synchronously here, so there is no notifyRefund).
	root.str("referenceRefundId", maxRequestID, false)
	root.link("refundNotifyUrl", maxMiniURL, false)
	root.str("merchantAccountId", maxMerchantAccountID, false)
	root.boolean("isAsyncRefund")
	if d.err != nil {
		resp.Result = paramIllegal(d.err)
		return resp
	}
	r, err := h.engine().Refund(c.ctx, req)
	if profileOf(c.partner) == ProfileAntom {
		resp.RefundRequestID = req.RequestID
		resp.PaymentID = r.PaymentID
		resp.RefundAmount = amountOf(req.Amount)
	}
	if err != nil {
		resp.Result = h.errorResult(c, apiRefund, err, refundFields)
		return resp
	}
	switch r.State {
	case engine.RefundSuccess:
		resp.Result = successResult()
		resp.RefundID = r.ID
		resp.RefundTime = wireTime(r.FinishedAt)
	case engine.RefundInit:
		resp.Result = result(wire.StatusUnknown, wire.CodeRefundInProcess)
		resp.RefundID = r.ID
	default: // FAIL comes with its reason as the error; be safe anyway
		resp.Result = failReasonResult(apiRefund, r.FailReason, r.FailMessage)
	}
	return resp
}
