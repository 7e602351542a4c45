package app

import (
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/merchant/shop"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

func usd(minor int64) wire.Amount {
	return wire.Amount{Currency: "USD", Value: strconv.FormatInt(minor, 10)}
}

// aliceUSD is what the cashier user has available in USD.
func aliceUSD(t *testing.T, w *running) int64 {
	t.Helper()
	b, err := w.server.ledger.Balance(t.Context(), demoCashier, "USD")
	require.NoError(t, err)
	return b.Available
}

// A restart keeps payments, refunds and balances: the demo users are
// seeded once, not reset and not paid again.
func TestRestartKeepsPaymentsAndBalances(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	require.Equal(t, int64(1_000_000), aliceUSD(t, w))
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "order-1", Title: "Beans", Amount: usd(1250), AccessToken: demoAliceToken})
	require.NoError(t, err)
	require.Equal(t, wire.StatusSuccess, pay.Result.ResultStatus, "%+v", pay.Result)
	require.Equal(t, int64(998_750), aliceUSD(t, w))
	require.NoError(t, w.stop(), "graceful shutdown")

	w = start(t, dir)
	assert.Equal(t, int64(998_750), aliceUSD(t, w), "the restart neither reset nor paid again")
	inq, err := w.merchant.InquirePayment(t.Context(), pay.PaymentID)
	require.NoError(t, err)
	assert.Equal(t, wire.PaymentStatusSuccess, inq.PaymentStatus)
	again, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "order-1", Title: "Beans", Amount: usd(1250), AccessToken: demoAliceToken})
	require.NoError(t, err)
	assert.Equal(t, pay.PaymentID, again.PaymentID, "the repeated pay after the restart is the same payment")
	refund, err := w.merchant.Refund(t.Context(), "refund-1", pay.PaymentID, usd(250), "")
	require.NoError(t, err)
	require.Equal(t, wire.StatusSuccess, refund.Result.ResultStatus, "%+v", refund.Result)
	assert.Equal(t, int64(999_000), aliceUSD(t, w))
}

func TestHealthzHomeAndMetrics(t *testing.T) {
	w := start(t, demoDir(t))
	status, body := w.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok\n", body)
	status, body = w.get(t, "/")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "/v1/payments/")

	w.merchant.NotifyURL = "http://127.0.0.1:1/notify" // nobody listens: the notification stays in the outbox
	paid, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "m-1", Title: "Beans", Amount: usd(1250), AccessToken: demoAliceToken})
	require.NoError(t, err)
	w.merchant.NotifyURL = ""
	_, err = w.merchant.Pay(t.Context(), shop.Order{RequestID: "m-2", Title: "Beans", Amount: usd(99_999_999), AccessToken: demoAliceToken})
	require.NoError(t, err)
	msgs, err := w.server.stores.store.Outbox(t.Context(), paid.PaymentID)
	require.NoError(t, err)
	require.Len(t, msgs, 1)

	// The requests, the store's gauges and the counters that stay at zero
	// here, exactly as a scraper reads them.
	require.NoError(t, testutil.ScrapeAndCompare(w.url+"/metrics", strings.NewReader(`
# HELP paystate_http_requests_total Alipay+ requests answered, by endpoint and result.
# TYPE paystate_http_requests_total counter
paystate_http_requests_total{endpoint="pay",result_code="SUCCESS",result_status="S"} 1
paystate_http_requests_total{endpoint="pay",result_code="USER_BALANCE_NOT_ENOUGH",result_status="F"} 1
# HELP paystate_notifications_undelivered Notifications parked after their last attempt, waiting for an operator (counted up to 10000).
# TYPE paystate_notifications_undelivered gauge
paystate_notifications_undelivered 0
# HELP paystate_unknown_outcomes Funds operations whose outcome the ledger has not told yet (counted up to 10000).
# TYPE paystate_unknown_outcomes gauge
paystate_unknown_outcomes 0
# HELP paystate_payments_expired_total Payments this process closed because their expiry time passed.
# TYPE paystate_payments_expired_total counter
paystate_payments_expired_total 0
# HELP paystate_unknown_outcomes_resolved_total Unknown funds outcomes this process settled by asking the ledger again.
# TYPE paystate_unknown_outcomes_resolved_total counter
paystate_unknown_outcomes_resolved_total 0
`), "paystate_http_requests_total", "paystate_notifications_undelivered", "paystate_unknown_outcomes",
		"paystate_payments_expired_total", "paystate_unknown_outcomes_resolved_total"))

	families := scrape(t, w)
	latency := family(t, families, "paystate_http_request_duration_seconds", dto.MetricType_HISTOGRAM)
	require.Len(t, latency.Metric, 1)
	assert.Equal(t, map[string]string{"endpoint": "pay"}, labels(latency.Metric[0]))
	h := latency.Metric[0].GetHistogram()
	assert.Equal(t, uint64(2), h.GetSampleCount(), "both pays")
	assert.Positive(t, h.GetSampleSum())
	var bounds []float64
	for _, b := range h.Bucket {
		bounds = append(bounds, b.GetUpperBound())
	}
	assert.Equal(t, append(slices.Clone(latencyBuckets), math.Inf(1)), bounds)
	assert.Equal(t, uint64(2), h.Bucket[len(h.Bucket)-1].GetCumulativeCount(), "le=+Inf counts both")

	depth := family(t, families, "paystate_outbox_depth", dto.MetricType_GAUGE)
	byState := map[string]float64{}
	for _, m := range depth.Metric {
		byState[labels(m)["state"]] = m.GetGauge().GetValue()
	}
	require.Len(t, byState, 2)
	require.Contains(t, byState, "due")
	require.Contains(t, byState, "waiting")
	assert.Equal(t, 1.0, byState["due"]+byState["waiting"], "the undelivered notification, due or waiting for its retry")

	attempts := family(t, families, "paystate_notification_attempts_total", dto.MetricType_COUNTER)
	var outcomes []string
	for _, m := range attempts.Metric {
		outcomes = append(outcomes, labels(m)["outcome"])
	}
	assert.ElementsMatch(t, []string{"delivered", "failed", "parked"}, outcomes)
	family(t, families, "paystate_worker_errors_total", dto.MetricType_COUNTER)

	// What a Prometheus user expects of any Go process.
	assert.Positive(t, family(t, families, "go_goroutines", dto.MetricType_GAUGE).Metric[0].GetGauge().GetValue())
	assert.Positive(t, family(t, families, "process_start_time_seconds", dto.MetricType_GAUGE).Metric[0].GetGauge().GetValue())
	family(t, families, "process_cpu_seconds_total", dto.MetricType_COUNTER)
	family(t, families, "process_resident_memory_bytes", dto.MetricType_GAUGE)
}

