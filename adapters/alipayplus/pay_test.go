package alipayplus

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
)

func TestPayMiniProgramCashier(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	req := miniCashierPay(miniPartner, "cashier-1", "1050")
	var resp wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, req, &resp), wire.StatusAccepted, wire.CodeAccept)
	if resp.PaymentID == "" || resp.PaymentTime != "" || resp.RedirectActionForm != nil {
		t.Fatalf("answer %+v", resp)
	}
	want := wire.ActionForm{ActionFormType: wire.ActionFormRedirection, RedirectionURL: "https://wallet.example/cashier?paymentId=" + resp.PaymentID}
	if resp.ActionForm == nil || *resp.ActionForm != want {
		t.Fatalf("actionForm %+v, want %+v", resp.ActionForm, want)
	}
	p, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: resp.PaymentID})
	if err != nil {
		t.Fatal(err)
	}
	if p.State != engine.PaymentAccept || p.OrderTitle != "SHOES" || string(p.OrderData) != `{"referenceOrderId":"ID_000001"}` ||
		p.Amount != (engine.Money{Currency: "USD", Minor: 1050}) || p.RequestID != "cashier-1" {
		t.Fatalf("stored %+v", p)
	}

	// Once the user paid, the same request answers S with the payment time.
	f.ledger.SetBalance("alice", "USD", 5000)
	if _, err := f.eng.Confirm(context.Background(), resp.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	var again wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, req, &again), wire.StatusSuccess, wire.CodeSuccess)
	if again.PaymentID != resp.PaymentID || again.PaymentTime != wire.FormatTime(epEpoch) || again.ActionForm != nil {
		t.Fatalf("repeat after payment: %+v", again)
	}
}

func TestPayMiniProgramScenarios(t *testing.T) {
	type check func(t *testing.T, f *epFixture, resp wire.PayResponse)
	tests := []struct {
		name         string
		factor       *wire.PaymentFactor
		authCode     string
		status, code string
		check        check
	}{
		{"no paymentFactor is the cashier", nil, "", wire.StatusAccepted, wire.CodeAccept, func(t *testing.T, f *epFixture, resp wire.PayResponse) {
			if resp.ActionForm == nil || resp.ActionForm.ActionFormType != wire.ActionFormRedirection {
				t.Fatalf("actionForm %+v", resp.ActionForm)
			}
		}},
		{"order code", &wire.PaymentFactor{IsOrderCode: true}, "", wire.StatusAccepted, wire.CodeAccept, func(t *testing.T, f *epFixture, resp wire.PayResponse) {
			want := wire.ActionForm{ActionFormType: wire.ActionFormOrderCode, OrderCode: "https://wallet.example/cashier?paymentId=" + resp.PaymentID}
			if resp.ActionForm == nil || *resp.ActionForm != want {
				t.Fatalf("actionForm %+v, want %+v", resp.ActionForm, want)
			}
		}},
		{"agreement pay", &wire.PaymentFactor{IsAgreementPay: true}, "token-bob", wire.StatusSuccess, wire.CodeSuccess, func(t *testing.T, f *epFixture, resp wire.PayResponse) {
			if resp.PaymentID == "" || resp.PaymentTime != wire.FormatTime(epEpoch) || resp.ActionForm != nil {
				t.Fatalf("answer %+v", resp)
			}
			if got := f.ledger.Balance("bob", "USD"); got != 10000-1050 {
				t.Fatalf("bob has %d", got)
			}
		}},
		{"agreement pay, unknown token", &wire.PaymentFactor{IsAgreementPay: true}, "token-nobody", wire.StatusFail, wire.CodeInvalidAccessToken, func(t *testing.T, f *epFixture, resp wire.PayResponse) {
			if resp.PaymentID == "" {
				t.Fatal("a failed payment still names its paymentId")
			}
		}},
		{"payment code", &wire.PaymentFactor{IsPaymentCode: true}, "code-bob", wire.StatusSuccess, wire.CodeSuccess, nil},
		{"payment code, unknown", &wire.PaymentFactor{IsPaymentCode: true}, "code-x", wire.StatusFail, wire.CodeInvalidCode, nil},
		{"payment code, balance too low", &wire.PaymentFactor{IsPaymentCode: true}, "code-poor", wire.StatusFail, wire.CodeUserBalanceNotEnough, nil},
		{"evaluation", &wire.PaymentFactor{IsAgreementPay: true, IsPaymentEvaluation: true}, "token-bob", wire.StatusSuccess, wire.CodeSuccess, func(t *testing.T, f *epFixture, resp wire.PayResponse) {
			if resp.PaymentID != "" {
				t.Fatalf("an evaluation creates no payment, got id %q", resp.PaymentID)
			}
			if got := f.ledger.Balance("bob", "USD"); got != 10000 {
				t.Fatalf("evaluation moved money: bob has %d", got)
			}
		}},
		{"evaluation that would fail", &wire.PaymentFactor{IsPaymentCode: true, IsPaymentEvaluation: true}, "code-poor", wire.StatusFail, wire.CodeUserBalanceNotEnough, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newEPFixture(t, epOptions{})
			f.ledger.SetBalance("bob", "USD", 10000)
			f.ledger.SetBalance("poor", "USD", 1)
			f.ledger.AddAccessToken("token-bob", "bob")
			f.ledger.AddPaymentCode("code-bob", "bob")
			f.ledger.AddPaymentCode("code-poor", "poor")
			req := miniCashierPay(miniPartner, "scenario-1", "1050")
			req.PaymentFactor, req.PaymentAuthCode = tt.factor, tt.authCode
			var resp wire.PayResponse
			wantResult(t, f.call(t, miniPartner, pathPay, req, &resp), tt.status, tt.code)
			if tt.check != nil {
				tt.check(t, f, resp)
			}
			// Every answer repeats unchanged for the same request.
			var again wire.PayResponse
			f.call(t, miniPartner, pathPay, req, &again)
			if again != resp && !(again.ActionForm != nil && resp.ActionForm != nil && *again.ActionForm == *resp.ActionForm) {
				t.Fatalf("repeat answered %+v, first %+v", again, resp)
			}
		})
	}
}

