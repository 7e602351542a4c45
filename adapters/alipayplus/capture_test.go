package alipayplus

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// captureOf is a mini-program capture request of authorization paymentID.
func captureOf(requestID, paymentID, value string, last bool) wire.CaptureRequest {
	return wire.CaptureRequest{PartnerID: miniPartner, CaptureRequestID: requestID, PaymentID: paymentID, CaptureAmount: usd(value), IsLastCapture: last}
}

// miniAuthorization is a mini-program cashier authorization request.
func miniAuthorization(requestID, value string) *wire.PayRequest {
	r := miniCashierPay(miniPartner, requestID, value)
	r.PaymentFactor.IsAuthorizationPayment = true
	return r
}

// authorize creates a mini-program cashier authorization of value USD
// cents through the handler and lets "alice" (given enough money)
// authorize it.
func (f *epFixture) authorize(t testing.TB, requestID, value string) engine.Payment {
	t.Helper()
	var resp wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, miniAuthorization(requestID, value), &resp), wire.StatusAccepted, wire.CodeAccept)
	if resp.AuthExpiryTime != "" {
		t.Fatalf("authExpiryTime before the user authorized: %+v", resp)
	}
	f.ledger.SetBalance("alice", "USD", 1_000_000_00)
	p, err := f.eng.Confirm(context.Background(), resp.PaymentID, "alice")
	if err != nil || p.State != engine.PaymentAuthorized {
		t.Fatalf("confirm %s: %v, %v", resp.PaymentID, p.State, err)
	}
	return p
}

func TestCapturePartialThenLast(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.authorize(t, "auth-1", "1000")
	start := f.ledger.Balance("alice", "USD")
	f.clock.Advance(time.Hour)

	var c1 wire.CaptureResponse
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("cap-1", p.ID, "600", false), &c1), wire.StatusSuccess, wire.CodeSuccess)
	if c1.CaptureID == "" || c1.CaptureTime != wire.FormatTime(epEpoch.Add(time.Hour)) || c1.CaptureRequestID != "cap-1" ||
		c1.PaymentID != p.ID || c1.CaptureAmount == nil || *c1.CaptureAmount != *usd("600") {
		t.Fatalf("answer %+v", c1)
	}
	// The held money was taken at the authorization: a capture moves none
	// of the user's balance.
	if got := f.ledger.Balance("alice", "USD"); got != start {
		t.Fatalf("alice has %d after a capture, want %d", got, start)
	}
	// Repeats answer the same and capture nothing more.
	var again wire.CaptureResponse
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("cap-1", p.ID, "600", false), &again), wire.StatusSuccess, wire.CodeSuccess)
	if !reflect.DeepEqual(again, c1) {
		t.Fatalf("repeat %+v, first %+v", again, c1)
	}
	// The last capture of part of the rest gives the remainder back.
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("cap-2", p.ID, "300", true), nil), wire.StatusSuccess, wire.CodeSuccess)
	if got := f.ledger.Balance("alice", "USD"); got != start+100 {
		t.Fatalf("alice has %d after the last capture, want %d (the 100 not captured back)", got, start+100)
	}
	// Nothing is left.
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("cap-3", p.ID, "1", false), nil), wire.StatusFail, wire.CodeOrderStatusInvalid)
	after, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: p.ID})
	if err != nil || after.State != engine.PaymentSuccess || after.Captured != 900 {
		t.Fatalf("payment %+v (%v)", after, err)
	}
}

