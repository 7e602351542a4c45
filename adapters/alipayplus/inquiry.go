package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// paymentRefFields maps engine field names of PaymentRef to wire names.
var paymentRefFields = map[engine.Field]string{
	engine.FieldPartnerID: "partnerId", engine.FieldPaymentID: "paymentId", engine.FieldRequestID: "paymentRequestId",
}

// decodePaymentRef reads the body of inquiryPayment and cancel after its
// partnerId: paymentId or paymentRequestId (one is required; paymentId
// wins when both are given), extendInfo, and Antom's merchantAccountId.
func decodePaymentRef(c *call, root *object) engine.PaymentRef {
	ref := engine.PaymentRef{PartnerID: c.partner.PartnerID}
	ref.PaymentID = root.str("paymentId", maxRequestID, false)
	ref.RequestID = root.str("paymentRequestId", maxRequestID, false)
	root.str("extendInfo", maxExtendInfo, false)
	root.str("merchantAccountId", maxMerchantAccountID, false)
	if ref.PaymentID == "" && ref.RequestID == "" && root.d.err == nil {
		root.fail("paymentId", "or paymentRequestId is required")
	}
	return ref
}

// inquiryPayment is POST /v1/payments/inquiryPayment: S with the
// payment's status, or F ORDER_NOT_EXIST (also for another partner's
// payment). It changes nothing.
func inquiryPayment(h *Handler, c *call) any {
	d, root := decodeBody(c.body)
	resp := &wire.InquiryPaymentResponse{}
	if denied := checkPartner(c, root); denied != nil {
		resp.Result = *denied
		return resp
	}
	ref := decodePaymentRef(c, root)
	if d.err != nil {
		resp.Result = paramIllegal(d.err)
		return resp
	}
	p, err := h.engine().InquirePayment(c.ctx, ref)
	if err != nil {
		resp.Result = h.errorResult(c, apiInquiryPayment, err, paymentRefFields)
		return resp
	}
	resp.Result = successResult()
	resp.PaymentID = p.ID
	resp.PaymentRequestID = p.RequestID
	resp.PaymentAmount = amountOf(p.Amount)
	resp.PaymentStatus, resp.PaymentFailReason = paymentStatus(&p)
	resp.PaymentTime = wireTime(p.PaidAt)
	resp.PaymentCreateTime = wireTime(p.CreatedAt)
	return resp
}

// paymentStatus returns the inquiry status of p and, for FAIL, the reason
// text: INIT and ACCEPT are PROCESSING; SUCCESS stays SUCCESS while refunds
// run against it; a payment closed by the merchant's cancel is CANCELLED;
// a payment closed by expiry is FAIL with reason "Order payment expired.",
// as its notifyPayment said (the Alipay+ notifyPayment and inquiryPayment pages).
func paymentStatus(p *engine.Payment) (status, failReason string) {
	switch p.State {
	case engine.PaymentSuccess:
		return wire.PaymentStatusSuccess, ""
	case engine.PaymentFail:
		return wire.PaymentStatusFail, failReasonText(p.FailReason, p.FailMessage)
	case engine.PaymentClosed:
		if p.FailReason == engine.CodeExpired {
			return wire.PaymentStatusFail, failReasonText(p.FailReason, p.FailMessage)
		}
		return wire.PaymentStatusCancelled, ""
	}
	return wire.PaymentStatusProcessing, ""
}

// failReasons are the reason texts Alipay+ words for engine codes: what
// notifyPayment and inquiryPayment say of an expired payment.
var failReasons = map[engine.Code]string{engine.CodeExpired: "Order payment expired."}

// failReasonText is the human reason of a failure (at most 256
// characters): the engine's message, else the text failReasons words for
// the code, else the wire code's default text.
func failReasonText(reason engine.Code, message string) string {
	if message == "" {
		message = failReasons[reason]
	}
	if message == "" {
		if w, ok := engineResults[reason]; ok {
			message = defaultMessages[w.code]
		}
	}
	return wire.Truncate(message, wire.MaxResultMessage)
}