// scrape reads /metrics as a Prometheus server does.
func scrape(t *testing.T, w *running) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(w.url + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4"), resp.Header.Get("Content-Type"))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return families
}

// family returns the metric family name, which must have kind and at least
// one series.
func family(t *testing.T, families map[string]*dto.MetricFamily, name string, kind dto.MetricType) *dto.MetricFamily {
	t.Helper()
	f, ok := families[name]
	require.True(t, ok, "no %s in the metrics", name)
	require.Equal(t, kind, f.GetType(), name)
	require.NotEmpty(t, f.Metric, name)
	return f
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.Label {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// The cashier page is served at the URL pay answers with, as the
// configured cashier user, with the partner's display name.
func TestCashierLinkFromPay(t *testing.T) {
	w := start(t, demoDir(t))
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "c-1", Title: "Flat white", Amount: usd(450)})
	require.NoError(t, err)
	require.Equal(t, wire.StatusAccepted, pay.Result.ResultStatus)
	require.NotNil(t, pay.ActionForm)
	require.True(t, strings.HasPrefix(pay.ActionForm.RedirectionURL, w.url+"/cashier/"), pay.ActionForm.RedirectionURL)
	status, body := w.get(t, strings.TrimPrefix(pay.ActionForm.RedirectionURL, w.url))
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Demo Coffee Roasters")
	assert.Contains(t, body, "Flat white")
	assert.Contains(t, body, "4.50")
}