func TestCaptureRepeatInconsistent(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.authorize(t, "auth-1", "1000")
	q := f.authorize(t, "auth-2", "1000")
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("cap-1", p.ID, "100", false), nil), wire.StatusSuccess, wire.CodeSuccess)
	for name, req := range map[string]wire.CaptureRequest{
		"other amount":    captureOf("cap-1", p.ID, "101", false),
		"other payment":   captureOf("cap-1", q.ID, "100", false),
		"now the last":    captureOf("cap-1", p.ID, "100", true),
		"other currency":  {PartnerID: miniPartner, CaptureRequestID: "cap-1", PaymentID: p.ID, CaptureAmount: &wire.Amount{Currency: "JPY", Value: "100"}},
		"other extension": {PartnerID: miniPartner, CaptureRequestID: "cap-1", PaymentID: q.ID, CaptureAmount: usd("100"), ExtendInfo: "{}"},
	} {
		t.Run(name, func(t *testing.T) {
			var resp wire.CaptureResponse
			got := f.call(t, miniPartner, pathCapture, req, &resp)
			wantResult(t, got, wire.StatusFail, wire.CodeRepeatReqInconsistent)
			if want := "captureRequestId cap-1 was used for a different capture"; got.ResultMessage != want {
				t.Errorf("resultMessage %q, want %q", got.ResultMessage, want)
			}
			if resp.CaptureID != "" || resp.CaptureTime != "" || resp.CaptureRequestID != "cap-1" {
				t.Errorf("F answer %+v", resp)
			}
		})
	}
	// extendInfo alone does not count.
	same := captureOf("cap-1", p.ID, "100", false)
	same.ExtendInfo = `{"note":"again"}`
	wantResult(t, f.call(t, miniPartner, pathCapture, same, nil), wire.StatusSuccess, wire.CodeSuccess)
	if got, _ := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: q.ID}); got.Captured != 0 {
		t.Fatalf("auth-2 captured %d", got.Captured)
	}
}

// TestCaptureRefusals: every condition capture refuses gets its own
// result code, stores what it says (a refusal is final: the repeat
// answers the same) and moves no money.
func TestCaptureRefusals(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, f *epFixture) wire.CaptureRequest
		status string
		code   string
	}{
		{"over the authorized amount", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.authorize(t, "a", "1000")
			return captureOf("c", p.ID, "1001", false)
		}, wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit},
		{"over what is left", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.authorize(t, "a", "1000")
			wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-0", p.ID, "700", false), nil), wire.StatusSuccess, wire.CodeSuccess)
			return captureOf("c", p.ID, "301", false)
		}, wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit},
		{"after a void", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.authorize(t, "a", "1000")
			wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), wire.StatusSuccess, wire.CodeSuccess)
			return captureOf("c", p.ID, "1", false)
		}, wire.StatusFail, wire.CodeAuthCancelled},
		{"after the expiry", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.authorize(t, "a", "1000")
			f.clock.Advance(engine.DefaultAuthExpiry)
			return captureOf("c", p.ID, "1", false)
		}, wire.StatusFail, wire.CodeAuthExpired},
		{"after the last capture", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.authorize(t, "a", "1000")
			wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-0", p.ID, "1", true), nil), wire.StatusSuccess, wire.CodeSuccess)
			return captureOf("c", p.ID, "1", false)
		}, wire.StatusFail, wire.CodeOrderStatusInvalid},
		{"other currency", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.authorize(t, "a", "1000")
			r := captureOf("c", p.ID, "1", false)
			r.CaptureAmount = &wire.Amount{Currency: "JPY", Value: "1"}
			return r
		}, wire.StatusFail, wire.CodeCurrencyNotSupport},
		{"not an authorization", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			p := f.payAndConfirm(t, miniPartner, "a", "1000")
			return captureOf("c", p.ID, "1", false)
		}, wire.StatusFail, wire.CodeAuthNotFound},
		{"not authorized yet", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			var resp wire.PayResponse
			f.call(t, miniPartner, pathPay, miniAuthorization("a", "1000"), &resp)
			return captureOf("c", resp.PaymentID, "1", false)
		}, wire.StatusFail, wire.CodeAuthNotFound},
		{"no such payment", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			return captureOf("c", "nothing", "1", false)
		}, wire.StatusFail, wire.CodeAuthNotFound},
		{"another partner's authorization", func(t *testing.T, f *epFixture) wire.CaptureRequest {
			var resp wire.PayResponse
			r := miniAuthorization("a", "1000")
			r.PartnerID = mini2Partner
			wantResult(t, f.call(t, mini2Partner, pathPay, r, &resp), wire.StatusAccepted, wire.CodeAccept)
			f.ledger.SetBalance("alice", "USD", 1_000_000_00)
			if _, err := f.eng.Confirm(context.Background(), resp.PaymentID, "alice"); err != nil {
				t.Fatal(err)
			}
			return captureOf("c", resp.PaymentID, "1", false)
		}, wire.StatusFail, wire.CodeAuthNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEPFixture(t, epOptions{})
			req := tt.setup(t, f)
			balance := f.ledger.Balance("alice", "USD")
			var resp wire.CaptureResponse
			got := f.call(t, miniPartner, pathCapture, req, &resp)
			wantResult(t, got, tt.status, tt.code)
			if resp.CaptureID != "" || resp.CaptureTime != "" || resp.ExtendInfo != "" {
				t.Fatalf("F answer carries %+v", resp)
			}
			if resp.CaptureRequestID != req.CaptureRequestID || resp.PaymentID != req.PaymentID || *resp.CaptureAmount != *req.CaptureAmount {
				t.Fatalf("F answer does not echo the request: %+v", resp)
			}
			if got.ResultMessage == "" || strings.Contains(got.ResultMessage, "internal") {
				t.Fatalf("resultMessage %q", got.ResultMessage)
			}
			wantResult(t, f.call(t, miniPartner, pathCapture, req, nil), tt.status, tt.code)
			if tt.name != "after the expiry" && f.ledger.Balance("alice", "USD") != balance { // the expiry gives the hold back
				t.Fatalf("alice's balance moved: %d, was %d", f.ledger.Balance("alice", "USD"), balance)
			}
		})
	}
}