func TestPayBooleansAsStrings(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("bob", "USD", 10000)
	f.ledger.AddAccessToken("token-bob", "bob")
	body := `{"partnerId":"` + miniPartner + `","paymentRequestId":"bool-1","paymentOrderTitle":"t",` +
		`"paymentAmount":{"currency":"USD","value":"100"},"paymentAuthCode":"token-bob",` +
		`"paymentFactor":{"isAgreementPay":"true","isCashierPayment":"false","isPaymentEvaluation":false}}`
	wantResult(t, f.call(t, miniPartner, pathPay, []byte(body), nil), wire.StatusSuccess, wire.CodeSuccess)
}

func TestPayUnknownOutcomeIsPaymentInProcess(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("bob", "USD", 10000)
	f.ledger.AddAccessToken("token-bob", "bob")
	f.ledger.Inject = func(kind string, req engine.FundsRequest) memfunds.Fault { return memfunds.HoldAsUnknown }
	req := miniCashierPay(miniPartner, "unknown-1", "100")
	req.PaymentFactor, req.PaymentAuthCode = &wire.PaymentFactor{IsAgreementPay: true}, "token-bob"
	var resp wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, req, &resp), wire.StatusUnknown, wire.CodePaymentInProcess)
	if resp.PaymentID == "" {
		t.Fatal("U answer without paymentId")
	}
	var again wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, req, &again), wire.StatusUnknown, wire.CodePaymentInProcess)
	if again.PaymentID != resp.PaymentID {
		t.Fatalf("repeat named payment %s, first %s", again.PaymentID, resp.PaymentID)
	}
	if got := f.ledger.Balance("bob", "USD"); got != 10000 {
		t.Fatalf("money moved while unknown: %d", got)
	}
}

