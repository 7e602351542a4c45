package alipayplus

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

const siteInfo = `{"customerBelongsTo":"siteNameExample","memo":"table 7"}`

// outboxOf returns the notifications stored for payment id, decoded.
func (f *epFixture) outboxOf(t testing.TB, id string) []engine.Notification {
	t.Helper()
	msgs, err := f.store.Outbox(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]engine.Notification, len(msgs))
	for i, m := range msgs {
		if out[i], err = engine.NotificationOf(m); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// A merchant's extendInfo is kept as given and comes back wherever the
// spec returns it: the pay answer, inquiryPayment and notifyPayment for
// the payment's; refund and inquiryRefund for a refund's. It is not
// compared on repeats: a repeat gets the first request's.
func TestExtendInfoKeptAndReturned(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	pay := miniCashierPay(miniPartner, "ext-1", "1000")
	pay.ExtendInfo = siteInfo
	var paid wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, pay, &paid), wire.StatusAccepted, wire.CodeAccept)
	if paid.ExtendInfo != siteInfo {
		t.Errorf("pay answered extendInfo %q, want %q", paid.ExtendInfo, siteInfo)
	}
	pay.ExtendInfo = `{"customerBelongsTo":"other"}`
	var again wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, pay, &again), wire.StatusAccepted, wire.CodeAccept)
	if again.PaymentID != paid.PaymentID || again.ExtendInfo != siteInfo {
		t.Errorf("repeat with another extendInfo: %+v, want the first payment with its extendInfo", again)
	}

	f.ledger.SetBalance("alice", "USD", 100_00)
	if _, err := f.eng.Confirm(context.Background(), paid.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	var inq wire.InquiryPaymentResponse
	wantResult(t, f.call(t, miniPartner, pathInquiryPayment, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: paid.PaymentID}, &inq), wire.StatusSuccess, wire.CodeSuccess)
	if inq.ExtendInfo != siteInfo {
		t.Errorf("inquiryPayment extendInfo %q", inq.ExtendInfo)
	}
	notes := f.outboxOf(t, paid.PaymentID)
	if len(notes) != 1 {
		t.Fatalf("%d notifications", len(notes))
	}
	body, err := NotificationBody(ProfileMiniProgramV1, notes[0])
	if err != nil {
		t.Fatal(err)
	}
	var notified wire.NotifyPaymentRequest
	mustDecode(t, body, &notified)
	if notified.ExtendInfo != siteInfo || notified.PaymentStatus != wire.PaymentStatusSuccess {
		t.Errorf("notifyPayment %s", body)
	}

	refund := refundOf("ext-r-1", paid.PaymentID, "300")
	refund.ExtendInfo = `{"reason":"size"}`
	var r wire.RefundResponse
	wantResult(t, f.call(t, miniPartner, pathRefund, refund, &r), wire.StatusSuccess, wire.CodeSuccess)
	if r.ExtendInfo != refund.ExtendInfo {
		t.Errorf("refund answered extendInfo %q", r.ExtendInfo)
	}
	var ir wire.InquiryRefundResponse
	wantResult(t, f.call(t, miniPartner, pathInquiryRefund, wire.RefundQuery{PartnerID: miniPartner, RefundID: r.RefundID}, &ir), wire.StatusSuccess, wire.CodeSuccess)
	if ir.ExtendInfo != refund.ExtendInfo {
		t.Errorf("inquiryRefund extendInfo %q", ir.ExtendInfo)
	}
	// A refund refused by the rules answers its result alone.
	over := refundOf("ext-r-2", paid.PaymentID, "5000")
	over.ExtendInfo = `{"x":1}`
	var refused wire.RefundResponse
	wantResult(t, f.call(t, miniPartner, pathRefund, over, &refused), wire.StatusFail, wire.CodeRefundAmountExceed)
	if refused.ExtendInfo != "" || refused.RefundID != "" {
		t.Errorf("refused refund answered %+v", refused)
	}
}