// TestCaptureInFlight: a capture whose money has no answer is U
// CAPTURE_IN_PROCESS with its captureId; a last capture waits for it, and
// the void too; once the reconciler settles it the repeat answers the
// result.
func TestCaptureInFlight(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.authorize(t, "a", "1000")
	f.ledger.Inject = func(kind string, _ engine.FundsRequest) memfunds.Fault {
		if kind == "capture" {
			return memfunds.LostAnswer
		}
		return memfunds.NoFault
	}
	var resp wire.CaptureResponse
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-1", p.ID, "400", false), &resp), wire.StatusUnknown, wire.CodeCaptureInProcess)
	if resp.CaptureID == "" || resp.CaptureTime != "" {
		t.Fatalf("U answer %+v", resp)
	}
	f.ledger.Inject = nil
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-2", p.ID, "600", true), nil), wire.StatusUnknown, wire.CodeCaptureInProcess)
	wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), wire.StatusUnknown, wire.CodePaymentInProcess)
	// Reserved: only 600 is left to capture meanwhile.
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-3", p.ID, "601", false), nil), wire.StatusFail, wire.CodeCaptureAmountExceedAuthLimit)
	var q wire.InquiryPaymentResponse
	wantResult(t, f.call(t, miniPartner, pathInquiryPayment, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, &q), wire.StatusSuccess, wire.CodeSuccess)
	if len(q.Transactions) != 2 || q.Transactions[0].TransactionStatus != wire.TransactionStatusProcessing ||
		q.Transactions[0].TransactionResult.ResultCode != wire.CodeCaptureInProcess || q.Transactions[0].TransactionTime != "" {
		t.Fatalf("transactions %+v", q.Transactions)
	}
	// The ledger applied it (its answer was lost): the reconciler finds it.
	f.clock.Advance(time.Hour)
	if _, err := f.eng.Reconcile(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	var again wire.CaptureResponse
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-1", p.ID, "400", false), &again), wire.StatusSuccess, wire.CodeSuccess)
	if again.CaptureID != resp.CaptureID || again.CaptureTime == "" {
		t.Fatalf("settled %+v, first %+v", again, resp)
	}
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-2", p.ID, "600", true), nil), wire.StatusSuccess, wire.CodeSuccess)
}