func TestPayRepeats(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	base := miniCashierPay(miniPartner, "repeat-1", "1000")
	var first wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, base, &first), wire.StatusAccepted, wire.CodeAccept)

	same := *base
	same.EnvInfo = &wire.EnvInfo{OsType: "ANDROID", TerminalType: "APP"} // display data: not compared
	same.ExtraParams = map[string]string{"ORDER": `{"referenceOrderId":"ID_000001","rebuilt":true}`}
	same.ExtendInfo = `{"customerBelongsTo":"other"}`
	var again wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, &same, &again), wire.StatusAccepted, wire.CodeAccept)
	if again.PaymentID != first.PaymentID {
		t.Fatalf("repeat created payment %s besides %s", again.PaymentID, first.PaymentID)
	}

	changes := map[string]func(r *wire.PayRequest){
		"amount":      func(r *wire.PayRequest) { r.PaymentAmount = usd("1001") },
		"currency":    func(r *wire.PayRequest) { r.PaymentAmount = &wire.Amount{Currency: "EUR", Value: "1000"} },
		"title":       func(r *wire.PayRequest) { r.PaymentOrderTitle = "BOOTS" },
		"productCode": func(r *wire.PayRequest) { r.ProductCode = "PC_OTHER" },
		"mcc":         func(r *wire.PayRequest) { r.Mcc = "5411" },
		"method":      func(r *wire.PayRequest) { r.PaymentMethods = &wire.PaymentMethod{PaymentMethodType: "BALANCE"} },
		"notifyUrl":   func(r *wire.PayRequest) { r.PaymentNotifyURL = "https://www.merchant.com/other" },
		"scenario":    func(r *wire.PayRequest) { r.PaymentFactor = &wire.PaymentFactor{IsOrderCode: true} },
		"expiry":      func(r *wire.PayRequest) { r.PaymentExpiryTime = wire.FormatTime(epEpoch.Add(time.Hour)) },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			r := *base
			change(&r)
			var resp wire.PayResponse
			got := f.call(t, miniPartner, pathPay, &r, &resp)
			wantResult(t, got, wire.StatusFail, wire.CodeRepeatReqInconsistent)
			if want := "paymentRequestId repeat-1 was used for a different payment"; got.ResultMessage != want {
				t.Errorf("resultMessage %q, want %q", got.ResultMessage, want)
			}
		})
	}

	// Another partner may use the same paymentRequestId for its own payment.
	other := miniCashierPay(mini2Partner, "repeat-1", "1000")
	var theirs wire.PayResponse
	wantResult(t, f.call(t, mini2Partner, pathPay, other, &theirs), wire.StatusAccepted, wire.CodeAccept)
	if theirs.PaymentID == first.PaymentID {
		t.Fatal("two partners share one payment")
	}
}

func TestPayRepeatOfClosedPayment(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	req := miniCashierPay(miniPartner, "closed-1", "1000")
	var first wire.PayResponse
	f.call(t, miniPartner, pathPay, req, &first)
	wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: first.PaymentID}, nil), wire.StatusSuccess, wire.CodeSuccess)
	var again wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, req, &again), wire.StatusFail, wire.CodeOrderIsClosed)
	if again.PaymentID != first.PaymentID {
		t.Fatalf("ORDER_IS_CLOSED names %q, want %q", again.PaymentID, first.PaymentID)
	}

	// Expired likewise.
	req2 := miniCashierPay(miniPartner, "closed-2", "1000")
	f.call(t, miniPartner, pathPay, req2, nil)
	f.clock.Advance(15 * time.Minute)
	if _, err := f.eng.ExpireDue(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	wantResult(t, f.call(t, miniPartner, pathPay, req2, nil), wire.StatusFail, wire.CodeOrderIsClosed)
}