// customerBelongsTo (seeds 000, 002): with the wallet's site name
// configured, a mini-program pay or refund naming another site is
// PARAM_ILLEGAL, the cashier pay must name it, and extendInfo must be a
// JSON object; nothing is stored for a refused request. Without a site
// name, or in another profile, extendInfo is only kept.
func TestCustomerBelongsTo(t *testing.T) {
	f := newEPFixture(t, epOptions{siteName: "siteNameExample"})
	for _, c := range []struct {
		name, extendInfo, field string
	}{
		{"missing", "", "extendInfo.customerBelongsTo"},
		{"no key", `{"memo":"x"}`, "extendInfo.customerBelongsTo"},
		{"null", `{"customerBelongsTo":null}`, "extendInfo.customerBelongsTo"},
		{"another site", `{"customerBelongsTo":"otherWallet"}`, "extendInfo.customerBelongsTo"},
		{"not a string", `{"customerBelongsTo":7}`, "extendInfo.customerBelongsTo"},
		{"not JSON", `customerBelongsTo=siteNameExample`, "extendInfo"},
		{"an array", `["siteNameExample"]`, "extendInfo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := miniCashierPay(miniPartner, "site-"+c.name, "100")
			req.ExtendInfo = c.extendInfo
			wantParamIllegal(t, f.call(t, miniPartner, pathPay, req, nil), c.field)
			f.mustNotExist(t, miniPartner, req.PaymentRequestID)
		})
	}
	req := miniCashierPay(miniPartner, "site-ok", "100")
	req.ExtendInfo = siteInfo
	wantResult(t, f.call(t, miniPartner, pathPay, req, nil), wire.StatusAccepted, wire.CodeAccept)

	// Agreement pay is not the mini-program scenario: customerBelongsTo is
	// not required, but when given it must name the site.
	f.ledger.AddAccessToken("tok-alice", "alice")
	f.ledger.SetBalance("alice", "USD", 100_00)
	agreement := &wire.PayRequest{PartnerID: miniPartner, PaymentRequestID: "site-agreement", PaymentOrderTitle: "Tea",
		PaymentAmount: usd("100"), PaymentAuthCode: "tok-alice", PaymentFactor: &wire.PaymentFactor{IsAgreementPay: true}}
	wantResult(t, f.call(t, miniPartner, pathPay, agreement, nil), wire.StatusSuccess, wire.CodeSuccess)
	agreement.PaymentRequestID, agreement.ExtendInfo = "site-agreement-2", `{"customerBelongsTo":"otherWallet"}`
	wantParamIllegal(t, f.call(t, miniPartner, pathPay, agreement, nil), "extendInfo.customerBelongsTo")

	// Refunds: checked when given, not required.
	var paid wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, req, &paid), wire.StatusAccepted, wire.CodeAccept) // a repeat of site-ok
	if _, err := f.eng.Confirm(context.Background(), paid.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	foreign := refundOf("site-r-1", paid.PaymentID, "100")
	foreign.ExtendInfo = `{"customerBelongsTo":"otherWallet"}`
	wantParamIllegal(t, f.call(t, miniPartner, pathRefund, foreign, nil), "extendInfo.customerBelongsTo")
	if _, err := f.eng.InquireRefund(context.Background(), engine.RefundRef{PartnerID: miniPartner, RequestID: "site-r-1"}); engine.ErrorCode(err) != engine.CodeRefundNotFound {
		t.Errorf("a refused refund was stored: %v", err)
	}
	wantResult(t, f.call(t, miniPartner, pathRefund, refundOf("site-r-2", paid.PaymentID, "100"), nil), wire.StatusSuccess, wire.CodeSuccess)

	// v1-en and antom partners' extendInfo is only kept.
	en := &wire.PayRequest{ProductCode: "CASHIER_PAYMENT", PaymentRequestID: "site-en", PaymentAmount: usd("100"),
		Order: json.RawMessage(`{"orderDescription":"Tea"}`), ExtendInfo: "not json"}
	wantResult(t, f.call(t, enPartner, pathPay, en, nil), wire.StatusSuccess, wire.CodeSuccess)

	// Without a site name nothing is read.
	plain := newEPFixture(t, epOptions{})
	loose := miniCashierPay(miniPartner, "loose", "100")
	loose.ExtendInfo = "not json"
	wantResult(t, plain.call(t, miniPartner, pathPay, loose, nil), wire.StatusAccepted, wire.CodeAccept)
}

// sdkRefundNotify has the shape of the merchant SDK's refund notification
// model (notifyType and result beside the refund's fields), written here
// for the test: a merchant decoding notifyRefund with the SDK reads these.
type sdkRefundNotify struct {
	NotifyType string `json:"notifyType"`
	Result     struct {
		ResultCode    string `json:"resultCode"`
		ResultStatus  string `json:"resultStatus"`
		ResultMessage string `json:"resultMessage"`
	} `json:"result"`
	RefundStatus    string       `json:"refundStatus"`
	RefundRequestID string       `json:"refundRequestId"`
	RefundID        string       `json:"refundId"`
	RefundAmount    *wire.Amount `json:"refundAmount"`
	RefundTime      string       `json:"refundTime"`
}

