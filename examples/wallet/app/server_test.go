package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/merchant/shop"
)

func usd(minor int64) engine.Money { return engine.Money{Currency: "USD", Minor: minor} }

func aliceUSD(t *testing.T, w *running) int64 {
	t.Helper()
	b, err := w.server.ledger.Balance(t.Context(), demoCashier, "USD")
	require.NoError(t, err)
	return b
}

// A restart keeps payments, refunds and balances: the demo users are
// seeded once, not reset and not paid again.
func TestRestartKeepsPaymentsAndBalances(t *testing.T) {
	dir := demoDir(t)
	w := start(t, dir)
	require.Equal(t, int64(1_000_000), aliceUSD(t, w))
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "order-1", Title: "Beans", Amount: usd(1250), AccessToken: demoAliceToken})
	require.NoError(t, err)
	require.Equal(t, alipayplus.StatusSuccess, pay.Result.ResultStatus, "%+v", pay.Result)
	require.Equal(t, int64(998_750), aliceUSD(t, w))
	require.NoError(t, w.stop(), "graceful shutdown")

	w = start(t, dir)
	assert.Equal(t, int64(998_750), aliceUSD(t, w), "the restart neither reset nor paid again")
	inq, err := w.merchant.InquirePayment(t.Context(), pay.PaymentID)
	require.NoError(t, err)
	assert.Equal(t, alipayplus.PaymentStatusSuccess, inq.PaymentStatus)
	again, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "order-1", Title: "Beans", Amount: usd(1250), AccessToken: demoAliceToken})
	require.NoError(t, err)
	assert.Equal(t, pay.PaymentID, again.PaymentID, "the repeated pay after the restart is the same payment")
	refund, err := w.merchant.Refund(t.Context(), "refund-1", pay.PaymentID, usd(250), "")
	require.NoError(t, err)
	require.Equal(t, alipayplus.StatusSuccess, refund.Result.ResultStatus, "%+v", refund.Result)
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
	status, body = w.get(t, "/metrics")
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		`paystate_http_requests_total{endpoint="pay",result_status="S",result_code="SUCCESS"} 1`,
		`paystate_http_requests_total{endpoint="pay",result_status="F",result_code="USER_BALANCE_NOT_ENOUGH"} 1`,
		`paystate_http_request_duration_seconds_count{endpoint="pay"} 2`,
		"# TYPE paystate_http_request_duration_seconds histogram",
		"paystate_notifications_undelivered 0",
		"paystate_unknown_outcomes 0",
		"# TYPE paystate_notification_attempts_total counter",
	} {
		assert.Contains(t, body, want)
	}
	due, waiting := gauge(t, body, `paystate_outbox_depth{state="due"}`), gauge(t, body, `paystate_outbox_depth{state="waiting"}`)
	assert.Equal(t, 1.0, due+waiting, "the undelivered notification, due or waiting for its retry")
}

// gauge returns the value of the metric line that starts with series.
func gauge(t *testing.T, metrics, series string) float64 {
	t.Helper()
	for line := range strings.Lines(metrics) {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			require.NoError(t, err, line)
			return v
		}
	}
	t.Fatalf("no %s in the metrics", series)
	return 0
}

// The cashier page is served at the URL pay answers with, as the
// configured cashier user, with the partner's display name.
func TestCashierLinkFromPay(t *testing.T) {
	w := start(t, demoDir(t))
	pay, err := w.merchant.Pay(t.Context(), shop.Order{RequestID: "c-1", Title: "Flat white", Amount: usd(450)})
	require.NoError(t, err)
	require.Equal(t, alipayplus.StatusAccepted, pay.Result.ResultStatus)
	require.NotNil(t, pay.ActionForm)
	require.True(t, strings.HasPrefix(pay.ActionForm.RedirectionURL, w.url+"/cashier/"), pay.ActionForm.RedirectionURL)
	status, body := w.get(t, strings.TrimPrefix(pay.ActionForm.RedirectionURL, w.url))
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Demo Coffee Roasters")
	assert.Contains(t, body, "Flat white")
	assert.Contains(t, body, "4.50")
}

// Shutdown lets a request in flight finish and stops the worker: Run
// returns nil, and the store is closed only afterwards.
func TestGracefulShutdown(t *testing.T) {
	w := start(t, demoDir(t))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := w.merchant.Pay(ctx, shop.Order{RequestID: "g-1", Title: "Beans", Amount: usd(100), AccessToken: demoAliceToken})
	require.NoError(t, err)
	require.NoError(t, w.stop())
	_, err = http.Get(w.url + "/healthz")
	assert.Error(t, err, "nothing listens after shutdown")
}

func TestLocalURLNamesALoopbackHost(t *testing.T) {
	for addr, want := range map[string]string{
		":8080": "http://127.0.0.1:8080", "0.0.0.0:8080": "http://127.0.0.1:8080", "[::]:8080": "http://127.0.0.1:8080",
		"127.0.0.1:8080": "http://127.0.0.1:8080", "wallet.example:80": "http://wallet.example:80",
	} {
		assert.Equal(t, want, localURL(addr), addr)
	}
}