// TestCaptureDeclined: a capture the ledger refuses is F PROCESS_FAIL, in
// its answer and on every repeat.
func TestCaptureDeclined(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.authorize(t, "a", "1000")
	f.ledger.Inject = func(kind string, _ engine.FundsRequest) memfunds.Fault {
		if kind == "capture" {
			return memfunds.LostRequest
		}
		return memfunds.NoFault
	}
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c", p.ID, "400", false), nil), wire.StatusUnknown, wire.CodeCaptureInProcess)
	f.ledger.Inject = nil
	f.clock.Advance(time.Hour)
	if _, err := f.eng.Reconcile(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c", p.ID, "400", false), nil), wire.StatusFail, wire.CodeProcessFail)
	// Nothing was taken: the whole authorization is still there.
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-2", p.ID, "1000", true), nil), wire.StatusSuccess, wire.CodeSuccess)
}

// TestCapturePartnerSuspended: a suspended partner's new capture is
// refused in its profile's words and stores nothing; a repeat of an
// earlier capture still answers.
func TestCapturePartnerSuspended(t *testing.T) {
	rules := &engine.StaticLimits{Partners: map[string]engine.PartnerRules{}}
	f := newEPFixture(t, epOptions{engine: func(c *engine.Config) { c.Limits = rules }})
	p := f.authorize(t, "a", "1000")
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-1", p.ID, "100", false), nil), wire.StatusSuccess, wire.CodeSuccess)
	rules.Partners[miniPartner] = engine.PartnerRules{Suspended: true}
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-2", p.ID, "100", false), nil), wire.StatusFail, wire.CodePartnerStatusAbnormal)
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-1", p.ID, "100", false), nil), wire.StatusSuccess, wire.CodeSuccess)
	delete(rules.Partners, miniPartner)
	// c-2 was not stored: it may go through now.
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("c-2", p.ID, "100", false), nil), wire.StatusSuccess, wire.CodeSuccess)
}

// TestCaptureAntomAndV1EN: the other profiles capture under their own
// paths without partnerId; antom answers under /ams/api.
func TestCaptureAntomAndV1EN(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("alice", "USD", 1_000_000)
	antom := antomPay("antom-auth")
	antom.PaymentFactor.IsAuthorization, antom.PaymentFactor.CaptureMode = true, wire.CaptureModeManual
	var pay wire.PayResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, antom, &pay), wire.StatusSuccess, wire.CodeSuccess)
	if _, err := f.eng.Confirm(context.Background(), pay.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	var c wire.CaptureResponse
	req := wire.CaptureRequest{CaptureRequestID: "antom-c", PaymentID: pay.PaymentID, CaptureAmount: usd("10"), IsLastCapture: true}
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathCapture, req, &c), wire.StatusSuccess, wire.CodeSuccess)
	if c.CaptureID == "" || c.CaptureRequestID != "antom-c" {
		t.Fatalf("antom capture answer %+v", c)
	}

	en := enPay("en-auth")
	en.PaymentAmount = usd("500")
	en.PaymentFactor = &wire.PaymentFactor{IsAuthorizationPayment: true}
	wantResult(t, f.call(t, enPartner, pathPay, en, &pay), wire.StatusSuccess, wire.CodeSuccess)
	if _, err := f.eng.Confirm(context.Background(), pay.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	wantResult(t, f.call(t, enPartner, pathCapture, wire.CaptureRequest{CaptureRequestID: "en-c", PaymentID: pay.PaymentID, CaptureAmount: usd("500")}, nil), wire.StatusSuccess, wire.CodeSuccess)
	// Captures are the partner's own: the mini-program partner cannot
	// take v1-en's.
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("mini-c", pay.PaymentID, "1", false), nil), wire.StatusFail, wire.CodeAuthNotFound)
}

