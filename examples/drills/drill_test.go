package drills

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/loadgen/load"
	"github.com/paystate/paystate/examples/merchant/shop"
	"github.com/paystate/paystate/examples/wallet/app"
	"github.com/paystate/paystate/examples/wallet/wallettest"
)

// lease is the wallets' notification lease in the drills: a message a
// killed process had claimed waits this long for another attempt.
const lease = 3 * time.Second

// drillSeed returns the drills' seed, logging it so a run can be repeated.
func drillSeed(t *testing.T) uint64 {
	s := *seed
	if s == 0 {
		s = rand.Uint64()
	}
	t.Logf("seed %d (repeat with -drill.seed=%d)", s, s)
	return s
}

// drillDemo is the demo configuration for a drill: rich users, a short
// notification lease.
func drillDemo(t *testing.T) string {
	return wallettest.Demo(t, func(c *app.Config) {
		for i := range c.Users {
			c.Users[i].Balances = map[string]string{"USD": "9000000000000"}
		}
		c.Worker = app.WorkerConfig{Lease: lease.String(), AttemptTimeout: "2s", Poll: "200ms"}
	})
}

// merchantEndpoint serves the demo merchant's notifyPayment endpoint on
// loopback for the whole drill and returns what it received.
func merchantEndpoint(t *testing.T, n *shop.Notifications) (*load.Notified, string) {
	t.Helper()
	notified, url, stop, err := load.Listen("127.0.0.1:0", n)
	require.NoError(t, err)
	t.Cleanup(func() { _ = stop() })
	return notified, url
}

// loadAgainst is one load generator aimed at one wallet process.
type loadAgainst struct {
	proc   *walletProc
	run    *load.Run
	report load.Report
	err    error
}

// underLoad runs closed-loop load against every process (two workers
// each) while faults runs, and a second longer, then verifies each run's
// payments through the next process, so that with two processes each is
// checked through the other. It fails the test on any violation and
// returns the reports.
func underLoad(t *testing.T, dir string, procs []*walletProc, s uint64, faults func(ctx context.Context)) []load.Report {
	t.Helper()
	return underObservedLoad(t, dir, procs, s, nil, faults)
}

// underObservedLoad is underLoad telling answered of every operation's
// answer (see load.Config.Answered); answered may be nil.
func underObservedLoad(t *testing.T, dir string, procs []*walletProc, s uint64,
	answered func(op load.Op, answer string, sent, ended time.Time), faults func(ctx context.Context)) []load.Report {
	t.Helper()
	shopCfg, _, notifications, err := shop.LoadConfig(dir + "/merchant.json")
	require.NoError(t, err)
	notified, notifyURL := merchantEndpoint(t, notifications)

	ctx, stopLoad := context.WithCancel(t.Context())
	loads := make([]*loadAgainst, len(procs))
	var wg sync.WaitGroup
	for i, p := range procs {
		_, m, _, err := shop.LoadConfig(dir + "/merchant.json")
		require.NoError(t, err)
		m.Client.BaseURL, m.NotifyURL = p.URL, notifyURL
		l := &loadAgainst{proc: p}
		loads[i] = l
		wg.Go(func() {
			l.run, l.report, l.err = load.Start(ctx, load.Config{
				Merchant: m, AccessToken: shopCfg.AccessToken, Workers: 2, Duration: 10 * time.Minute,
				Seed: s + uint64(i), Timeout: 5 * time.Second, Answered: answered,
			})
		})
	}
	faults(ctx)
	time.Sleep(time.Second) // some load on the recovered wallets
	stopLoad()
	wg.Wait()

	var reports []load.Report
	for i, l := range loads {
		require.NoError(t, l.err)
		var out bytes.Buffer
		l.report.Print(&out)
		t.Logf("load against %s:\n%s", l.proc, out.String())
		_, m, _, err := shop.LoadConfig(dir + "/merchant.json")
		require.NoError(t, err)
		m.Client.BaseURL = procs[(i+1)%len(procs)].URL
		l.run.SetMerchant(m)
		v := l.run.Verify(t.Context(), notified, 2*lease+20*time.Second)
		out.Reset()
		v.Print(&out)
		t.Logf("verification through %s:\n%s", procs[(i+1)%len(procs)], out.String())
		require.True(t, v.OK(), "the wallet broke a promise:\n%s", out.String())
		require.Positive(t, l.report.Answers["pay: S SUCCESS"], "the load got work done")
		reports = append(reports, l.report)
	}
	return reports
}
