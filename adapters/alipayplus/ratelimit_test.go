package alipayplus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
)

// rateLimitedCopy returns a handler with h's configuration whose partners
// each have an empty bucket that gains one token an hour.
func rateLimitedCopy(t *testing.T, h *Handler) *Handler {
	t.Helper()
	cfg := h.cfg
	cfg.Partners = slices.Clone(cfg.Partners)
	for i := range cfg.Partners {
		cfg.Partners[i].RateLimit = RateLimit{PerSecond: 1.0 / 3600, Burst: 1}
	}
	lh, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range lh.byClient {
		e.bucket.tokens = 0
	}
	return lh
}

// TestRateLimitUnderBurst: a partner limited to 2 requests a second with a
// burst of 5 sends 40 signed pays at once: exactly 5 are served, the 35
// others are answered U REQUEST_TRAFFIC_EXCEED_LIMIT, HTTP 429, signed,
// and stored nothing. A second later 2 more are served. Other partners
// are not limited.
func TestRateLimitUnderBurst(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.h = rateLimitedPartner(t, f.h, miniClient, RateLimit{PerSecond: 2, Burst: 5})
	pay := func(i int) []byte {
		return mustMarshal(t, oaMini.pay(fmt.Sprintf("burst-%d", i), "100"))
	}
	const n = 40
	results := make([]wire.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = sendAny(t, f, miniPartner, wire.PathPrefix+"pay", pay(i))
		}()
	}
	wg.Wait()
	served := 0
	for i, r := range results {
		switch r.ResultCode {
		case wire.CodeAccept:
			served++
		case wire.CodeRequestTrafficExceedLimit:
			if r.ResultStatus != wire.StatusUnknown {
				t.Errorf("pay %d: %s with status %s, want U", i, r.ResultCode, r.ResultStatus)
			}
			if _, err := f.eng.InquirePayment(context.Background(), engine.PaymentRef{PartnerID: miniPartner, RequestID: fmt.Sprintf("burst-%d", i)}); engine.ErrorCode(err) != engine.CodePaymentNotFound {
				t.Errorf("pay %d refused by the rate limit but stored: %v", i, err)
			}
		default:
			t.Errorf("pay %d: %+v", i, r)
		}
	}
	if served != 5 {
		t.Errorf("%d of %d pays served at once, want the burst of 5", served, n)
	}

	f.clock.Advance(time.Second)
	served = 0
	for i := n; i < n+5; i++ {
		if r := sendAny(t, f, miniPartner, wire.PathPrefix+"pay", pay(i)); r.ResultCode == wire.CodeAccept {
			served++
		}
	}
	if served != 2 {
		t.Errorf("%d pays served a second later, want 2", served)
	}
	if _, r := f.send(t, mini2Partner, wire.PathPrefix+"pay", mustMarshal(t, map[string]any{
		"partnerId": mini2Partner, "paymentRequestId": "other", "paymentAmount": oaAmount("USD", "100"),
		"paymentFactor": map[string]any{"isCashierPayment": true}, "paymentOrderTitle": "t",
	})); r.ResultCode == wire.CodeRequestTrafficExceedLimit {
		t.Errorf("another partner was limited: %+v", r)
	}
}

// TestRateLimitBeforeStore: a request over the limit is answered before
// the store is asked anything: with a failing store it is still U
// REQUEST_TRAFFIC_EXCEED_LIMIT (HTTP 429), not UNKNOWN_EXCEPTION.
func TestRateLimitBeforeStore(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	f.h = rateLimitedCopy(t, f.h)
	f.store.setFail(true)
	r := sendAny(t, f, miniPartner, wire.PathPrefix+"inquiryPayment", mustMarshal(t, oaMini.withPartner(map[string]any{"paymentRequestId": "x"})))
	if r.ResultCode != wire.CodeRequestTrafficExceedLimit || r.ResultStatus != wire.StatusUnknown {
		t.Errorf("got %+v, want U REQUEST_TRAFFIC_EXCEED_LIMIT", r)
	}
}

// rateLimitedPartner returns a handler with h's configuration whose
// partner of clientID has limit l.
func rateLimitedPartner(t *testing.T, h *Handler, clientID string, l RateLimit) *Handler {
	t.Helper()
	cfg := h.cfg
	cfg.Partners = slices.Clone(cfg.Partners)
	for i := range cfg.Partners {
		if cfg.Partners[i].ClientID == clientID {
			cfg.Partners[i].RateLimit = l
		}
	}
	lh, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return lh
}

// TestRateLimitConfig: impossible limits are refused by NewHandler,
// naming the partner.
func TestRateLimitConfig(t *testing.T) {
	f := newEPFixture(t, epOptions{})
	for _, l := range []RateLimit{{PerSecond: -1}, {PerSecond: 1, Burst: -1}, {Burst: 3}} {
		cfg := f.h.cfg
		cfg.Partners = slices.Clone(cfg.Partners)
		cfg.Partners[0].RateLimit = l
		if _, err := NewHandler(cfg); err == nil {
			t.Errorf("%+v accepted", l)
		}
	}
}

// sendAny signs body as partner, serves it and returns the result of the
// answer, whose signature it verifies and whose HTTP status it checks: 429
// exactly for REQUEST_TRAFFIC_EXCEED_LIMIT, else 200. Safe to call from
// several goroutines (it reports with t.Errorf).
func sendAny(t *testing.T, f *epFixture, partner, path string, body []byte) wire.Result {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if err := f.clients[partner].SignRequest(r, body); err != nil {
		t.Error(err)
		return wire.Result{}
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	if err := answerVerifier(f.h, f.verify, r).VerifyResponse(wirePath(r), rec.Header(), rec.Body.Bytes()); err != nil {
		t.Errorf("%s: answer (HTTP %d, %s) not verified: %v", path, rec.Code, rec.Body, err)
	}
	var env struct {
		Result wire.Result `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Errorf("%s: %v", path, err)
	}
	want := http.StatusOK
	if env.Result.ResultCode == wire.CodeRequestTrafficExceedLimit {
		want = http.StatusTooManyRequests
	}
	if rec.Code != want {
		t.Errorf("%s: HTTP %d for %s, want %d", path, rec.Code, env.Result.ResultCode, want)
	}
	return env.Result
}
