package alipayplus

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// TestOpenAPIWebhooks builds the notifyPayment bodies NotifyPaymentBody
// writes, in every profile, for every outcome (paid; declined or failed
// with every engine code, an unknown one included; expired) and
// validates each against the webhook the document names for its profile
// (and the notifyRefund and notifyCapture bodies against antom's),
// and checks that every webhook of the document is some profile's. The
// headers the notifier sends are checked against the same webhooks in
// package notify.
func TestOpenAPIWebhooks(t *testing.T) {
	d := loadOpenAPI(t)
	webhooks, _ := d.root["webhooks"].(map[string]any)
	if len(webhooks) == 0 {
		t.Fatal("the document has no webhooks")
	}
	exercised := map[string]bool{}
	bodies := map[Profile][]byte{} // a paid notification per profile
	for _, prof := range profiles {
		name, opPtr := oaWebhookOf(t, d, prof)
		exercised[name] = true
		reqPtr, ackPtr := d.profileSchemas(t, opPtr, prof)
		bodyPtr := opPtr + oaPointer("requestBody", "content", "application/json", "schema")
		for _, c := range oaNotifyCases() {
			raw, err := NotifyPaymentBody(prof, c.n)
			if err != nil {
				t.Fatalf("%s, %s: %v", prof, c.name, err)
			}
			if c.n.State == engine.PaymentSuccess {
				bodies[prof] = raw
			}
			for _, ptr := range []string{bodyPtr, reqPtr} {
				if err := d.validateJSON(t, ptr, raw); err != nil {
					t.Errorf("%s, %s: the notification does not match %s:\n%s\n%v", prof, c.name, ptr, raw, err)
				}
			}
		}
		// The acknowledgement: a result of status S, and nothing else.
		ackPtr2xx := opPtr + oaPointer("responses", "2XX", "content", "application/json", "schema")
		for _, ptr := range []string{ackPtr, ackPtr2xx} {
			if err := d.validateJSON(t, ptr, []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"extra":1}`)); err != nil {
				t.Errorf("%s: an S acknowledgement does not match %s: %v", prof, ptr, err)
			}
			for _, bad := range []string{`{"result":{"resultCode":"PROCESS_FAIL","resultStatus":"F"}}`, `{"result":{"resultStatus":"U"}}`, `{}`, `"S"`} {
				if d.validateJSON(t, ptr, []byte(bad)) == nil {
					t.Errorf("%s: %s, which the wallet does not take as an acknowledgement, matches %s", prof, bad, ptr)
				}
			}
		}
	}
	exercised[testRefundWebhook(t, d)] = true
	exercised[testCaptureWebhook(t, d)] = true
	for name := range webhooks {
		if !exercised[name] {
			t.Errorf("webhook %s is no profile's (x-profiles)", name)
		}
	}
	// The shapes are told apart: a body of one webhook is refused by the other.
	miniName, _ := oaWebhookOf(t, d, ProfileMiniProgramV1)
	antomName, antomOp := oaWebhookOf(t, d, ProfileAntom)
	_, miniOp := oaWebhookOf(t, d, ProfileMiniProgramV1)
	if miniName == antomName {
		t.Fatalf("antom and miniprogram-v1 share webhook %s", miniName)
	}
	schema := oaPointer("requestBody", "content", "application/json", "schema")
	if d.validateJSON(t, antomOp+schema, bodies[ProfileMiniProgramV1]) == nil {
		t.Errorf("%s takes a miniprogram-v1 notification: %s", antomName, bodies[ProfileMiniProgramV1])
	}
	if d.validateJSON(t, miniOp+schema, bodies[ProfileAntom]) == nil {
		t.Errorf("%s takes an antom notification: %s", miniName, bodies[ProfileAntom])
	}
}

// oaWebhookOf returns the name and the POST operation's pointer of the one
// notifyPayment webhook whose x-profiles names prof.
func oaWebhookOf(t testing.TB, d *oaDoc, prof Profile) (string, string) {
	return oaWebhookNamed(t, d, prof, "notifyPayment")
}

// oaWebhookNamed returns the name and the POST operation's pointer of the
// one webhook whose name starts with prefix (notifyPayment, notifyRefund)
// and whose x-profiles names prof.
func oaWebhookNamed(t testing.TB, d *oaDoc, prof Profile, prefix string) (string, string) {
	t.Helper()
	webhooks, _ := d.root["webhooks"].(map[string]any)
	var names []string
	for name := range webhooks {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if _, ok := d.lookup(oaPointer("webhooks", name, "post", "x-profiles", string(prof))); ok {
			names = append(names, name)
		}
	}
	if len(names) != 1 {
		t.Fatalf("profile %s is named by webhooks %v, want exactly one", prof, names)
	}
	return names[0], oaPointer("webhooks", names[0], "post")
}

// testRefundWebhook validates the notifyRefund bodies NotifyRefundBody
// writes (credited; failed with every engine code, an unknown one
// included) against the antom profile's notifyRefund webhook, checks that
// a notifyPayment body is refused by it and a refund's by notifyPayment,
// and returns the webhook's name. The mini-program and v1-en profiles have
// no notifyRefund.
func testRefundWebhook(t *testing.T, d *oaDoc) string {
	name, opPtr := oaWebhookNamed(t, d, ProfileAntom, "notifyRefund")
	reqPtr, _ := d.profileSchemas(t, opPtr, ProfileAntom)
	bodyPtr := opPtr + oaPointer("requestBody", "content", "application/json", "schema")
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("UTC+8", 8*3600))
	credited := engine.Notification{ID: "ref-1.result", Kind: engine.OutboxKindRefundResult, PartnerID: "partner-a",
		PaymentID: "pay-1", RequestID: "req-1", State: engine.PaymentSuccess,
		RefundID: "ref-1", RefundRequestID: "refund-1", RefundState: engine.RefundSuccess,
		Amount: engine.Money{Currency: "JPY", Minor: 300}, PaymentCreatedAt: at.Add(-time.Hour), At: at}
	cases := []engine.Notification{credited}
	for _, c := range append([]engine.Code{engine.CodeNone, engine.Code(200)}, slices.Sorted(maps.Keys(engineResults))...) {
		n := credited
		n.RefundState, n.FailReason = engine.RefundFail, c
		cases = append(cases, n)
	}
	for _, n := range cases {
		raw, err := NotifyRefundBody(n)
		if err != nil {
			t.Fatalf("refund %s %s: %v", n.RefundState, n.FailReason, err)
		}
		for _, ptr := range []string{bodyPtr, reqPtr} {
			if err := d.validateJSON(t, ptr, raw); err != nil {
				t.Errorf("refund %s %s: the notification does not match %s:\n%s\n%v", n.RefundState, n.FailReason, ptr, raw, err)
			}
		}
	}
	paid, err := NotifyPaymentBody(ProfileAntom, oaNotifyCases()[0].n)
	if err != nil {
		t.Fatal(err)
	}
	if d.validateJSON(t, bodyPtr, paid) == nil {
		t.Errorf("%s takes a notifyPayment: %s", name, paid)
	}
	refund, _ := NotifyRefundBody(credited)
	_, payOp := oaWebhookOf(t, d, ProfileAntom)
	if d.validateJSON(t, payOp+oaPointer("requestBody", "content", "application/json", "schema"), refund) == nil {
		t.Errorf("notifyPaymentAntom takes a notifyRefund: %s", refund)
	}
	for _, prof := range []Profile{ProfileMiniProgramV1, ProfileV1EN} {
		webhooks, _ := d.root["webhooks"].(map[string]any)
		for w := range webhooks {
			if _, ok := d.lookup(oaPointer("webhooks", w, "post", "x-profiles", string(prof))); ok && strings.HasPrefix(w, "notifyRefund") {
				t.Errorf("profile %s, which has no refundNotifyUrl, is in %s", prof, w)
			}
		}
	}
	return name
}

// testCaptureWebhook validates the notifyCapture bodies NotifyCaptureBody
// writes (captured; failed with every engine code, an unknown one
// included) against the antom profile's notifyCapture webhook, checks that
// the notifyPayment and notifyRefund bodies are refused by it and a
// capture's by notifyPayment, that no other profile gets it, and returns
// the webhook's name.
func testCaptureWebhook(t *testing.T, d *oaDoc) string {
	name, opPtr := oaWebhookNamed(t, d, ProfileAntom, "notifyCapture")
	reqPtr, _ := d.profileSchemas(t, opPtr, ProfileAntom)
	bodyPtr := opPtr + oaPointer("requestBody", "content", "application/json", "schema")
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("UTC+8", 8*3600))
	captured := engine.Notification{ID: "cap-1.result", Kind: engine.OutboxKindCaptureResult, PartnerID: "partner-a",
		PaymentID: "pay-1", RequestID: "req-1", State: engine.PaymentAuthorized,
		CaptureID: "cap-1", CaptureRequestID: "capture-1", CaptureState: engine.CaptureSuccess,
		Amount: engine.Money{Currency: "USD", Minor: 300}, PaymentCreatedAt: at.Add(-time.Hour), At: at}
	cases := []engine.Notification{captured}
	for _, c := range append([]engine.Code{engine.CodeNone, engine.Code(200)}, slices.Sorted(maps.Keys(engineResults))...) {
		n := captured
		n.CaptureState, n.FailReason = engine.CaptureFail, c
		cases = append(cases, n)
	}
	for _, n := range cases {
		raw, err := NotifyCaptureBody(n)
		if err != nil {
			t.Fatalf("capture %s %s: %v", n.CaptureState, n.FailReason, err)
		}
		for _, ptr := range []string{bodyPtr, reqPtr} {
			if err := d.validateJSON(t, ptr, raw); err != nil {
				t.Errorf("capture %s %s: the notification does not match %s:\n%s\n%v", n.CaptureState, n.FailReason, ptr, raw, err)
			}
		}
		if via, err := NotificationBody(ProfileAntom, n); err != nil || string(via) != string(raw) {
			t.Errorf("NotificationBody of a capture: %s, %v; want %s", via, err, raw)
		}
	}
	paid, err := NotifyPaymentBody(ProfileAntom, oaNotifyCases()[0].n)
	if err != nil {
		t.Fatal(err)
	}
	if d.validateJSON(t, bodyPtr, paid) == nil {
		t.Errorf("%s takes a notifyPayment: %s", name, paid)
	}
	capture, _ := NotifyCaptureBody(captured)
	_, payOp := oaWebhookOf(t, d, ProfileAntom)
	_, refundOp := oaWebhookNamed(t, d, ProfileAntom, "notifyRefund")
	for _, op := range []string{payOp, refundOp} {
		if d.validateJSON(t, op+oaPointer("requestBody", "content", "application/json", "schema"), capture) == nil {
			t.Errorf("%s takes a notifyCapture: %s", op, capture)
		}
	}
	if _, err := NotifyPaymentBody(ProfileAntom, captured); err == nil {
		t.Error("NotifyPaymentBody wrote a capture's notification")
	}
	for _, prof := range []Profile{ProfileMiniProgramV1, ProfileV1EN} {
		if _, ok := d.lookup(oaPointer("webhooks", name, "post", "x-profiles", string(prof))); ok {
			t.Errorf("profile %s, whose authorizations ask for no capture notifications, is in %s", prof, name)
		}
	}
	return name
}

// oaNotifyCase is a notification of one outcome.
type oaNotifyCase struct {
	name string
	n    engine.Notification
}

// oaNotifyCases are notifications of every outcome: paid, failed with
// every engine code (and with none, an unknown one, the engine's own
// words and a reason over the limit), expired, and without a creation time.
func oaNotifyCases() []oaNotifyCase {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("UTC+8", 8*3600))
	paid := engine.Notification{ID: "pay-1.result", PartnerID: "partner-a", PaymentID: "pay-1", RequestID: "req-1",
		State: engine.PaymentSuccess, Amount: engine.Money{Currency: "USD", Minor: 1050},
		PaymentCreatedAt: at.Add(-time.Minute), At: at}
	failed := func(reason engine.Code, message string) engine.Notification {
		n := paid
		n.State, n.FailReason, n.FailMessage, n.At = engine.PaymentFail, reason, message, at.Add(14*time.Minute)
		return n
	}
	cases := []oaNotifyCase{{"paid", paid}}
	var reasons []engine.Code
	for c := range engineResults {
		reasons = append(reasons, c)
	}
	slices.Sort(reasons)
	for _, c := range append([]engine.Code{engine.CodeNone}, reasons...) {
		cases = append(cases, oaNotifyCase{"failed " + c.String(), failed(c, "")})
	}
	noCreation := paid
	noCreation.PaymentCreatedAt = time.Time{}
	return append(cases,
		oaNotifyCase{"failed, unknown code", failed(engine.Code(200), "")},
		oaNotifyCase{"declined in the engine's words", failed(engine.CodeBalanceNotEnough, "only 3.00 USD left")},
		oaNotifyCase{"reason cut to its limit", failed(engine.CodeRiskReject, strings.Repeat("é", 2*wire.MaxResultMessage))},
		oaNotifyCase{"expired", failed(engine.CodeExpired, "")},
		oaNotifyCase{"paid, no creation time", noCreation},
	)
}