func TestPayFailedPaymentRepeatsItsFailure(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	req := miniCashierPay(miniPartner, "fail-1", "1000")
	var first wire.PayResponse
	f.call(t, miniPartner, pathPay, req, &first)
	if _, err := f.eng.Fail(context.Background(), first.PaymentID, engine.CodeRiskReject, "risk says no"); err != nil {
		t.Fatal(err)
	}
	var again wire.PayResponse
	got := f.call(t, miniPartner, pathPay, req, &again)
	wantResult(t, got, wire.StatusFail, wire.CodeRiskReject)
	if got.ResultMessage != "risk says no" || again.PaymentID != first.PaymentID {
		t.Fatalf("answer %+v", again)
	}
}

func TestPayEngineLimits(t *testing.T) {
	f := newEPFixture(t, epOptions{engine: func(c *engine.Config) {
		c.Currencies = []string{"USD"}
		c.MaxAmount = 100000
	}})
	r := miniCashierPay(miniPartner, "limit-1", "1000")
	r.PaymentAmount = &wire.Amount{Currency: "EUR", Value: "1000"}
	wantResult(t, f.call(t, miniPartner, pathPay, r, nil), wire.StatusFail, wire.CodeCurrencyNotSupport)
	f.mustNotExist(t, miniPartner, "limit-1")
	r = miniCashierPay(miniPartner, "limit-2", "100001")
	wantResult(t, f.call(t, miniPartner, pathPay, r, nil), wire.StatusFail, wire.CodePaymentAmountExceedLimit)
	f.mustNotExist(t, miniPartner, "limit-2")
}

func TestPayExpiryTime(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	r := miniCashierPay(miniPartner, "exp-1", "1000")
	r.PaymentExpiryTime = "2026-05-06T15:38:09+08:00" // 30 minutes after the fixture's clock
	var resp wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, r, &resp), wire.StatusAccepted, wire.CodeAccept)
	p, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, PaymentID: resp.PaymentID})
	if err != nil || !p.ExpiresAt.Equal(epEpoch.Add(30*time.Minute)) {
		t.Fatalf("expires %v (%v)", p.ExpiresAt, err)
	}
	r = miniCashierPay(miniPartner, "exp-2", "1000")
	r.PaymentExpiryTime = "2026-05-06T15:08:08+08:00" // a second ago
	wantParamIllegal(t, f.call(t, miniPartner, pathPay, r, nil), "paymentExpiryTime")
	f.mustNotExist(t, miniPartner, "exp-2")
}

func TestPayAccessDenied(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	// The mini-program partner names another partner in its body.
	r := miniCashierPay(mini2Partner, "denied-1", "1000")
	got := f.call(t, miniPartner, pathPay, r, nil)
	wantResult(t, got, wire.StatusFail, wire.CodeAccessDenied)
	f.mustNotExist(t, miniPartner, "denied-1")
	f.mustNotExist(t, mini2Partner, "denied-1")

	// v1-en carries no partnerId, but one it sends must be its own.
	body := mustJSON(t, enPay("denied-2"), map[string]any{"partnerId": miniPartner})
	wantResult(t, f.call(t, enPartner, pathPay, body, nil), wire.StatusFail, wire.CodeAccessDenied)
	f.mustNotExist(t, enPartner, "denied-2")
	body = mustJSON(t, enPay("ok-2"), map[string]any{"partnerId": enPartner})
	wantResult(t, f.call(t, enPartner, pathPay, body, nil), wire.StatusSuccess, wire.CodeSuccess)
}

// enPay is a v1-en cashier pay request.
func enPay(requestID string) *wire.PayRequest {
	return &wire.PayRequest{
		ProductCode: "51051000101000000011", PaymentRequestID: requestID,
		PaymentAmount: &wire.Amount{Currency: "CLP", Value: "2000"},
		Order:         json.RawMessage(`{"orderDescription":"iphone details","referenceOrderId":"O-1"}`),
	}
}

