package engine

import "context"

// AutoCaptureRequestID is the request id of the capture the engine makes
// by itself for an authorization asked with CaptureAutomatically.
func AutoCaptureRequestID(paymentID string) string { return "auto-" + paymentID }

// Capture takes part or all of an authorization's hold for the merchant.
//
// The answer is the capture as it stands: SUCCESS (captured), INIT (the
// funds port gave no answer: Reconcile will find it) or FAIL with
// FailReason. A capture refused by the rules is stored as FAIL too, so a
// repeat gets the same answer: CodeAuthCancelled (the merchant voided the
// authorization), CodeAuthExpired (it expired; a capture that finds it
// past its AuthExpiresAt expires it), CodeNotAuthorization (the payment is
// not an authorization, or its hold is not placed yet),
// CodeOrderStatusInvalid (the authorization is complete: captured in full
// or after its last capture), CodeCurrencyNotSupported (currency differs
// from the payment's), CodeCaptureAmountExceed (captured plus in flight
// would exceed the authorized amount; this holds under any concurrency).
// Such a refusal is returned both as the FAIL capture and as the error.
//
// A capture with Last set releases what the hold has left once it
// succeeds, and the payment becomes SUCCESS; so does a capture that takes
// the hold's last minor unit. While a capture with Last is in flight no
// other capture starts, and a capture with Last waits for those in
// flight: both fail with CodeCaptureInProcess and store nothing (ask
// again with the same request id).
//
// A repeat of (PartnerID, RequestID) with the same payment, amount and
// Last returns the capture as it stands and changes nothing; with
// different content it fails with CodeRepeatInconsistent. A payment that
// does not exist or belongs to another partner is CodePaymentNotFound;
// invalid input is CodeParamIllegal; an authorization that has
// Config.MaxCaptures captures already is CodeOrderStatusInvalid. None of
// these stores anything.
func (e *Engine) Capture(ctx context.Context, req CaptureRequest) (Capture, error) {
	if err := req.validate(); err != nil {
		return Capture{}, err
	}
	return Capture{}, errorf(CodeInternal, "capture: not built yet")
}