// An antom refund that names refundNotifyUrl is announced by notifyRefund
// once its credit has a result: at once when the credit answers, after
// reconciliation when its answer was lost. A refund refused at once and a
// refund without the URL are not announced; v1-en has no refundNotifyUrl.
func TestAntomRefundNotification(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("alice", "USD", 100_00)
	var paid wire.PayResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, antomPay("antom-refunds"), &paid), wire.StatusSuccess, wire.CodeSuccess)
	if _, err := f.eng.Confirm(context.Background(), paid.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	refund := func(id, value, url string) wire.RefundRequest {
		return wire.RefundRequest{RefundRequestID: id, PaymentID: paid.PaymentID, RefundAmount: usd(value), RefundNotifyURL: url}
	}
	f.clock.Advance(time.Minute)
	var credited wire.RefundResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathRefund, refund("ar-1", "3", "https://shop.example/refunds"), &credited), wire.StatusSuccess, wire.CodeSuccess)
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathRefund, refund("ar-2", "2", ""), nil), wire.StatusSuccess, wire.CodeSuccess)
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathRefund, refund("ar-3", "99999", "https://shop.example/refunds"), nil), wire.StatusFail, wire.CodeRefundAmountExceed)
	f.ledger.Inject = func(kind string, _ engine.FundsRequest) memfunds.Fault {
		if kind == "credit" {
			return memfunds.LostAnswer
		}
		return memfunds.NoFault
	}
	var pending wire.RefundResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathRefund, refund("ar-4", "4", "https://shop.example/late"), &pending), wire.StatusUnknown, wire.CodeRefundInProcess)
	f.clock.Advance(10 * time.Minute)
	if _, err := f.eng.Reconcile(context.Background(), 10); err != nil {
		t.Fatal(err)
	}

	var refunds []engine.Notification
	for _, n := range f.outboxOf(t, paid.PaymentID) {
		if n.IsRefund() {
			refunds = append(refunds, n)
		}
	}
	if len(refunds) != 2 || refunds[0].RefundID != credited.RefundID || refunds[1].RefundID != pending.RefundID {
		t.Fatalf("refund notifications %+v, want ar-1's and ar-4's", refunds)
	}
	for i, want := range []struct{ url, request, value, at string }{
		{"https://shop.example/refunds", "ar-1", "3", wire.FormatTime(epEpoch.Add(time.Minute))},
		{"https://shop.example/late", "ar-4", "4", wire.FormatTime(epEpoch.Add(11 * time.Minute))},
	} {
		n := refunds[i]
		body, err := NotificationBody(ProfileAntom, n)
		if err != nil {
			t.Fatal(err)
		}
		var got sdkRefundNotify
		mustDecode(t, body, &got)
		if n.NotifyURL != want.url || got.NotifyType != "REFUND_RESULT" || got.Result.ResultStatus != "S" ||
			got.RefundStatus != "SUCCESS" || got.RefundRequestID != want.request || got.RefundID != n.RefundID ||
			got.RefundAmount == nil || *got.RefundAmount != *usd(want.value) || got.RefundTime != want.at {
			t.Errorf("notification to %s: %s", n.NotifyURL, body)
		}
	}

	// v1-en reads no refundNotifyUrl: no notifyRefund.
	var enPaid wire.PayResponse
	en := &wire.PayRequest{ProductCode: "CASHIER_PAYMENT", PaymentRequestID: "en-refunds", PaymentAmount: usd("100"),
		Order: json.RawMessage(`{"orderDescription":"Tea"}`)}
	wantResult(t, f.call(t, enPartner, pathPay, en, &enPaid), wire.StatusSuccess, wire.CodeSuccess)
	if _, err := f.eng.Confirm(context.Background(), enPaid.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	f.ledger.Inject = nil
	enRefund := wire.RefundRequest{RefundRequestID: "er-1", PaymentID: enPaid.PaymentID, RefundAmount: usd("50"), RefundNotifyURL: "https://shop.example/refunds"}
	wantResult(t, f.call(t, enPartner, pathRefund, enRefund, nil), wire.StatusSuccess, wire.CodeSuccess)
	msgs, err := f.store.Outbox(context.Background(), enPaid.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == engine.OutboxKindRefundResult {
			t.Errorf("v1-en refund notified: %+v", m)
		}
	}
}