// antomPay is an Antom entry-code pay request.
func antomPay(requestID string) *wire.PayRequest {
	return &wire.PayRequest{
		ProductCode: "IN_STORE_PAYMENT", PaymentRequestID: requestID,
		PaymentAmount:    usd("10"),
		PaymentMethod:    &wire.PaymentMethod{PaymentMethodType: "CONNECT_WALLET"},
		PaymentFactor:    &wire.PaymentFactor{InStorePaymentScenario: "EntryCode"},
		PaymentNotifyURL: "https://merchant.example/notify",
		Order:            json.RawMessage(`{"orderDescription":"Mi Band 3","orderAmount":{"currency":"USD","value":"10"}}`),
	}
}

// mustJSON marshals v and merges the extra members into the object.
func mustJSON(t testing.TB, v any, extra map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(extra) == 0 {
		return b
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, x := range extra {
		if x == nil {
			delete(m, k)
		} else {
			m[k] = x
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPayV1EN(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	var resp wire.PayResponse
	wantResult(t, f.call(t, enPartner, pathPay, enPay("en-1"), &resp), wire.StatusSuccess, wire.CodeSuccess)
	want := wire.RedirectActionForm{Method: "GET", RedirectionURL: "https://wallet.example/cashier?paymentId=" + resp.PaymentID}
	if resp.RedirectActionForm == nil || *resp.RedirectActionForm != want || resp.ActionForm != nil {
		t.Fatalf("answer %+v", resp)
	}
	if resp.PaymentTime != "" {
		t.Fatalf("paymentTime %q on an unpaid payment, want none (it is the success time)", resp.PaymentTime)
	}
	p, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: enPartner, RequestID: "en-1"})
	if err != nil || p.State != engine.PaymentAccept || p.OrderTitle != "iphone details" || p.Scenario != engine.ScenarioCashier {
		t.Fatalf("stored %+v (%v)", p, err)
	}

	// With an access token it is an agreement payment, paid at once.
	f.ledger.SetBalance("bob", "CLP", 5000)
	f.ledger.AddAccessToken("token-bob", "bob")
	r := enPay("en-2")
	r.PaymentAuthCode = "token-bob"
	var paid wire.PayResponse
	wantResult(t, f.call(t, enPartner, pathPay, r, &paid), wire.StatusSuccess, wire.CodeSuccess)
	if paid.RedirectActionForm != nil || paid.PaymentID == "" || f.ledger.Balance("bob", "CLP") != 3000 {
		t.Fatalf("agreement answer %+v, bob has %d", paid, f.ledger.Balance("bob", "CLP"))
	}

	// A different productCode is a different request.
	r = enPay("en-1")
	r.ProductCode = "51051000101000000012"
	wantResult(t, f.call(t, enPartner, pathPay, r, nil), wire.StatusFail, wire.CodeRepeatReqInconsistent)
}

func TestPayAntomEntryCode(t *testing.T) {
	for _, path := range []string{antomPrefix + pathPay, pathPay} {
		t.Run(path, func(t *testing.T) {
			f := newEPFixture(t, epOptions{})
			var resp wire.PayResponse
			wantResult(t, f.call(t, antomPartner, path, antomPay("antom-1"), &resp), wire.StatusSuccess, wire.CodeSuccess)
			want := wire.RedirectActionForm{RedirectURL: "https://wallet.example/cashier?paymentId=" + resp.PaymentID}
			if resp.RedirectActionForm == nil || *resp.RedirectActionForm != want || resp.PaymentRequestID != "antom-1" || resp.PaymentTime != "" {
				t.Fatalf("answer %+v", resp)
			}
			p, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: antomPartner, RequestID: "antom-1"})
			if err != nil || p.Scenario != engine.ScenarioEntryCode || p.NotifyURL != "https://merchant.example/notify" {
				t.Fatalf("stored %+v (%v)", p, err)
			}
			// The user pays: a repeat answers S with the payment time.
			f.ledger.SetBalance("alice", "USD", 100)
			if _, err := f.eng.Confirm(context.Background(), resp.PaymentID, "alice"); err != nil {
				t.Fatal(err)
			}
			var again wire.PayResponse
			wantResult(t, f.call(t, antomPartner, path, antomPay("antom-1"), &again), wire.StatusSuccess, wire.CodeSuccess)
			if again.RedirectActionForm != nil || again.PaymentTime == "" || again.PaymentRequestID != "antom-1" {
				t.Fatalf("repeat after payment %+v", again)
			}
			// A different payment method id is a different request.
			r := antomPay("antom-1")
			r.PaymentMethod.PaymentMethodID = "wallet-x"
			wantResult(t, f.call(t, antomPartner, path, r, nil), wire.StatusFail, wire.CodeRepeatReqInconsistent)
		})
	}
}

