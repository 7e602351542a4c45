package alipayplus

import (
	"context"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// authFlowProfile is one profile's way of asking for an authorization
// and naming itself in captures and queries.
type authFlowProfile struct {
	profile, partner, prefix string
	authorize                func(requestID, value string) *wire.PayRequest
	waiting                  string // the result status of a pay waiting for the user
}

func authFlowProfiles() []authFlowProfile {
	return []authFlowProfile{
		{profile: "miniprogram-v1", partner: miniPartner, waiting: wire.StatusAccepted,
			authorize: func(id, value string) *wire.PayRequest {
				r := miniCashierPay(miniPartner, id, value)
				r.PaymentFactor.IsAuthorizationPayment = true
				return r
			}},
		{profile: "v1-en", partner: enPartner, waiting: wire.StatusSuccess,
			authorize: func(id, value string) *wire.PayRequest {
				r := enPay(id)
				r.PaymentAmount = usd(value)
				r.PaymentFactor = &wire.PaymentFactor{IsAuthorizationPayment: true}
				return r
			}},
		{profile: "antom", partner: antomPartner, prefix: antomPrefix, waiting: wire.StatusSuccess,
			authorize: func(id, value string) *wire.PayRequest {
				r := antomPay(id)
				r.PaymentAmount = usd(value)
				r.PaymentFactor.IsAuthorization, r.PaymentFactor.CaptureMode = true, wire.CaptureModeManual
				return r
			}},
	}
}

// partnerOf is the partnerId the profile writes in its bodies ("" but in
// the mini-program profile).
func (p authFlowProfile) partnerOf() string {
	if p.profile == "miniprogram-v1" {
		return p.partner
	}
	return ""
}

func (p authFlowProfile) capture(requestID, paymentID, value string, last bool) wire.CaptureRequest {
	return wire.CaptureRequest{PartnerID: p.partnerOf(), CaptureRequestID: requestID, PaymentID: paymentID, CaptureAmount: usd(value), IsLastCapture: last}
}

func (p authFlowProfile) query(paymentID, requestID string) wire.PaymentQuery {
	return wire.PaymentQuery{PartnerID: p.partnerOf(), PaymentID: paymentID, PaymentRequestID: requestID}
}

// TestAuthorizationFlowGoldens walks one partner of each profile through
// authorizations and keeps every request and answer as a golden file
// (authflow_<profile>.json, checked against docs/openapi.json by
// TestOpenAPIAnswers): authorize, capture twice (the second the last) with
// a capture over the limit between them, inquire the captures, refund a
// captured part; authorize, capture part, void (cancel), capture after the
// void; authorize and void with nothing captured. It also checks what a
// user would notice: the money held, taken and given back.
func TestAuthorizationFlowGoldens(t *testing.T) {
	for _, tt := range authFlowProfiles() {
		t.Run(tt.profile, func(t *testing.T) {
			ctx := context.Background()
			f := newEPFixture(t, epOptions{})
			f.ledger.SetBalance("alice", "USD", 100_00)
			rec := &flowRecorder{t: t, f: f, partner: tt.partner, prefix: tt.prefix}
			confirm := func(paymentID string) {
				t.Helper()
				p, err := f.eng.Confirm(ctx, paymentID, "alice")
				if err != nil || p.State != engine.PaymentAuthorized {
					t.Fatalf("confirm %s: %s, %v", paymentID, p.State, err)
				}
			}
			balance := func(want int64) {
				t.Helper()
				if got := f.ledger.Balance("alice", "USD"); got != want {
					t.Fatalf("alice has %d, want %d", got, want)
				}
			}

			// Authorize 10.00, capture 6.00, then the last 3.00: 1.00 goes back.
			var pay wire.PayResponse
			mustDecode(t, rec.send("authorize", pathPay, tt.authorize("order-1", "1000")), &pay)
			if pay.Result.ResultStatus != tt.waiting || pay.AuthExpiryTime != "" {
				t.Fatalf("pay answer %+v", pay)
			}
			f.clock.Advance(time.Minute)
			confirm(pay.PaymentID)
			balance(100_00 - 1000)
			var repeat wire.PayResponse
			mustDecode(t, rec.send("pay repeated after the user authorized", pathPay, tt.authorize("order-1", "1000")), &repeat)
			if repeat.Result.ResultCode != wire.CodeSuccess || repeat.AuthExpiryTime != wire.FormatTime(epEpoch.Add(time.Minute+engine.DefaultAuthExpiry)) ||
				repeat.PaymentTime != wire.FormatTime(epEpoch.Add(time.Minute)) {
				t.Fatalf("authorized pay answer %+v", repeat)
			}
			rec.send("inquiry after authorization", pathInquiryPayment, tt.query(pay.PaymentID, ""))
			f.clock.Advance(time.Hour)
			rec.send("capture part", pathCapture, tt.capture("capture-1", pay.PaymentID, "600", false))
			rec.send("capture over what is left", pathCapture, tt.capture("capture-2", pay.PaymentID, "401", false))
			rec.send("capture repeated with another amount", pathCapture, tt.capture("capture-1", pay.PaymentID, "500", false))
			rec.send("last capture", pathCapture, tt.capture("capture-3", pay.PaymentID, "300", true))
			balance(100_00 - 900)
			rec.send("capture after the last", pathCapture, tt.capture("capture-4", pay.PaymentID, "1", false))
			var q wire.InquiryPaymentResponse
			mustDecode(t, rec.send("inquiry shows the captures", pathInquiryPayment, tt.query("", "order-1")), &q)
			// Every stored capture is listed, the refused ones too (their
			// captureRequestId answers F for good).
			if q.PaymentStatus != wire.PaymentStatusSuccess || len(q.Transactions) != 4 ||
				q.Transactions[3].TransactionResult.ResultCode != wire.CodeOrderStatusInvalid ||
				q.Transactions[0].TransactionStatus != wire.TransactionStatusSuccess || q.Transactions[0].TransactionRequestID != "capture-1" ||
				q.Transactions[1].TransactionStatus != wire.TransactionStatusFail ||
				q.Transactions[1].TransactionResult.ResultCode != wire.CodeCaptureAmountExceedAuthLimit ||
				q.Transactions[2].TransactionStatus != wire.TransactionStatusSuccess || *q.Transactions[2].TransactionAmount != *usd("300") {
				t.Fatalf("inquiry %+v", q)
			}
			rec.send("refund part of what was captured", pathRefund, wire.RefundRequest{PartnerID: tt.partnerOf(), RefundRequestID: "refund-1", PaymentID: pay.PaymentID, RefundAmount: usd("100")})
			rec.send("refund over what was captured", pathRefund, wire.RefundRequest{PartnerID: tt.partnerOf(), RefundRequestID: "refund-2", PaymentID: pay.PaymentID, RefundAmount: usd("801")})
			balance(100_00 - 800)

			// Authorize 5.00, capture 2.00, void: 3.00 goes back; no
			// capture after the void.
			mustDecode(t, rec.send("second authorization", pathPay, tt.authorize("order-2", "500")), &pay)
			confirm(pay.PaymentID)
			rec.send("capture part of it", pathCapture, tt.capture("capture-5", pay.PaymentID, "200", false))
			rec.send("void it", pathCancel, tt.query(pay.PaymentID, ""))
			balance(100_00 - 800 - 200)
			rec.send("capture after the void", pathCapture, tt.capture("capture-6", pay.PaymentID, "100", false))
			rec.send("inquiry after the void", pathInquiryPayment, tt.query(pay.PaymentID, ""))

			// Authorize and void with nothing captured.
			mustDecode(t, rec.send("third authorization", pathPay, tt.authorize("order-3", "300")), &pay)
			confirm(pay.PaymentID)
			rec.send("void it at once", pathCancel, tt.query("", "order-3"))
			balance(100_00 - 800 - 200)
			rec.send("capture after that void", pathCapture, tt.capture("capture-7", pay.PaymentID, "1", false))
			rec.send("inquiry of the voided authorization", pathInquiryPayment, tt.query(pay.PaymentID, ""))
			rec.send("pay repeated after the void", pathPay, tt.authorize("order-3", "300"))
			rec.send("capture of nothing", pathCapture, tt.capture("capture-8", "no-such-payment", "1", false))
			rec.golden("authflow_" + tt.profile + ".json")
		})
	}
}

// TestAntomAutomaticCaptureNotified: an antom authorization with
// captureMode AUTOMATIC (Antom's default) is captured in full as soon as
// the user authorizes, and every capture of an antom authorization is
// announced by notifyCapture to its paymentNotifyUrl; a capture refused
// at once is not. Mini-program authorizations are not announced.
func TestAntomAutomaticCaptureNotified(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("alice", "USD", 100_00)
	ctx := context.Background()
	auto := antomPay("antom-auto")
	auto.PaymentFactor.IsAuthorization = true // captureMode absent: AUTOMATIC
	var pay wire.PayResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, auto, &pay), wire.StatusSuccess, wire.CodeSuccess)
	f.clock.Advance(time.Minute)
	p, err := f.eng.Confirm(ctx, pay.PaymentID, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var q wire.InquiryPaymentResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathInquiryPayment, wire.PaymentQuery{PaymentID: p.ID}, &q), wire.StatusSuccess, wire.CodeSuccess)
	if q.PaymentStatus != wire.PaymentStatusSuccess || len(q.Transactions) != 1 || q.Transactions[0].TransactionRequestID != engine.AutoCaptureRequestID(p.ID) ||
		q.Transactions[0].TransactionStatus != wire.TransactionStatusSuccess || q.AuthExpiryTime == "" {
		t.Fatalf("inquiry of an automatic capture %+v", q)
	}

	manual := antomPay("antom-manual")
	manual.PaymentAmount = usd("50")
	manual.PaymentFactor.IsAuthorization, manual.PaymentFactor.CaptureMode = true, wire.CaptureModeManual
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, manual, &pay), wire.StatusSuccess, wire.CodeSuccess)
	if _, err := f.eng.Confirm(ctx, pay.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	var c wire.CaptureResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathCapture, wire.CaptureRequest{CaptureRequestID: "m-1", PaymentID: pay.PaymentID, CaptureAmount: usd("20")}, &c), wire.StatusSuccess, wire.CodeSuccess)
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathCapture, wire.CaptureRequest{CaptureRequestID: "m-2", PaymentID: pay.PaymentID, CaptureAmount: usd("31")}, nil), wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit)

	for _, tc := range []struct {
		paymentID, requestID, value string
	}{{p.ID, engine.AutoCaptureRequestID(p.ID), "10"}, {pay.PaymentID, "m-1", "20"}} {
		var captures []engine.Notification
		for _, n := range f.outboxOf(t, tc.paymentID) {
			if n.IsCapture() {
				captures = append(captures, n)
			}
		}
		if len(captures) != 1 {
			t.Fatalf("%s: capture notifications %+v, want one", tc.paymentID, captures)
		}
		n := captures[0]
		body, err := NotificationBody(ProfileAntom, n)
		if err != nil {
			t.Fatal(err)
		}
		var got wire.AntomNotifyCaptureRequest
		mustDecode(t, body, &got)
		if n.NotifyURL != "https://merchant.example/notify" || got.NotifyType != wire.NotifyTypeCaptureResult || got.Result.ResultStatus != wire.StatusSuccess ||
			got.CaptureRequestID != tc.requestID || got.PaymentID != tc.paymentID || got.CaptureID == "" || got.CaptureAmount != *usd(tc.value) || got.CaptureTime == "" {
			t.Errorf("notifyCapture %s", body)
		}
	}

	// The mini-program profile has no notifyCapture.
	m := f.authorize(t, "mini-auth", "100")
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("mini-c", m.ID, "100", true), nil), wire.StatusSuccess, wire.CodeSuccess)
	for _, n := range f.outboxOf(t, m.ID) {
		if n.IsCapture() {
			t.Errorf("mini-program capture notified: %+v", n)
		}
	}
}

