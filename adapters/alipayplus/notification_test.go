package alipayplus

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// successRecord is partner-a's payment pay-1 of 10.50 USD announced as paid,
// as the engine stores it in the outbox.
func successRecord(notifyURL string) store.OutboxMessage {
	return store.OutboxMessage{
		ID: "pay-1.result", PaymentID: "pay-1", PartnerID: "partner-a", RequestID: "req-1",
		Kind: "payment_result", NotifyURL: notifyURL, Status: "SUCCESS",
		Currency: "USD", Amount: 1050,
		PaymentCreatedAt: testEpoch.Add(-time.Minute), PaymentTime: testEpoch,
		CreatedAt: testEpoch, NextAttemptAt: testEpoch,
	}
}

// notifyBodyOf is what the worker and the notifier make of a stored
// message: the engine's view of it, then its notifyPayment body.
func notifyBodyOf(m store.OutboxMessage) ([]byte, error) {
	n, err := engine.NotificationOf(m)
	if err != nil {
		return nil, err
	}
	return NotifyPaymentBody(ProfileMiniProgramV1, n)
}

func TestNotifyPaymentBody(t *testing.T) {
	local := time.FixedZone("UTC+8", 8*3600)
	fail := func(edit func(*store.OutboxMessage)) store.OutboxMessage {
		m := successRecord("https://shop.example/n")
		m.Status, m.PaymentTime = "FAIL", testEpoch.Add(14*time.Minute)
		edit(&m)
		return m
	}
	long := strings.Repeat("é", 300)
	cases := []struct {
		name    string
		m       store.OutboxMessage
		want    map[string]any // members checked; nil value: must be absent
		wantErr string
	}{
		{"success, local times written in UTC", func() store.OutboxMessage {
			m := successRecord("https://shop.example/n")
			m.PaymentCreatedAt, m.PaymentTime = m.PaymentCreatedAt.In(local), m.PaymentTime.In(local)
			return m
		}(), map[string]any{"paymentTime": "2026-03-04T05:06:07Z", "paymentCreateTime": "2026-03-04T05:05:07Z", "paymentFailReason": nil}, ""},
		{"expiry, as the engine writes it", fail(func(m *store.OutboxMessage) { m.FailReason = "expired" }),
			map[string]any{"paymentStatus": "FAIL", "paymentFailReason": "Order payment expired.", "paymentTime": nil}, ""},
		{"expiry, as earlier versions wrote it", fail(func(m *store.OutboxMessage) { m.FailReason, m.FailMsg = "expired", "Order payment expired." }),
			map[string]any{"paymentStatus": "FAIL", "paymentFailReason": "Order payment expired.", "paymentTime": nil}, ""},
		{"the engine's own words win", fail(func(m *store.OutboxMessage) { m.FailReason, m.FailMsg = "balance_not_enough", "only 3.00 USD left" }),
			map[string]any{"paymentFailReason": "only 3.00 USD left"}, ""},
		{"code's default text", fail(func(m *store.OutboxMessage) { m.FailReason = engine.CodeBalanceNotEnough.String() }),
			map[string]any{"paymentFailReason": defaultMessages[wire.CodeUserBalanceNotEnough]}, ""},
		{"unknown code, no text", fail(func(m *store.OutboxMessage) { m.FailReason = "no_such_code" }),
			map[string]any{"paymentFailReason": "Payment failed."}, ""},
		{"long reason cut to 256 characters", fail(func(m *store.OutboxMessage) { m.FailMsg = long }),
			map[string]any{"paymentFailReason": long[:253*2] + "..."}, ""},
		{"zero creation time omitted", func() store.OutboxMessage {
			m := successRecord("https://shop.example/n")
			m.PaymentCreatedAt = time.Time{}
			return m
		}(), map[string]any{"paymentCreateTime": nil}, ""},
		{"bad status", func() store.OutboxMessage { m := successRecord(""); m.Status = "CLOSED"; return m }(), nil, `status "CLOSED"`},
		{"no amount", func() store.OutboxMessage { m := successRecord(""); m.Amount = 0; return m }(), nil, "amount 0"},
		{"no ids", func() store.OutboxMessage { m := successRecord(""); m.PartnerID, m.RequestID = "", ""; return m }(), nil, "PartnerID, RequestID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := notifyBodyOf(c.m)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			again, _ := notifyBodyOf(c.m)
			if string(again) != string(b) {
				t.Error("two bodies of one message differ")
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			for k, want := range c.want {
				v, ok := got[k]
				switch {
				case want == nil && ok:
					t.Errorf("%s = %v, want it absent", k, v)
				case want != nil && v != want:
					t.Errorf("%s = %v, want %v", k, v, want)
				}
			}
		})
	}
}

func TestNotifyPaymentBodyRefusesAStateThatIsNotAResult(t *testing.T) {
	for _, prof := range []Profile{ProfileMiniProgramV1, ProfileV1EN, ProfileAntom} {
		for _, st := range []engine.PaymentState{engine.PaymentInit, engine.PaymentAccept, engine.PaymentClosed} {
			_, err := NotifyPaymentBody(prof, engine.Notification{ID: "pay-1.result", State: st, Amount: engine.Money{Currency: "USD", Minor: 1}})
			if err == nil || !strings.Contains(err.Error(), "want SUCCESS or FAIL") {
				t.Errorf("%s, state %s: error %v", prof, st, err)
			}
		}
	}
}

// An antom partner's notifyPayment is Antom's: notifyType and a result that
// says paid (S) or failed (F with the failure's code), never the
// mini-program's paymentStatus.
func TestNotifyPaymentBodyAntom(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	paid := engine.Notification{ID: "pay-1.result", PartnerID: "partner-antom", PaymentID: "pay-1", RequestID: "req-1",
		State: engine.PaymentSuccess, Amount: engine.Money{Currency: "USD", Minor: 1050},
		PaymentCreatedAt: at.Add(-time.Minute), At: at}
	declined := paid
	declined.State, declined.FailReason = engine.PaymentFail, engine.CodeBalanceNotEnough
	expired := paid
	expired.State, expired.FailReason = engine.PaymentFail, engine.CodeExpired
	for _, c := range []struct {
		name string
		n    engine.Notification
		want string
	}{
		{"paid", paid, `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},` +
			`"paymentRequestId":"req-1","paymentId":"pay-1","paymentAmount":{"currency":"USD","value":"1050"},` +
			`"paymentCreateTime":"2026-03-04T05:05:07Z","paymentTime":"2026-03-04T05:06:07Z"}`},
		{"declined", declined, `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"USER_BALANCE_NOT_ENOUGH","resultStatus":"F","resultMessage":"` +
			defaultMessages[wire.CodeUserBalanceNotEnough] + `"},` +
			`"paymentRequestId":"req-1","paymentId":"pay-1","paymentAmount":{"currency":"USD","value":"1050"},` +
			`"paymentCreateTime":"2026-03-04T05:05:07Z","paymentTime":"2026-03-04T05:06:07Z"}`},
		{"expired", expired, `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"ORDER_IS_CLOSED","resultStatus":"F","resultMessage":"Order payment expired."},` +
			`"paymentRequestId":"req-1","paymentId":"pay-1","paymentAmount":{"currency":"USD","value":"1050"},` +
			`"paymentCreateTime":"2026-03-04T05:05:07Z","paymentTime":"2026-03-04T05:06:07Z"}`},
	} {
		got, err := NotifyPaymentBody(ProfileAntom, c.n)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %s, %v\nwant %s", c.name, got, err, c.want)
		}
	}
}
