package drills

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestCrashDrillSQLite kills the wallet server (SQLite store) with SIGKILL
// at random moments under load, restarts it, and verifies everything the
// load generator was told: no acknowledged payment or refund lost, no
// refund sum exceeded, every final state notified, every notification id
// delivered for one state only.
func TestCrashDrillSQLite(t *testing.T) {
	crashDrill(t, "sqlite", "sqlite:paystate.db", 1)
}

// TestCrashDrillPostgres is the same drill on PostgreSQL.
func TestCrashDrillPostgres(t *testing.T) {
	crashDrill(t, "postgres", newDatabase(t), 1)
}

// TestTwoWalletsOnePostgres runs two wallet processes on one PostgreSQL
// database, each under its own load, killing either at random, and checks
// each process's payments through the other one.
func TestTwoWalletsOnePostgres(t *testing.T) {
	crashDrill(t, "two wallets on postgres", newDatabase(t), 2)
}

func crashDrill(t *testing.T, name, store string, processes int) {
	s := drillSeed(t)
	rng := rand.New(rand.NewPCG(s, 0))
	dir := drillDemo(t)
	var procs []*walletProc
	for i := range processes {
		procs = append(procs, newWalletProc(t, dir, fmt.Sprintf("wallet-%d", i+1), store))
	}
	begin := time.Now()
	reports := underLoad(t, dir, procs, s, func(ctx context.Context) {
		for range *kills {
			time.Sleep(time.Duration(200+rng.IntN(1300)) * time.Millisecond)
			p := procs[rng.IntN(len(procs))]
			p.kill()
			p.start()
		}
	})
	ops, unanswered := 0, 0
	for _, r := range reports {
		ops += r.Operations
		unanswered += r.Unanswered
	}
	t.Logf("RESULT crash drill, %s: %d operations (%d unanswered), %d SIGKILLs, 0 violations, seed %d, %s",
		name, ops, unanswered, *kills, s, time.Since(begin).Round(time.Second))
}