func TestCaptureBadInput(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	p := f.authorize(t, "auth", "1000")
	base := captureOf("bad-1", p.ID, "100", false)
	cases := commonBodyCases(t, with(t, base, nil))
	amount := func(cur, val any) map[string]any {
		return map[string]any{"captureAmount": map[string]any{"currency": cur, "value": val}}
	}
	add := func(name, field string, members map[string]any) {
		cases = append(cases, badCase{name, with(t, base, members), field})
	}
	add("partnerId missing", "partnerId", map[string]any{"partnerId": nil})
	add("partnerId too long", "partnerId", map[string]any{"partnerId": long(33)})
	add("captureRequestId missing", "captureRequestId", map[string]any{"captureRequestId": nil})
	add("captureRequestId empty", "captureRequestId", map[string]any{"captureRequestId": ""})
	add("captureRequestId number", "captureRequestId", map[string]any{"captureRequestId": 7})
	add("captureRequestId too long", "captureRequestId", map[string]any{"captureRequestId": long(65)})
	add("captureRequestId control character", "captureRequestId", map[string]any{"captureRequestId": "a\nb"})
	add("paymentId missing", "paymentId", map[string]any{"paymentId": nil})
	add("paymentId empty", "paymentId", map[string]any{"paymentId": ""})
	add("paymentId too long", "paymentId", map[string]any{"paymentId": long(65)})
	add("paymentId object", "paymentId", map[string]any{"paymentId": map[string]any{}})
	add("paymentId control character", "paymentId", map[string]any{"paymentId": "a\u0000b"})
	add("amount missing", "captureAmount", map[string]any{"captureAmount": nil})
	add("amount a string", "captureAmount", map[string]any{"captureAmount": "100"})
	add("value missing", "captureAmount.value", map[string]any{"captureAmount": map[string]any{"currency": "USD"}})
	add("value negative", "captureAmount.value", amount("USD", "-1"))
	add("value zero", "captureAmount.value", amount("USD", "0"))
	add("value fraction", "captureAmount.value", amount("USD", "1.5"))
	add("value 17 digits", "captureAmount.value", amount("USD", "12345678901234567"))
	add("value number", "captureAmount.value", amount("USD", 100))
	add("currency missing", "captureAmount.currency", map[string]any{"captureAmount": map[string]any{"value": "100"}})
	add("currency unknown", "captureAmount.currency", amount("QQQ", "100"))
	add("currency lower case", "captureAmount.currency", amount("usd", "100"))
	add("isLastCapture not boolean", "isLastCapture", map[string]any{"isLastCapture": "yes"})
	add("isLastCapture number", "isLastCapture", map[string]any{"isLastCapture": 1})
	add("extendInfo too long", "extendInfo", map[string]any{"extendInfo": long(4097)})
	add("extendInfo number", "extendInfo", map[string]any{"extendInfo": 4})
	cases = append(cases, badCase{"duplicate member",
		[]byte(`{"partnerId":"` + miniPartner + `","captureRequestId":"bad-1","paymentId":"` + p.ID + `","paymentId":"x"}`), "paymentId"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resp wire.CaptureResponse
			got := f.call(t, miniPartner, pathCapture, tc.body, &resp)
			if tc.field == "" {
				wantResult(t, got, wire.StatusFail, wire.CodeParamIllegal)
			} else {
				wantParamIllegal(t, got, tc.field)
			}
			if resp.CaptureID != "" || len(got.ResultMessage) > 256 {
				t.Fatalf("answer %+v", resp)
			}
		})
	}
	// Nothing was stored or captured: bad-1 is free, the whole
	// authorization is there.
	after, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: p.ID})
	if err != nil || after.Captured != 0 || after.Capturing != 0 || len(after.Captures) != 0 || after.Version != p.Version {
		t.Fatalf("payment changed: %+v (%v)", after, err)
	}
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("bad-1", p.ID, "1000", true), nil), wire.StatusSuccess, wire.CodeSuccess)
}

