package load_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/loadgen/load"
	"github.com/paystate/paystate/examples/merchant/shop"
	"github.com/paystate/paystate/examples/wallet/app"
	"github.com/paystate/paystate/examples/wallet/wallettest"
)

// richDemo is the demo configuration with users rich enough that the
// load never runs out of money.
func richDemo(t *testing.T) string {
	return wallettest.Demo(t, func(c *app.Config) {
		for i := range c.Users {
			c.Users[i].Balances = map[string]string{"USD": "9000000000000"}
		}
	})
}

// listenNotifications serves the merchant's notifyPayment endpoint on
// loopback for the test, recording into the returned Notified.
func listenNotifications(t *testing.T, m *shop.Merchant, n *shop.Notifications) *load.Notified {
	t.Helper()
	notified, url, stop, err := load.Listen("127.0.0.1:0", n)
	require.NoError(t, err)
	t.Cleanup(func() { _ = stop() })
	m.NotifyURL = url
	return notified
}

func TestClosedLoopKeepsEveryPromise(t *testing.T) {
	w := wallettest.Start(t, richDemo(t))
	cfg, m, n := w.Merchant(t)
	notified := listenNotifications(t, m, n)
	run, report, err := load.Start(t.Context(), load.Config{Merchant: m, AccessToken: cfg.AccessToken, Workers: 4, Operations: 400, Seed: 7})
	require.NoError(t, err)
	assert.Equal(t, 400, report.Operations)
	assert.Empty(t, report.Violations)
	for _, want := range []string{"pay: S SUCCESS", "refund: S SUCCESS", "refund: F REFUND_AMOUNT_EXCEED", "inquiry: S SUCCESS", "cashier: A ACCEPT, cashier paid", "authorize: S SUCCESS"} {
		assert.Positive(t, report.Answers[want], "answers: %v", report.Answers)
	}
	v := run.Verify(t.Context(), notified, 30*time.Second)
	var out bytes.Buffer
	v.Print(&out)
	assert.True(t, v.OK(), out.String())
	assert.Equal(t, 0, v.Unnotified)
	assert.Positive(t, v.ByStatus["SUCCESS"])
	assert.GreaterOrEqual(t, v.DistinctNotifications, v.ByStatus["SUCCESS"])
}

func TestOpenLoopTimesFromTheSchedule(t *testing.T) {
	w := wallettest.Start(t, richDemo(t))
	cfg, m, _ := w.Merchant(t)
	_, report, err := load.Start(t.Context(), load.Config{Merchant: m, AccessToken: cfg.AccessToken, Rate: 200, Operations: 100,
		Mix: load.Mix{load.OpPay: 1, load.OpInquiry: 1}})
	require.NoError(t, err)
	assert.Equal(t, 100, report.Operations+report.Dropped)
	require.NotEmpty(t, report.Latencies)
	all := report.Latencies[len(report.Latencies)-1]
	assert.Equal(t, load.Op("all"), all.Op)
	assert.LessOrEqual(t, all.P50, all.P90)
	assert.LessOrEqual(t, all.P99, all.Max)
	assert.GreaterOrEqual(t, report.Elapsed, 495*time.Millisecond, "100 operations at 200/s take half a second")
}

// Verification catches a wallet that lost what it acknowledged: here the
// store is wiped between the run and the check. The cashier user has no
// money, so the cashier payments stay acknowledged A, never paid.
func TestVerifyCatchesLostPayments(t *testing.T) {
	dir := wallettest.Demo(t, func(c *app.Config) {
		c.Users[0].Balances = map[string]string{"USD": "9000000000000"}
		c.Users[1].Balances = map[string]string{"USD": "0"}
		c.CashierUser = c.Users[1].UserID
	})
	w := wallettest.Start(t, dir)
	cfg, m, _ := w.Merchant(t)
	run, report, err := load.Start(t.Context(), load.Config{Merchant: m, AccessToken: cfg.AccessToken, Workers: 2, Operations: 60,
		Mix: load.Mix{load.OpPay: 3, load.OpCashier: 2, load.OpRefund: 1}, Seed: 3})
	require.NoError(t, err)
	require.Positive(t, report.Answers["pay: S SUCCESS"])
	require.Positive(t, report.Answers["cashier: A ACCEPT, cashier: HTTP 402"], "%v", report.Answers)
	require.NoError(t, w.Stop())
	for _, f := range []string{"paystate.db", "paystate.db-wal", "paystate.db-shm"} {
		require.NoError(t, os.RemoveAll(filepath.Join(dir, f)))
	}
	w = wallettest.Start(t, dir)
	m.Client.BaseURL = w.URL
	run.SetMerchant(m)
	v := run.Verify(t.Context(), nil, 0)
	require.False(t, v.OK())
	joined := strings.Join(v.Violations, "\n")
	assert.Contains(t, joined, "acknowledged paid, now absent")
	assert.Contains(t, joined, "acknowledged A, now absent")
	assert.Equal(t, v.Payments, v.ByStatus["absent"])
}

func TestNotifiedFlagsAnIDWithTwoStatuses(t *testing.T) {
	n := load.NewNotified()
	n.Record(shop.Notification{ID: "m-1", PaymentID: "p-1", PaymentStatus: "SUCCESS"})
	n.Record(shop.Notification{ID: "m-1", PaymentID: "p-1", PaymentStatus: "SUCCESS"}) // a retry
	var r load.Run
	v := r.Verify(t.Context(), n, 0)
	assert.True(t, v.OK(), "%v", v.Violations)
	n.Record(shop.Notification{ID: "m-1", PaymentID: "p-1", PaymentStatus: "FAIL"})
	v = r.Verify(t.Context(), n, 0)
	assert.Equal(t, []string{"notification m-1 delivered as SUCCESS and as FAIL"}, v.Violations)
	assert.Equal(t, 3, v.Notifications)
	assert.Equal(t, 1, v.DistinctNotifications)
}

func TestParseMix(t *testing.T) {
	m, err := load.ParseMix("pay=3, refund=1,inquiry=0")
	require.NoError(t, err)
	assert.Equal(t, load.Mix{load.OpPay: 3, load.OpRefund: 1, load.OpInquiry: 0}, m)
	for _, bad := range []string{"pay", "pay=-1", "ship=1", "pay=0", "pay=x"} {
		_, err := load.ParseMix(bad)
		assert.Error(t, err, bad)
	}
}

// Answered is told of every operation once, with the answer the report
// counts and times in order.
func TestAnsweredSeesEveryOperation(t *testing.T) {
	w := wallettest.Start(t, richDemo(t))
	cfg, m, _ := w.Merchant(t)
	var mu sync.Mutex
	seen := map[string]int{}
	begin := time.Now()
	_, report, err := load.Start(t.Context(), load.Config{Merchant: m, AccessToken: cfg.AccessToken, Workers: 2, Operations: 60,
		Mix: load.Mix{load.OpPay: 2, load.OpInquiry: 1},
		Answered: func(op load.Op, answer string, sent, ended time.Time) {
			mu.Lock()
			defer mu.Unlock()
			seen[string(op)+": "+answer]++
			assert.False(t, sent.Before(begin) || ended.Before(sent), "sent %v, ended %v", sent, ended)
		}})
	require.NoError(t, err)
	assert.Equal(t, report.Answers, seen)
}
