package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/paystate/paystate/store"
)

// The kinds of the outbox messages the engine writes
// (store.OutboxMessage.Kind).
const (
	// OutboxKindPaymentResult announces a payment's final result.
	OutboxKindPaymentResult = "payment_result"
	// OutboxKindRefundResult announces the final result of a refund that
	// was in flight, when its request named a notify URL.
	OutboxKindRefundResult = "refund_result"
	// OutboxKindCaptureResult announces the final result of a capture
	// that was in flight, when its authorization asked for
	// PayRequest.NotifyCaptures.
	OutboxKindCaptureResult = "capture_result"
)

// Notification is what a merchant must be told: a payment, or a refund,
// reached its final result. It is the engine's view of an outbox message
// (store.OutboxMessage), decoded and checked by NotificationOf, so a
// notifier works with states, codes and money rather than stored strings.
type Notification struct {
	// ID is stable across every attempt: merchants de-duplicate on it.
	ID        string
	Kind      string // OutboxKindPaymentResult or OutboxKindRefundResult
	PartnerID string
	PaymentID string
	RequestID string // the payment's request id (the merchant's key)
	NotifyURL string // where the merchant asked to be told
	// State is PaymentSuccess or PaymentFail; a payment closed by expiry is
	// announced as PaymentFail with FailReason CodeExpired. For a refund's
	// result State is PaymentSuccess (the refunded payment stays paid) and
	// RefundState tells the refund's.
	State PaymentState
	// RefundID, RefundRequestID and RefundState (RefundSuccess or
	// RefundFail) are set for a refund's result only.
	RefundID        string
	RefundRequestID string
	RefundState     RefundState
	// CaptureID, CaptureRequestID and CaptureState (CaptureSuccess or
	// CaptureFail) are set for a capture's result only; State is then
	// PaymentAuthorized.
	CaptureID        string
	CaptureRequestID string
	CaptureState     CaptureState
	FailReason       Code   // why it failed; CodeNone for success
	FailMessage      string // the engine's own words for the failure, may be empty
	// Amount is the payment's amount, or the refund's (capture's) for a
	// refund's (capture's) result.
	Amount Money
	// PaymentCreatedAt is when the payment was created; At is when it
	// reached State (paid, or failed or closed), or when the refund
	// reached RefundState.
	PaymentCreatedAt time.Time
	At               time.Time
	ExtendInfo       string // the payment's extendInfo (payment results only)
}

// IsRefund reports whether n announces a refund's result.
func (n Notification) IsRefund() bool { return n.Kind == OutboxKindRefundResult }

// IsCapture reports whether n announces a capture's result.
func (n Notification) IsCapture() bool { return n.Kind == OutboxKindCaptureResult }

// NotificationOf returns the engine's view of an outbox message, or an
// error naming what the stored message lacks: an id, partner, payment or
// request id, a known kind, a SUCCESS or FAIL status, a valid amount, and
// for a refund's result its refund and request ids. Such a message cannot
// be sent; the worker records the error as a failed attempt. NotifyURL is
// passed on as stored: the notifier decides which URLs it sends to.
func NotificationOf(m store.OutboxMessage) (Notification, error) {
	type named struct{ name, v string }
	required := []named{
		{"ID", m.ID}, {"PartnerID", m.PartnerID}, {"PaymentID", m.PaymentID}, {"RequestID", m.RequestID},
		{"Currency", m.Currency},
	}
	switch m.Kind {
	case OutboxKindRefundResult:
		required = append(required, named{"RefundID", m.RefundID}, named{"RefundRequestID", m.RefundRequestID})
	case OutboxKindCaptureResult:
		required = append(required, named{"CaptureID", m.CaptureID}, named{"CaptureRequestID", m.CaptureRequestID})
	}
	var missing []string
	for _, f := range required {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return Notification{}, fmt.Errorf("engine: outbox message %q has no %s", m.ID, strings.Join(missing, ", "))
	}
	if m.Kind != OutboxKindPaymentResult && m.Kind != OutboxKindRefundResult && m.Kind != OutboxKindCaptureResult {
		return Notification{}, fmt.Errorf("engine: outbox message %q has kind %q, want %q, %q or %q",
			m.ID, m.Kind, OutboxKindPaymentResult, OutboxKindRefundResult, OutboxKindCaptureResult)
	}
	n := Notification{
		ID: m.ID, Kind: m.Kind, PartnerID: m.PartnerID, PaymentID: m.PaymentID, RequestID: m.RequestID,
		NotifyURL: m.NotifyURL, FailMessage: m.FailMsg, Amount: Money{Currency: m.Currency, Minor: m.Amount},
		PaymentCreatedAt: m.PaymentCreatedAt, At: m.PaymentTime, ExtendInfo: m.ExtendInfo,
	}
	if err := n.Amount.Validate(); err != nil {
		return Notification{}, fmt.Errorf("engine: outbox message %q has amount %d %s: %w", m.ID, m.Amount, m.Currency, err)
	}
	switch {
	case n.IsRefund() && m.Status == RefundSuccess.String():
		n.State, n.RefundState = PaymentSuccess, RefundSuccess
	case n.IsRefund() && m.Status == RefundFail.String():
		n.State, n.RefundState = PaymentSuccess, RefundFail
	case n.IsRefund():
		return Notification{}, fmt.Errorf("engine: outbox message %q has status %q, want SUCCESS or FAIL", m.ID, m.Status)
	case n.IsCapture() && m.Status == CaptureSuccess.String():
		n.State, n.CaptureState = PaymentAuthorized, CaptureSuccess
	case n.IsCapture() && m.Status == CaptureFail.String():
		n.State, n.CaptureState = PaymentAuthorized, CaptureFail
	case n.IsCapture():
		return Notification{}, fmt.Errorf("engine: outbox message %q has status %q, want SUCCESS or FAIL", m.ID, m.Status)
	case m.Status == PaymentSuccess.String():
		n.State = PaymentSuccess
	case m.Status == PaymentFail.String():
		n.State = PaymentFail
	default:
		return Notification{}, fmt.Errorf("engine: outbox message %q has status %q, want SUCCESS or FAIL", m.ID, m.Status)
	}
	n.RefundID, n.RefundRequestID = m.RefundID, m.RefundRequestID
	n.CaptureID, n.CaptureRequestID = m.CaptureID, m.CaptureRequestID
	if code, ok := ParseCode(m.FailReason); ok {
		// A code this engine does not know (written by a newer version)
		// stays CodeNone: the merchant is still told of the failure.
		n.FailReason = code
	}
	return n, nil
}