// TestAuthorizationNotifyPayment: the user's authorization is announced
// by notifyPayment SUCCESS (paymentTime: when it was authorized), and an
// authorization that expires uncaptured by a second notifyPayment FAIL;
// an antom partner is told that failure as ORDER_IS_CLOSED, as an expired
// payment is.
func TestAuthorizationNotifyPayment(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("alice", "USD", 100_00)
	ctx := context.Background()
	r := antomPay("antom-expiring")
	r.PaymentFactor.IsAuthorization, r.PaymentFactor.CaptureMode = true, wire.CaptureModeManual
	var pay wire.PayResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, r, &pay), wire.StatusSuccess, wire.CodeSuccess)
	f.clock.Advance(time.Minute)
	if _, err := f.eng.Confirm(ctx, pay.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(engine.DefaultAuthExpiry)
	if _, err := f.eng.ExpireDue(ctx, 10); err != nil {
		t.Fatal(err)
	}
	var payments []engine.Notification
	for _, n := range f.outboxOf(t, pay.PaymentID) {
		if !n.IsCapture() && !n.IsRefund() {
			payments = append(payments, n)
		}
	}
	if len(payments) != 2 {
		t.Fatalf("notifications %+v, want the authorization and its expiry", payments)
	}
	var authorized, expired wire.AntomNotifyPaymentRequest
	for i, v := range []*wire.AntomNotifyPaymentRequest{&authorized, &expired} {
		body, err := NotificationBody(ProfileAntom, payments[i])
		if err != nil {
			t.Fatal(err)
		}
		mustDecode(t, body, v)
	}
	if authorized.Result.ResultStatus != wire.StatusSuccess || authorized.PaymentTime != wire.FormatTime(epEpoch.Add(time.Minute)) {
		t.Errorf("authorized: %+v", authorized)
	}
	if expired.Result.ResultStatus != wire.StatusFail || expired.Result.ResultCode != wire.CodeOrderIsClosed {
		t.Errorf("expired: %+v", expired)
	}
	var q wire.InquiryPaymentResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathInquiryPayment, wire.PaymentQuery{PaymentID: pay.PaymentID}, &q), wire.StatusSuccess, wire.CodeSuccess)
	if q.PaymentStatus != wire.PaymentStatusFail || q.PaymentResultCode != wire.CodeOrderIsClosed || q.PaymentFailReason == "" {
		t.Errorf("inquiry of an expired authorization %+v", q)
	}
	if got := f.ledger.Balance("alice", "USD"); got != 100_00 {
		t.Errorf("alice has %d after the expiry, want all back", got)
	}
}