func TestPayInternalErrorIsUnknownException(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.store.setFail(true)
	got := f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "internal-1", "100"), nil)
	wantResult(t, got, wire.StatusUnknown, wire.CodeUnknownException)
	if strings.Contains(got.ResultMessage, "secret") {
		t.Fatalf("message leaks the cause: %q", got.ResultMessage)
	}
	if !strings.Contains(f.logs.String(), "secret-store-detail") {
		t.Fatalf("cause not logged: %s", f.logs.String())
	}
	f.store.setFail(false)
	f.mustNotExist(t, miniPartner, "internal-1")
}

func TestPayConcurrentTwins(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	req := miniCashierPay(miniPartner, "twin", "1000")
	const n = 8
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			var resp wire.PayResponse
			res := f.call(t, miniPartner, pathPay, req, &resp)
			if res.ResultStatus != wire.StatusAccepted {
				t.Errorf("twin answered %+v", res)
			}
			ids <- resp.PaymentID
		})
	}
	wg.Wait()
	close(ids)
	first := ""
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first || id == "" {
			t.Fatalf("twins got payments %q and %q", first, id)
		}
	}
}

// A pay that reached S keeps that answer: a repeat after the merchant
// cancelled (reversed) the payment answers S with the same paymentTime in
// the mini-program profile (seed 000), F ORDER_IS_CANCELED in the antom
// profile (seed 004). A repeat of a cancelled unpaid payment stays F
// ORDER_IS_CLOSED.
func TestPayRepeatKeepsItsFinalAnswer(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.ledger.SetBalance("alice", "USD", 100_00)

	p := f.payAndConfirm(t, miniPartner, "final-1", "1000")
	var first wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "final-1", "1000"), &first), wire.StatusSuccess, wire.CodeSuccess)
	wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: p.ID}, nil), wire.StatusSuccess, wire.CodeSuccess)
	var again wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "final-1", "1000"), &again), wire.StatusSuccess, wire.CodeSuccess)
	if again.PaymentTime == "" || again.PaymentTime != first.PaymentTime || again.PaymentID != p.ID {
		t.Errorf("repeat after cancel: %+v, want the first S answer %+v", again, first)
	}

	var accepted wire.PayResponse
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, antomPay("final-2"), &accepted), wire.StatusSuccess, wire.CodeSuccess)
	if _, err := f.eng.Confirm(t.Context(), accepted.PaymentID, "alice"); err != nil {
		t.Fatal(err)
	}
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathCancel, wire.PaymentQuery{PaymentID: accepted.PaymentID}, nil), wire.StatusSuccess, wire.CodeSuccess)
	wantResult(t, f.call(t, antomPartner, antomPrefix+pathPay, antomPay("final-2"), nil), wire.StatusFail, wire.CodeOrderIsCanceled)

	var unpaid wire.PayResponse
	wantResult(t, f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "final-3", "1000"), &unpaid), wire.StatusAccepted, wire.CodeAccept)
	wantResult(t, f.call(t, miniPartner, pathCancel, wire.PaymentQuery{PartnerID: miniPartner, PaymentID: unpaid.PaymentID}, nil), wire.StatusSuccess, wire.CodeSuccess)
	wantResult(t, f.call(t, miniPartner, pathPay, miniCashierPay(miniPartner, "final-3", "1000"), nil), wire.StatusFail, wire.CodeOrderIsClosed)
}