// Shutdown stops accepting at once but lets a request in flight finish:
// here a pay whose body is still arriving when the shutdown begins gets
// its answer, and Run returns nil.
func TestGracefulShutdownFinishesARequestInFlight(t *testing.T) {
	w := start(t, demoDir(t))
	body := agreementPayBody(t, "in-flight", 300)
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, w.url+wire.PathPay, pr)
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	// The client sends the body only once the handler asks for it (100
	// Continue), so the first bytes written below are read by the handler:
	// the request is then in flight on the server.
	req.Header.Set("Expect", "100-continue")
	require.NoError(t, w.merchant.Client.SignRequest(req, body))
	type answer struct {
		resp *http.Response
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		answered <- answer{resp, err}
	}()
	_, err = pw.Write(body[:10]) // returns once the handler is reading the body
	require.NoError(t, err)

	stopped := make(chan error, 1)
	go func() { stopped <- w.stop() }()
	addr := strings.TrimPrefix(w.url, "http://")
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 5*time.Second, 10*time.Millisecond, "the server stops accepting")

	_, err = pw.Write(body[10:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	a := <-answered
	require.NoError(t, a.err, "the request in flight was answered")
	defer a.resp.Body.Close()
	raw, err := io.ReadAll(a.resp.Body)
	require.NoError(t, err)
	require.NoError(t, w.merchant.Client.VerifyResponse(wire.PathPay, a.resp.Header, raw))
	assert.Contains(t, string(raw), `"resultStatus":"S"`)
	require.NoError(t, <-stopped, "Run returns nil after a graceful shutdown")
}

func TestLocalURLNamesALoopbackHost(t *testing.T) {
	for addr, want := range map[string]string{
		":8080": "http://127.0.0.1:8080", "0.0.0.0:8080": "http://127.0.0.1:8080", "[::]:8080": "http://127.0.0.1:8080",
		"127.0.0.1:8080": "http://127.0.0.1:8080", "wallet.example:80": "http://wallet.example:80",
	} {
		assert.Equal(t, want, localURL(addr), addr)
	}
}

// agreementPayBody is the JSON of the demo merchant's agreement pay of
// minor US cents by alice, as the wire carries it.
func agreementPayBody(t *testing.T, requestID string, minor int64) []byte {
	t.Helper()
	body, err := json.Marshal(wire.PayRequest{
		PartnerID: demoPartnerID, PaymentRequestID: requestID, PaymentOrderTitle: "Beans",
		PaymentAmount: &[]wire.Amount{usd(minor)}[0], PaymentFactor: &wire.PaymentFactor{IsAgreementPay: true},
		PaymentAuthCode: demoAliceToken,
	})
	require.NoError(t, err)
	return body
}

// wallet.siteName turns on the mini-program profile's customerBelongsTo
// check: the demo merchant's cashier pay, which names no site, is refused
// with the member named.
func TestSiteNameChecksCustomerBelongsTo(t *testing.T) {
	dir := demoDir(t)
	path := filepath.Join(dir, walletConfigFile)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(raw, &cfg))
	cfg["wallet"].(map[string]any)["siteName"] = "demoWallet"
	raw, err = json.Marshal(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o600))

	w := start(t, dir)
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "site-1", Title: "Flat white", Amount: usd(450)})
	require.NoError(t, err)
	assert.Equal(t, wire.StatusFail, pay.Result.ResultStatus)
	assert.Equal(t, wire.CodeParamIllegal, pay.Result.ResultCode)
	assert.Contains(t, pay.Result.ResultMessage, "extendInfo.customerBelongsTo")
}

// The wallet's engine takes authorizations (the ledger is its
// engine.Holds), holding the money on the ledger for the configured
// authExpiry.
func TestAuthorizationsHoldMoneyOnTheLedger(t *testing.T) {
	dir := demoDir(t)
	editConfig(t, dir, func(c map[string]any) { c["authExpiry"] = "48h" })
	w := start(t, dir)
	ctx, eng := t.Context(), w.server.Engine()
	amount := engine.Money{Currency: "USD", Minor: 300_00}
	before := time.Now()
	p, err := eng.Pay(ctx, engine.PayRequest{PartnerID: demoPartnerID, RequestID: "stay-1", Scenario: engine.ScenarioAgreement,
		AuthCode: demoAliceToken, Amount: amount, OrderTitle: "Room", Authorization: true})
	require.NoError(t, err)
	require.Equal(t, engine.PaymentAuthorized, p.State)
	assert.WithinRange(t, p.AuthExpiresAt, before.Add(48*time.Hour), time.Now().Add(48*time.Hour))
	b, err := w.server.ledger.Balance(ctx, demoCashier, "USD")
	require.NoError(t, err)
	assert.Equal(t, ledger.Balance{Currency: "USD", Available: 1_000_000 - 300_00, Held: 300_00}, b)

	c, err := eng.Capture(ctx, engine.CaptureRequest{PartnerID: demoPartnerID, RequestID: "night-1", PaymentID: p.ID,
		Amount: engine.Money{Currency: "USD", Minor: 100_00}, Last: true})
	require.NoError(t, err)
	require.Equal(t, engine.CaptureSuccess, c.State)
	b, err = w.server.ledger.Balance(ctx, demoCashier, "USD")
	require.NoError(t, err)
	assert.Equal(t, ledger.Balance{Currency: "USD", Available: 1_000_000 - 100_00}, b, "the rest of the hold came back")
}
