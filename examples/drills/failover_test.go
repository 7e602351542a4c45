package drills

import (
	"context"
	"flag"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var failovers = flag.Int("drill.failovers", 1, "primary SIGKILLs in the failover drill (make drills: 3)")

// failover is what one loss of the primary cost.
type failover struct {
	promoted  time.Duration // from the SIGKILL until Patroni reported the standby promoted
	recovered time.Duration // from the SIGKILL until a pay sent after it was answered S
	answers   window        // answers to operations under way meanwhile
}

// TestPostgresFailover runs two wallet processes on a PostgreSQL primary
// with a synchronous standby (Patroni with etcd, on loopback), their DSN
// naming both servers with target_session_attrs=read-write, and SIGKILLs
// the primary's server under load, -drill.failovers times, waiting each
// time until the old primary is back as the synchronous standby. The
// wallets are not restarted. Afterwards every payment, refund and
// notification the load was told about is verified through the other
// wallet, on the promoted server: nothing acknowledged is lost, no refund
// sum is exceeded, nothing refused was done (answers during a failover
// are U or none, never F for work that committed). It reports how long
// each promotion took and how long until pays succeeded again.
func TestPostgresFailover(t *testing.T) {
	s := drillSeed(t)
	begin := time.Now()
	c := startPatroniCluster(t)
	ready := time.Since(begin)
	u, err := url.Parse(createDatabase(t, c.leaderDSN("postgres")))
	require.NoError(t, err)
	dsn := c.DSN(strings.TrimPrefix(u.Path, "/"))
	dir := drillDemo(t)
	procs := []*walletProc{newWalletProc(t, dir, "wallet-1", dsn), newWalletProc(t, dir, "wallet-2", dsn)}

	log := &answerLog{}
	var done []failover
	reports := underObservedLoad(t, dir, procs, s, log.record, func(ctx context.Context) {
		for i := range *failovers {
			if i > 0 {
				c.waitSynchronous(2 * time.Minute)
			}
			time.Sleep(2 * time.Second) // load on a healthy cluster
			c.requireSynchronousCommit()
			old, killed := c.killPrimary()
			promoted := c.waitPromoted(old, time.Minute)
			recovered := log.waitPaySucceeded(t, killed, time.Minute)
			f := failover{promoted: promoted.Sub(killed), recovered: recovered.Sub(killed), answers: log.window(killed, recovered)}
			t.Logf("failover %d: %s SIGKILLed; standby promoted after %s; pays succeeded again after %s; answers meanwhile: %s",
				i+1, old, f.promoted.Round(time.Millisecond), f.recovered.Round(time.Millisecond), f.answers)
			done = append(done, f)
		}
	})

	ops, unanswered := 0, 0
	for _, r := range reports {
		ops += r.Operations
		unanswered += r.Unanswered
	}
	var during window
	var promoted, recovered []string
	for _, f := range done {
		during = during.add(f.answers)
		promoted = append(promoted, f.promoted.Round(100*time.Millisecond).String())
		recovered = append(recovered, f.recovered.Round(100*time.Millisecond).String())
	}
	t.Logf("RESULT failover drill, postgres primary + synchronous standby (Patroni), 2 wallets: %d operations (%d unanswered), "+
		"%d primary SIGKILLs, promoted after %s, pays S again after %s, answers during failovers: %s; "+
		"0 acknowledged payments, refunds or notifications lost, 0 violations; cluster ready in %s, seed %d, %s",
		ops, unanswered, len(done), strings.Join(promoted, "/"), strings.Join(recovered, "/"), during,
		ready.Round(time.Second), s, time.Since(begin).Round(time.Second))
	require.Len(t, done, *failovers)
}
