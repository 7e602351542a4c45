package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// inquiryPayment is POST /v1/payments/inquiryPayment: S with the
// payment's status, or F ORDER_NOT_EXIST (also for another partner's
// payment). It changes nothing. To an antom partner a FAIL payment's
// answer also carries the failure's result code and text, as its
// notifyPayment's result does.
func inquiryPayment(h *Handler, c *call) any {
	def := paymentQueryFor(c.partner)
	ref, problem, denied := def.decode(c.body, c.partner.PartnerID)
	resp := &wire.InquiryPaymentResponse{}
	if denied {
		resp.Result = accessDenied()
		return resp
	}
	if problem != nil {
		resp.Result = badRequest(c.partner, problem)
		return resp
	}
	ref.PartnerID = c.partner.PartnerID
	p, err := h.engine().InquirePayment(c.ctx, ref)
	if err != nil {
		resp.Result = h.errorResult(c, apiInquiryPayment, err, def.names)
		return resp
	}
	resp.Result = successResult()
	resp.PaymentID = p.ID
	resp.PaymentRequestID = p.RequestID
	resp.PaymentAmount = amountOf(p.Amount)
	resp.PaymentStatus, resp.PaymentFailReason = paymentStatus(&p)
	if resp.PaymentStatus == wire.PaymentStatusFail && profileOf(c.partner) == ProfileAntom {
		r := failedPaymentResult(p.FailReason, resp.PaymentFailReason)
		resp.PaymentResultCode, resp.PaymentResultMessage = r.ResultCode, r.ResultMessage
	}
	resp.PaymentTime = wireTime(p.PaidAt)
	resp.PaymentCreateTime = wireTime(p.CreatedAt)
	resp.ExtendInfo = p.ExtendInfo
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
