package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// storedResult is an outbox message as the engine writes it for a payment
// that failed.
func storedResult() store.OutboxMessage {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return store.OutboxMessage{
		ID: "pay-1.result", PaymentID: "pay-1", PartnerID: "shop", RequestID: "order-1",
		Kind: "payment_result", NotifyURL: "https://shop.example/n", Status: "FAIL",
		FailReason: "balance_not_enough", FailMsg: "only 3.00 USD left", Currency: "USD", Amount: 1050,
		PaymentCreatedAt: at.Add(-time.Minute), PaymentTime: at, CreatedAt: at, NextAttemptAt: at,
	}
}

func TestNotificationOfReadsTheStoredMessage(t *testing.T) {
	m := storedResult()
	n, err := engine.NotificationOf(m)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Notification{
		ID: "pay-1.result", Kind: engine.OutboxKindPaymentResult, PartnerID: "shop", PaymentID: "pay-1", RequestID: "order-1",
		NotifyURL: "https://shop.example/n", State: engine.PaymentFail,
		FailReason: engine.CodeBalanceNotEnough, FailMessage: "only 3.00 USD left",
		Amount:           engine.Money{Currency: "USD", Minor: 1050},
		PaymentCreatedAt: m.PaymentCreatedAt, At: m.PaymentTime,
	}
	if n != want {
		t.Errorf("NotificationOf = %+v\nwant %+v", n, want)
	}

	m.Status, m.FailReason, m.FailMsg = "SUCCESS", "", ""
	if n, err := engine.NotificationOf(m); err != nil || n.State != engine.PaymentSuccess || n.FailReason != engine.CodeNone {
		t.Errorf("success: %+v, %v", n, err)
	}
	// A code of a newer version is not known here: still a failure.
	m.Status, m.FailReason = "FAIL", "some_future_code"
	if n, err := engine.NotificationOf(m); err != nil || n.State != engine.PaymentFail || n.FailReason != engine.CodeNone {
		t.Errorf("unknown code: %+v, %v", n, err)
	}
}

func TestNotificationOfReadsARefundsResult(t *testing.T) {
	m := storedResult()
	m.ID, m.Kind, m.RefundID, m.RefundRequestID = "ref-1.result", "refund_result", "ref-1", "refund-1"
	m.Status, m.FailReason, m.FailMsg, m.Amount = "FAIL", "user_not_exist", "account closed", 250
	n, err := engine.NotificationOf(m)
	if err != nil {
		t.Fatal(err)
	}
	if !n.IsRefund() || n.RefundState != engine.RefundFail || n.State != engine.PaymentSuccess ||
		n.RefundID != "ref-1" || n.RefundRequestID != "refund-1" || n.FailReason != engine.CodeUserNotExist ||
		n.Amount != (engine.Money{Currency: "USD", Minor: 250}) || !n.At.Equal(m.PaymentTime) {
		t.Errorf("refund failure read as %+v", n)
	}
	m.Status, m.FailReason, m.FailMsg = "SUCCESS", "", ""
	if n, err := engine.NotificationOf(m); err != nil || n.RefundState != engine.RefundSuccess || n.FailReason != engine.CodeNone {
		t.Errorf("refund success: %+v, %v", n, err)
	}
}

func TestNotificationOfRefusesWhatCannotBeSent(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*store.OutboxMessage)
		want string
	}{
		{"no id", func(m *store.OutboxMessage) { m.ID = "" }, `outbox message "" has no ID`},
		{"no ids", func(m *store.OutboxMessage) { m.PartnerID, m.RequestID = "", "" }, "has no PartnerID, RequestID"},
		{"no currency", func(m *store.OutboxMessage) { m.Currency = "" }, "has no Currency"},
		{"another kind", func(m *store.OutboxMessage) { m.Kind = "chargeback_result" }, `kind "chargeback_result"`},
		{"a refund's result without the refund", func(m *store.OutboxMessage) { m.Kind = "refund_result" }, "has no RefundID, RefundRequestID"},
		{"a refund's result in another state", func(m *store.OutboxMessage) {
			m.Kind, m.RefundID, m.RefundRequestID, m.Status = "refund_result", "ref-1", "refund-1", "INIT"
		}, `status "INIT", want SUCCESS or FAIL`},
		{"not a final result", func(m *store.OutboxMessage) { m.Status = "ACCEPT" }, `status "ACCEPT", want SUCCESS or FAIL`},
		{"no amount", func(m *store.OutboxMessage) { m.Amount = 0 }, "has amount 0 USD"},
		{"unknown currency", func(m *store.OutboxMessage) { m.Currency = "XYZ" }, "has amount 1050 XYZ"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := storedResult()
			c.edit(&m)
			_, err := engine.NotificationOf(m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}
