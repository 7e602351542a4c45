package alipayplus

import (
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// capture is POST /v1/payments/capture (Antom's capture, in every
// profile): it takes part or all of an authorization's held money for the
// merchant. S with captureId and captureTime; U CAPTURE_IN_PROCESS while
// the capture, or another capture that blocks it, has no answer yet (retry
// with the same captureRequestId); F AUTH_NOT_FOUND (no such payment, also
// another partner's, or one that is no authorization or not authorized
// yet), AUTH_CANCELLED (voided), AUTH_EXPIRED, CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT,
// CURRENCY_NOT_SUPPORT, ORDER_STATUS_INVALID (nothing left to capture: it
// was captured in full or after its last capture), REPEAT_REQ_INCONSISTENT.
// Every answer echoes captureRequestId, paymentId and captureAmount once
// the request was read.
func capture(h *Handler, c *call) any {
	def := captureRequestFor(c.partner)
	req, problem, denied := def.decode(c.body, c.partner.PartnerID)
	resp := &wire.CaptureResponse{}
	if refusal := h.commandRefusal(c, denied, problem, req.ExtendInfo); refusal != nil {
		resp.Result = *refusal
		return resp
	}
	req.PartnerID = c.partner.PartnerID
	resp.CaptureRequestID, resp.PaymentID, resp.CaptureAmount = req.RequestID, req.PaymentID, amountOf(req.Amount)
	k, err := h.engine().Capture(c.ctx, req)
	if err != nil {
		resp.Result = h.errorResult(c, apiCapture, err, def.names)
		return resp
	}
	resp.Result = captureResult(&k)
	if k.State != engine.CaptureFail { // FAIL comes with its reason as the error; be safe anyway
		resp.CaptureID, resp.ExtendInfo = k.ID, k.ExtendInfo
	}
	if k.State == engine.CaptureSuccess {
		resp.CaptureTime = wireTime(k.FinishedAt)
	}
	return resp
}

// captureResult is the result a capture in its state is answered with:
// S, U CAPTURE_IN_PROCESS in flight, or F with its failure's code.
func captureResult(k *engine.Capture) wire.Result {
	switch k.State {
	case engine.CaptureSuccess:
		return successResult()
	case engine.CaptureInit:
		return result(wire.StatusUnknown, wire.CodeCaptureInProcess)
	}
	return failReasonResult(apiCapture, k.FailReason, k.FailMessage)
}
