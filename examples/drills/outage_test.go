package drills

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPostgresOutage stops PostgreSQL under load and starts it again:
// requests during the outage are answered U (or not at all), never F for
// work that may have committed (the load generator flags a refusal the
// wallet later reports done), and everything converges once the database
// is back.
func TestPostgresOutage(t *testing.T) {
	s := drillSeed(t)
	pg := startPGServer(t)
	dir := drillDemo(t)
	proc := newWalletProc(t, dir, "wallet-1", createDatabase(t, pg.DSN()))
	begin := time.Now()
	const outage = 3 * time.Second
	reports := underLoad(t, dir, []*walletProc{proc}, s, func(ctx context.Context) {
		time.Sleep(time.Second)
		pg.stop(t)
		time.Sleep(outage)
		pg.start(t)
	})
	unsure := reports[0].Unanswered
	require.Positive(t, unsure, "the load saw the outage: %v", reports[0].Answers)
	t.Logf("RESULT outage drill, postgres: %d operations (%d answered U or not at all), 1 outage of %s, 0 violations, seed %d, %s",
		reports[0].Operations, unsure, outage, s, time.Since(begin).Round(time.Second))
}
