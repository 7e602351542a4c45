package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// inquiryPayment is POST /v1/payments/inquiryPayment: S with the
// payment's status, or F ORDER_NOT_EXIST (also for another partner's
// payment). It changes nothing. To an antom partner a FAIL payment's
// answer also carries the failure's result code and text, as its
// notifyPayment's result does. An authorization also carries its
// authExpiryTime once authorized and its captures as transactions (in
// every profile: only Antom's spec names them).
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
	resp.PaymentTime = wireTime(succeededAt(&p))
	resp.PaymentCreateTime = wireTime(p.CreatedAt)
	resp.AuthExpiryTime = authExpiryTime(&p)
	resp.ExtendInfo = p.ExtendInfo
	for i := range p.Captures {
		resp.Transactions = append(resp.Transactions, captureTransaction(&p.Captures[i]))
	}
	return resp
}

// captureTransaction is capture k as inquiryPayment lists it: Antom's
// Transaction of type CAPTURE, its status SUCCESS, FAIL or PROCESSING, its
// result as the capture endpoint answers it, its time once final.
func captureTransaction(k *engine.Capture) wire.Transaction {
	t := wire.Transaction{
		TransactionResult: captureResult(k), TransactionID: k.ID, TransactionType: wire.TransactionTypeCapture,
		TransactionAmount: amountOf(k.Amount), TransactionRequestID: k.RequestID,
	}
	switch k.State {
	case engine.CaptureSuccess:
		t.TransactionStatus, t.TransactionTime = wire.TransactionStatusSuccess, wireTime(k.FinishedAt)
	case engine.CaptureFail:
		t.TransactionStatus, t.TransactionTime = wire.TransactionStatusFail, wireTime(k.FinishedAt)
	default:
		t.TransactionStatus = wire.TransactionStatusProcessing
	}
	return t
}

// paymentStatus returns the inquiry status of p and, for FAIL, the reason
// text: INIT and ACCEPT are PROCESSING; SUCCESS stays SUCCESS while refunds
// run against it; an AUTHORIZED authorization is SUCCESS, as its pay's S
// was ("authorized, awaiting capture", seed 000); a payment closed by the
// merchant's cancel (an authorization voided uncaptured too) is CANCELLED;
// a payment closed by expiry is FAIL with reason "Order payment expired.",
// as its notifyPayment said (the Alipay+ notifyPayment and inquiryPayment
// pages), and so is an authorization that expired uncaptured.
func paymentStatus(p *engine.Payment) (status, failReason string) {
	switch p.State {
	case engine.PaymentSuccess, engine.PaymentAuthorized:
		return wire.PaymentStatusSuccess, ""
	case engine.PaymentFail:
		return wire.PaymentStatusFail, failReasonText(p.FailReason, p.FailMessage)
	case engine.PaymentClosed:
		if p.FailReason == engine.CodeExpired || p.FailReason == engine.CodeAuthExpired {
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
