package alipayplus

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// NotificationBody returns the body announcing n to a partner of profile
// prof: NotifyRefundBody for a refund's result (n.IsRefund),
// NotifyCaptureBody for a capture's (n.IsCapture), else NotifyPaymentBody.
func NotificationBody(prof Profile, n engine.Notification) ([]byte, error) {
	switch {
	case n.IsRefund():
		return NotifyRefundBody(n)
	case n.IsCapture():
		return NotifyCaptureBody(n)
	}
	return NotifyPaymentBody(prof, n)
}

// NotifyPaymentBody returns the notifyPayment body announcing n to a
// partner of profile prof. It depends on prof and n alone (times are n's,
// written in UTC), so every attempt of a notification sends the same
// bytes. A notification in a state other than SUCCESS or FAIL (expiry
// included) is an error.
//
// miniprogram-v1 and v1-en: wire.NotifyPaymentRequest, with the payment's
// extendInfo; paymentStatus is SUCCESS or FAIL, paymentTime the success
// time, and for FAIL
// paymentFailReason is n.FailMessage, else the text Alipay+ words for the
// code ("Order payment expired."), else the default text of its result
// code, else "Payment failed.", at most 256 characters.
//
// antom: wire.AntomNotifyPaymentRequest (Antom's notifyPayment): notifyType
// PAYMENT_RESULT, result S SUCCESS for paid, F with the failure's result
// code and the same reason text for failed; paymentTime is when the
// payment reached its result.
func NotifyPaymentBody(prof Profile, n engine.Notification) ([]byte, error) {
	if n.IsRefund() || n.IsCapture() {
		return nil, fmt.Errorf("alipayplus: notification %s announces a %s, not a payment", n.ID, strings.TrimSuffix(n.Kind, "_result"))
	}
	if n.State != engine.PaymentSuccess && n.State != engine.PaymentFail {
		return nil, fmt.Errorf("alipayplus: notification %s announces state %s, want SUCCESS or FAIL", n.ID, n.State)
	}
	if prof == ProfileAntom {
		return json.Marshal(antomNotifyPayment(n))
	}
	body := wire.NotifyPaymentRequest{
		PartnerID:         n.PartnerID,
		PaymentID:         n.PaymentID,
		PaymentRequestID:  n.RequestID,
		PaymentAmount:     *amountOf(n.Amount),
		PaymentCreateTime: wireTime(n.PaymentCreatedAt.UTC()),
		ExtendInfo:        n.ExtendInfo,
	}
	if n.State == engine.PaymentSuccess {
		body.PaymentStatus = wire.PaymentStatusSuccess
		body.PaymentTime = wireTime(n.At.UTC())
	} else {
		body.PaymentStatus = wire.PaymentStatusFail
		body.PaymentFailReason = notifiedFailReason(n)
	}
	return json.Marshal(body)
}

// antomNotifyPayment is the antom profile's notifyPayment of n, a SUCCESS
// or FAIL notification.
func antomNotifyPayment(n engine.Notification) wire.AntomNotifyPaymentRequest {
	body := wire.AntomNotifyPaymentRequest{
		NotifyType:        wire.NotifyTypePaymentResult,
		Result:            successResult(),
		PaymentRequestID:  n.RequestID,
		PaymentID:         n.PaymentID,
		PaymentAmount:     *amountOf(n.Amount),
		PaymentCreateTime: wireTime(n.PaymentCreatedAt.UTC()),
		PaymentTime:       wireTime(n.At.UTC()),
	}
	if n.State == engine.PaymentFail {
		body.Result = failedPaymentResult(n.FailReason, notifiedFailReason(n))
	}
	return body
}

// notifiedFailReason is the text a notification gives for n's failure.
func notifiedFailReason(n engine.Notification) string {
	if reason := failReasonText(n.FailReason, n.FailMessage); reason != "" {
		return reason
	}
	return "Payment failed."
}

// NotifyRefundBody returns the notifyRefund body announcing n, a refund's
// result (Antom's wire.AntomNotifyRefundRequest, in every profile: only
// Antom's spec defines a refund notification, and only the antom profile's
// refund request names a refundNotifyUrl). It depends on n alone, so every
// attempt sends the same bytes: notifyType REFUND_RESULT; for a credited
// refund result S SUCCESS and refundStatus SUCCESS; for a failed one
// result F with the code refund answers for the failure (PROCESS_FAIL for
// a credit the ledger declined) and its text, refundStatus FAIL; refundTime is when the
// refund reached its result, in UTC.
func NotifyRefundBody(n engine.Notification) ([]byte, error) {
	if !n.IsRefund() {
		return nil, fmt.Errorf("alipayplus: notification %s announces a payment, not a refund", n.ID)
	}
	body := wire.AntomNotifyRefundRequest{
		NotifyType:      wire.NotifyTypeRefundResult,
		Result:          successResult(),
		RefundStatus:    wire.RefundStatusSuccess,
		RefundRequestID: n.RefundRequestID,
		RefundID:        n.RefundID,
		RefundAmount:    *amountOf(n.Amount),
		RefundTime:      wireTime(n.At.UTC()),
	}
	switch n.RefundState {
	case engine.RefundSuccess:
	case engine.RefundFail:
		body.RefundStatus = wire.RefundStatusFail
		body.Result = notifiedFailure(apiRefund, n, "Refund failed.")
	default:
		return nil, fmt.Errorf("alipayplus: notification %s announces refund state %s, want SUCCESS or FAIL", n.ID, n.RefundState)
	}
	return json.Marshal(body)
}

// NotifyCaptureBody returns the notifyCapture body announcing n, a
// capture's result (Antom's wire.AntomNotifyCaptureRequest; only antom
// authorizations ask for capture notifications, see
// engine.PayRequest.NotifyCaptures). It depends on n alone, so every
// attempt sends the same bytes: notifyType CAPTURE_RESULT; for a capture
// that took the money result S SUCCESS; for a failed one result F with the
// code capture answers for the failure (PROCESS_FAIL for a capture the
// ledger declined) and its text; captureTime is when the capture reached
// its result, in UTC.
func NotifyCaptureBody(n engine.Notification) ([]byte, error) {
	if !n.IsCapture() {
		return nil, fmt.Errorf("alipayplus: notification %s announces no capture", n.ID)
	}
	body := wire.AntomNotifyCaptureRequest{
		NotifyType:       wire.NotifyTypeCaptureResult,
		Result:           successResult(),
		CaptureRequestID: n.CaptureRequestID,
		PaymentID:        n.PaymentID,
		CaptureID:        n.CaptureID,
		CaptureAmount:    *amountOf(n.Amount),
		CaptureTime:      wireTime(n.At.UTC()),
	}
	switch n.CaptureState {
	case engine.CaptureSuccess:
	case engine.CaptureFail:
		body.Result = notifiedFailure(apiCapture, n, "Capture failed.")
	default:
		return nil, fmt.Errorf("alipayplus: notification %s announces capture state %s, want SUCCESS or FAIL", n.ID, n.CaptureState)
	}
	return json.Marshal(body)
}

// notifiedFailure is the result a refund or capture notification of a
// failure carries: F with the code a's endpoint answers for n's reason, and
// the reason's text, else fallback.
func notifiedFailure(a api, n engine.Notification, fallback string) wire.Result {
	r := failReasonResult(a, n.FailReason, "")
	r.ResultMessage = failReasonText(n.FailReason, n.FailMessage)
	if r.ResultMessage == "" {
		r.ResultMessage = fallback
	}
	return r
}
