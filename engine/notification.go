package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/paystate/paystate/store"
)

// OutboxKindPaymentResult is the Kind of the outbox messages that announce
// a payment's final result (store.OutboxMessage.Kind; the only kind the
// engine writes).
const OutboxKindPaymentResult = "payment_result"

// Notification is what a merchant must be told: a payment reached its final
// result. It is the engine's view of an outbox message (store.OutboxMessage),
// decoded and checked by NotificationOf, so a notifier works with states,
// codes and money rather than stored strings.
type Notification struct {
	// ID is stable across every attempt: merchants de-duplicate on it.
	ID        string
	PartnerID string
	PaymentID string
	RequestID string // the payment's request id (the merchant's key)
	NotifyURL string // where the merchant asked to be told
	// State is PaymentSuccess or PaymentFail; a payment closed by expiry is
	// announced as PaymentFail with FailReason CodeExpired.
	State       PaymentState
	FailReason  Code   // why it failed; CodeNone for success
	FailMessage string // the engine's own words for the failure, may be empty
	Amount      Money
	// PaymentCreatedAt is when the payment was created; At is when it
	// reached State (paid, or failed or closed).
	PaymentCreatedAt time.Time
	At               time.Time
}

// NotificationOf returns the engine's view of an outbox message, or an
// error naming what the stored message lacks: an id, partner, payment or
// request id, a known kind, a SUCCESS or FAIL status or a valid amount.
// Such a message cannot be sent; the worker records the error as a failed
// attempt. NotifyURL is passed on as stored: the notifier decides which
// URLs it sends to.
func NotificationOf(m store.OutboxMessage) (Notification, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"ID", m.ID}, {"PartnerID", m.PartnerID}, {"PaymentID", m.PaymentID}, {"RequestID", m.RequestID},
		{"Currency", m.Currency},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return Notification{}, fmt.Errorf("engine: outbox message %q has no %s", m.ID, strings.Join(missing, ", "))
	}
	if m.Kind != OutboxKindPaymentResult {
		return Notification{}, fmt.Errorf("engine: outbox message %q has kind %q, want %q", m.ID, m.Kind, OutboxKindPaymentResult)
	}
	n := Notification{
		ID: m.ID, PartnerID: m.PartnerID, PaymentID: m.PaymentID, RequestID: m.RequestID, NotifyURL: m.NotifyURL,
		FailMessage: m.FailMsg, Amount: Money{Currency: m.Currency, Minor: m.Amount},
		PaymentCreatedAt: m.PaymentCreatedAt, At: m.PaymentTime,
	}
	if err := n.Amount.Validate(); err != nil {
		return Notification{}, fmt.Errorf("engine: outbox message %q has amount %d %s: %w", m.ID, m.Amount, m.Currency, err)
	}
	switch m.Status {
	case PaymentSuccess.String():
		n.State = PaymentSuccess
	case PaymentFail.String():
		n.State = PaymentFail
	default:
		return Notification{}, fmt.Errorf("engine: outbox message %q has status %q, want SUCCESS or FAIL", m.ID, m.Status)
	}
	if code, ok := ParseCode(m.FailReason); ok {
		// A code this engine does not know (written by a newer version)
		// stays CodeNone: the merchant is still told of the failure.
		n.FailReason = code
	}
	return n, nil
}