// TestCaptureCustomerBelongsTo: with a site name configured, a
// mini-program capture whose extendInfo names another site is refused, as
// refund's is.
func TestCaptureCustomerBelongsTo(t *testing.T) {
	f := newEPFixture(t, epOptions{siteName: "siteNameExample"})
	var resp wire.PayResponse
	r := miniAuthorization("a", "1000")
	r.ExtendInfo = `{"customerBelongsTo":"siteNameExample"}`
	wantResult(t, f.call(t, miniPartner, pathPay, r, &resp), wire.StatusAccepted, wire.CodeAccept)
	f.ledger.SetBalance("alice", "USD", 10_000)
	if _, err := f.eng.Confirm(context.Background(), resp.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	req := captureOf("c", resp.PaymentID, "1", false)
	req.ExtendInfo = `{"customerBelongsTo":"otherWallet"}`
	wantParamIllegal(t, f.call(t, miniPartner, pathCapture, req, nil), "extendInfo.customerBelongsTo")
	req.ExtendInfo = `{"customerBelongsTo":"siteNameExample"}`
	var c wire.CaptureResponse
	wantResult(t, f.call(t, miniPartner, pathCapture, req, &c), wire.StatusSuccess, wire.CodeSuccess)
	if c.ExtendInfo != req.ExtendInfo {
		t.Fatalf("extendInfo %q, want it kept", c.ExtendInfo)
	}
}

// TestPayAuthorizationSynchronous: agreement and payment-code
// authorizations hold at once and are answered S with paymentTime (when
// authorized) and authExpiryTime; the flag counts in the idempotency
// check; v1-en takes the same flag.
func TestPayAuthorizationSynchronous(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("bob", "USD", 10_000)
	f.ledger.AddAccessToken("token-bob", "bob")
	f.ledger.AddPaymentCode("code-bob", "bob")
	agreement := miniCashierPay(miniPartner, "agree-1", "1000")
	agreement.PaymentAuthCode = "token-bob"
	agreement.PaymentFactor = &wire.PaymentFactor{IsAgreementPay: true, IsAuthorizationPayment: true}
	var resp wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, agreement, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.PaymentTime != wire.FormatTime(epEpoch) || resp.AuthExpiryTime != wire.FormatTime(epEpoch.Add(engine.DefaultAuthExpiry)) {
		t.Fatalf("agreement authorization answer %+v", resp)
	}
	if got := f.ledger.Balance("bob", "USD"); got != 9_000 {
		t.Fatalf("bob has %d, want 1000 held", got)
	}
	// The same request id without the flag is another payment.
	plain := *agreement
	plain.PaymentFactor = &wire.PaymentFactor{IsAgreementPay: true}
	wantResult(t, f.call(t, miniPartner, pathPay, &plain, nil), wire.StatusFail, wire.CodeRepeatReqInconsistent)

	code := miniCashierPay(miniPartner, "code-1", "500")
	code.PaymentAuthCode = "code-bob"
	code.PaymentFactor = &wire.PaymentFactor{IsPaymentCode: true, IsAuthorizationPayment: true}
	wantResult(t, f.call(t, miniPartner, pathPay, code, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.AuthExpiryTime == "" {
		t.Fatalf("payment-code authorization answer %+v", resp)
	}
	wantResult(t, f.call(t, miniPartner, pathCapture, captureOf("code-c", resp.PaymentID, "500", true), nil), wire.StatusSuccess, wire.CodeSuccess)

	en := enPay("en-agree")
	en.PaymentAmount, en.PaymentAuthCode = usd("100"), "token-bob"
	en.PaymentFactor = &wire.PaymentFactor{IsAuthorizationPayment: true}
	wantResult(t, f.call(t, enPartner, pathPay, en, &resp), wire.StatusSuccess, wire.CodeSuccess)
	if resp.AuthExpiryTime == "" || resp.RedirectActionForm != nil {
		t.Fatalf("v1-en agreement authorization answer %+v", resp)
	}
	// A plain agreement payment carries no authExpiryTime.
	plain.PaymentRequestID = "agree-2"
	var paid wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, &plain, &paid), wire.StatusSuccess, wire.CodeSuccess)
	if paid.AuthExpiryTime != "" || paid.PaymentTime == "" {
		t.Fatalf("plain payment answer %+v", paid)
	}
}

// debitsOnly is a funds port that places no holds.
type debitsOnly struct{ engine.Funds }

// TestPayAuthorizationWithoutHolds: a wallet whose funds port places no
// holds refuses authorizations PARAM_ILLEGAL naming the flag of the
// partner's profile, and stores nothing.
func TestPayAuthorizationWithoutHolds(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	eng, err := engine.New(memstore.New(), debitsOnly{f.ledger}, engine.Config{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.h.cfg
	cfg.Engine = eng
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.h, f.eng = h, eng
	wantParamIllegal(t, f.call(t, miniPartner, pathPay, miniAuthorization("a-1", "100"), nil), "paymentFactor.isAuthorizationPayment")
	f.mustNotExist(t, miniPartner, "a-1")
	antom := antomPay("a-2")
	antom.PaymentFactor.IsAuthorization = true
	wantParamIllegal(t, f.call(t, antomPartner, antomPrefix+pathPay, antom, nil), "paymentFactor.isAuthorization")
	f.mustNotExist(t, antomPartner, "a-2")
}
