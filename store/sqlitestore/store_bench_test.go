package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/storebench"
)

// The throughput requirement, measured on this backend:
//
//	go test -run XXX -bench 'BenchmarkStore|BenchmarkClaimOutbox' ./store/sqlitestore/
//
// BenchmarkStore runs storebench.Run: the engine beside the
// "store" baseline (the same store calls, no engine) and the "sql" baseline
// (the Store's SQL statements run straight through database/sql,
// sql_bench_test.go), at 1 and 8 workers, on an empty database (stored=0,
// a fresh one every round) and on one that already holds a million
// finished payments with their history and delivered notifications
// (stored=1M), in -bench.rounds interleaved rounds, with a summary of
// medians and ratios at the end. BenchmarkClaimOutbox claims and delivers
// due messages beside none or a million delivered ones, in rounds as well.

var (
	benchSeed   = flag.Int("bench.seed", 1_000_000, "payments in the seeded database (stored=1M); fewer for a quick try")
	benchRounds = flag.Int("bench.rounds", 1, "interleaved rounds of BenchmarkStore and BenchmarkClaimOutbox")
	benchWarmup = flag.Duration("bench.warmup", 3*time.Second,
		"how long the engine runs on each BenchmarkStore target, untimed, before its first round")
)

// TestMain removes the seeded database, which lives as long as the process
// (it is seeded once and shared by every stored=1M sub-benchmark).
func TestMain(m *testing.M) {
	code := m.Run()
	seeded.close()
	os.Exit(code)
}

func BenchmarkStore(b *testing.B) {
	full := seeded.get(b)
	storebench.Run(b, storebench.Options{Rounds: *benchRounds, Warmup: *benchWarmup},
		func(b *testing.B, _ int) []storebench.Target {
			empty := openEmpty(b)
			return []storebench.Target{
				{Name: "stored=0", Store: empty, SQL: sqlLifecycle(openSQL(b, empty)), Counters: processIO},
				{Name: storedName(), Store: full, SQL: sqlLifecycle(openSQL(b, full)), Counters: processIO},
			}
		})
}

// BenchmarkClaimOutbox measures the dispatcher's loop: claim 10 due
// messages with a lease, record the delivery of each, repeat; 100 messages
// are due at a time (refilled, off the clock, when all are delivered).
// claim-µs is the time of ClaimOutbox alone; with stored=1M a million
// delivered messages sit in the same table and must not slow it down.
// stored=0 is a fresh database every round.
func BenchmarkClaimOutbox(b *testing.B) {
	full := seeded.get(b)
	storebench.InterleaveCases(b, *benchRounds, "claim-µs", []string{"stored=0", storedName()}, nil,
		func(b *testing.B, _ int, name string) float64 {
			s := full
			if name == "stored=0" {
				s = openEmpty(b)
			}
			return benchClaims(b, s)
		})
}

// BenchmarkRefundHistory measures a refund and an inquiry of a payment
// with no earlier refund beside one with -bench.refunds of them
// (storebench.RefundHistory), in -bench.rounds interleaved rounds.
func BenchmarkRefundHistory(b *testing.B) {
	storebench.RefundHistory(b, *benchRounds, *benchRefunds, openEmpty(b))
}

var benchRefunds = flag.Int("bench.refunds", 4000, "earlier refunds of the payment in BenchmarkRefundHistory")

// storedName names the seeded target: stored=1M, unless -bench.seed says
// otherwise.
func storedName() string {
	if *benchSeed == 1_000_000 {
		return "stored=1M"
	}
	return fmt.Sprintf("stored=%d", *benchSeed)
}

// openEmpty opens a Store on a fresh database file, with the default
// (durable) options, closed when b ends.
func openEmpty(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// seeded is the stored=1M database of this process.
var seeded seededDB

type seededDB struct {
	once sync.Once
	dir  string
	s    *Store
	err  error
}

// get returns the seeded Store, seeding it on the first call. The seed
// runs inside the calling (parent) benchmark, before any timed run.
func (d *seededDB) get(b *testing.B) *Store {
	b.Helper()
	d.once.Do(func() {
		d.dir, d.err = os.MkdirTemp("", "paystate-sqlite-bench-")
		if d.err != nil {
			return
		}
		var took string
		d.s, took, d.err = openSeeded(filepath.Join(d.dir, "seeded.db"), *benchSeed)
		if d.err != nil {
			return
		}
		// Printed, not logged: the log of a parent benchmark is shown
		// only with -v.
		fmt.Fprintf(os.Stderr, "sqlite: seeded %d payments: %s\n", *benchSeed, took)
		plans, err := checkPlans(d.s)
		if testing.Verbose() || err != nil {
			b.Logf("sqlite: query plans on the seeded database:\n%s", plans)
		}
		d.err = err
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.s
}

func (d *seededDB) close() {
	if d.s != nil {
		_ = d.s.Close()
	}
	if d.dir != "" {
		_ = os.RemoveAll(d.dir)
	}
}

// seedBase is the time of the first seeded payment: seeded payments were
// created every 30 seconds from then on, a year before storebench's clock.
var seedBase = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)

// seedRows is the CTE the seed statements share: payment number i (1..?1)
// with its id, request id, creation and payment times (unix µs), amount,
// whether it was (partly) refunded and whether it is an authorization
// (every fourth, as in storebench.Authorization), with the ids and times
// of its two captures. The ids are made like engine.TimeOrderedID: 12 hex
// digits of the creation millisecond (unique per payment, 30 s apart; a
// payment's refund and captures 20, 21 and 22 s after one) and 20 that
// stand for the random part.
const seedRows = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
	s(i, id, rid, kid1, kid2, req, c, paid, k1, k2, rt, amt, refunded, auth) AS (SELECT i,
		printf('%012x%08x%08x%04x', c / 1000, (i * 2654435761) % 4294967296,
			(i * 2246822519) % 4294967296, (i * 3266489917) % 65536),
		printf('%012x%08x%08x%04x', rt / 1000,
			(i * 374761393) % 4294967296, (i * 1103515245) % 4294967296, (i * 2870177450 + 1) % 65536),
		printf('%012x%08x%08x%04x', k1 / 1000,
			(i * 2654435761 + 7) % 4294967296, (i * 1103515245 + 12345) % 4294967296, (i * 40503 + 3) % 65536),
		printf('%012x%08x%08x%04x', k2 / 1000,
			(i * 2246822519 + 11) % 4294967296, (i * 374761393 + 54321) % 4294967296, (i * 40503 + 5) % 65536),
		'seed-' || i, c, paid, k1, k2, rt,
		1000 + (i * 7919) % 99000,
		i % 10 = 0, i % 4 = 0
	FROM (SELECT i,
		?2 + i * 30000000 AS c,
		?2 + i * 30000000 + 20000000 AS paid,
		?2 + i * 30000000 + 21000000 AS k1,
		?2 + i * 30000000 + 22000000 AS k2,
		?2 + i * 30000000 + 20000000 + 86400000000 AS rt
	FROM n)) `

// fingerprint64 is 64 hex digits derived from i, standing for the sha256
// fingerprint the engine stores.
func fingerprint64(salt int) string {
	var parts []string
	for k := range 8 {
		parts = append(parts, fmt.Sprintf("(i * %d + %d) %% 4294967296", 2246822519+2*k*7919, salt+k))
	}
	return "printf('" + strings.Repeat("%08x", 8) + "', " + strings.Join(parts, ", ") + ")"
}

// seedStatements write what the engine writes for a cashier payment paid
// and notified (accept, confirm, debit_succeeded, a delivered result
// message); for every fourth payment an authorization instead, authorized
// and notified, then captured in two captures, the second taking the rest
// (accept, confirm, hold_placed, open_capture and capture_succeeded twice,
// capture_complete); and for every tenth payment a refund of a quarter of
// it (open_credit, credit_succeeded). Times are unix µs, 0 for the zero
// time; empty text columns hold the empty string, order_data NULL (no
// order data given).
var seedStatements = []string{
	seedRows + `INSERT INTO payments (` + paymentColumns + `)
	SELECT id, 'shop', req, ` + fingerprint64(1) + `, 'CASHIER', 'SUCCESS',
		'USD', amt, CASE WHEN refunded THEN amt / 4 ELSE 0 END, 0,
		'user-' || (i % 50000), 'Coffee beans', NULL, 'https://shop.example/notify', '', '', '',
		c, CASE WHEN refunded THEN rt + 1000000 WHEN auth THEN k2 ELSE paid END,
		CASE WHEN auth THEN k1 ELSE paid END, 0, c + 840000000,
		'', '', 0, 0, 1, 0, 3 + CASE WHEN auth THEN 4 ELSE 0 END + CASE WHEN refunded THEN 2 ELSE 0 END,
		'', CASE WHEN refunded THEN 1 ELSE 0 END, '',
		auth, CASE WHEN auth THEN id || '-1' ELSE '' END,
		CASE WHEN auth THEN paid ELSE 0 END, CASE WHEN auth THEN paid + 604800000000 ELSE 0 END,
		CASE WHEN auth THEN amt ELSE 0 END, 0, CASE WHEN auth THEN 2 ELSE 0 END, '', 0, 0
	FROM s`,

	seedRows + `INSERT INTO events (` + eventColumns + `)
	SELECT s.id, '', e.seq, s.c + e.off, CASE WHEN e.seq = 3 AND s.auth THEN 'hold_placed' ELSE e.name END,
		e.f, CASE WHEN e.seq = 3 AND s.auth THEN 'AUTHORIZED' ELSE e.t END,
		CASE WHEN e.seq = 2 THEN 'user user-' || (s.i % 50000) ELSE '' END
	FROM s CROSS JOIN (
		SELECT 1 AS seq, 'accept' AS name, 'NEW' AS f, 'ACCEPT' AS t, 0 AS off
		UNION ALL SELECT 2, 'confirm', 'ACCEPT', 'INIT', 10000000
		UNION ALL SELECT 3, 'debit_succeeded', 'INIT', 'SUCCESS', 20000000) e`,

	seedRows + `INSERT INTO outbox (` + outboxColumns + `)
	SELECT id || '.result', id, 'shop', req, 'payment_result', 'https://shop.example/notify',
		'SUCCESS', '', '', 'USD', amt, c, paid,
		paid, paid, 1, '', 0, paid + 150000, 0, '', '', '', '', '', ''
	FROM s`,

	seedRows + `INSERT INTO captures (` + captureColumns + `)
	SELECT CASE k.n WHEN 1 THEN kid1 ELSE kid2 END, id, 'shop', req || '-' || k.n, ` + fingerprint64(201) + `, 'USD',
		CASE k.n WHEN 1 THEN amt * 6 / 10 ELSE amt - amt * 6 / 10 END, k.n - 1, 'SUCCESS', 0, '', '', '',
		CASE k.n WHEN 1 THEN k1 ELSE k2 END, CASE k.n WHEN 1 THEN k1 ELSE k2 END, CASE k.n WHEN 1 THEN k1 ELSE k2 END, 0, 0
	FROM s CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
	WHERE auth`,

	seedRows + `INSERT INTO events (` + eventColumns + `)
	SELECT s.id, CASE e.capture WHEN 1 THEN s.kid1 WHEN 2 THEN s.kid2 ELSE '' END, e.seq,
		CASE WHEN e.capture = 1 THEN s.k1 ELSE s.k2 END, e.name, e.f, e.t, e.detail
	FROM s CROSS JOIN (
		SELECT 4 AS seq, 1 AS capture, 'open_capture' AS name, 'NEW' AS f, 'INIT' AS t, '' AS detail
		UNION ALL SELECT 5, 1, 'capture_succeeded', 'INIT', 'SUCCESS', ''
		UNION ALL SELECT 6, 2, 'open_capture', 'NEW', 'INIT', ''
		UNION ALL SELECT 7, 2, 'capture_succeeded', 'INIT', 'SUCCESS', ''
		UNION ALL SELECT 7, 0, 'capture_complete', 'AUTHORIZED', 'SUCCESS', 'captured in full') e
	WHERE s.auth`,

	seedRows + `INSERT INTO refunds (` + refundColumns + `)
	SELECT rid, id, 'shop', 'seed-r' || i, ` + fingerprint64(101) + `, 'USD', amt / 4,
		'', 'SUCCESS', '', '',
		rt, rt + 1000000, rt + 1000000, 0, 0, '', ''
	FROM s WHERE refunded`,

	seedRows + `INSERT INTO events (` + eventColumns + `)
	SELECT s.id, s.rid, e.seq + CASE WHEN s.auth THEN 4 ELSE 0 END, s.rt + e.off, e.name, e.f, e.t, ''
	FROM s CROSS JOIN (
		SELECT 4 AS seq, 'open_credit' AS name, 'NEW' AS f, 'INIT' AS t, 0 AS off
		UNION ALL SELECT 5, 'credit_succeeded', 'INIT', 'SUCCESS', 1000000) e
	WHERE s.refunded`,
}

// openSeeded creates the database at path with the Store's schema, fills
// it with n payments in one transaction on a connection of its own
// (synchronous and journal OFF, for the seed only), analyzes it, and opens
// it as a Store with the default options (WAL, synchronous FULL). took says how long each step lasted.
func openSeeded(path string, n int) (s *Store, took string, err error) {
	ctx := context.Background()
	start := time.Now()
	s, err = Open(ctx, path, Options{}) // creates the schema
	if err != nil {
		return nil, "", err
	}
	if err := s.Close(); err != nil {
		return nil, "", err
	}

	opts, _ := Options{}.withDefaults()
	opts.Synchronous = "OFF" // only this connection, only for the seed
	db, err := sql.Open("sqlite", dsn(path, opts))
	if err != nil {
		return nil, "", err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, "", err
	}
	defer conn.Close()
	// The seed's own connection: a 1 GB page cache, no journal (the
	// database is new: a failed seed fails the benchmark) and no foreign
	// key checks (the rows are consistent by construction); WAL mode comes
	// back before the Store opens the file.
	for _, pragma := range []string{`PRAGMA cache_size = -1048576`, `PRAGMA journal_mode = OFF`, `PRAGMA foreign_keys = OFF`} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			return nil, "", fmt.Errorf("seed: %s: %w", pragma, err)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, q := range seedStatements {
		if _, err := tx.ExecContext(ctx, q, n, seedBase.UnixMicro()); err != nil {
			return nil, "", fmt.Errorf("seed: %w\n%s", err, q)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, "", fmt.Errorf("seed: commit: %w", err)
	}
	inserted := time.Since(start)
	if _, err := conn.ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, "", fmt.Errorf("seed: analyze: %w", err)
	}
	analyzed := time.Since(start)
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil || mode != "wal" {
		return nil, "", fmt.Errorf("seed: back to WAL: %q %v", mode, err)
	}
	if err := errors.Join(conn.Close(), db.Close()); err != nil {
		return nil, "", err
	}

	s, err = Open(ctx, path, Options{})
	if err != nil {
		return nil, "", err
	}
	var counts []string
	for _, table := range []string{"payments", "refunds", "captures", "events", "outbox"} {
		var c int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&c); err != nil {
			return nil, "", errors.Join(err, s.Close())
		}
		counts = append(counts, fmt.Sprintf("%s %d", table, c))
	}
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	took = fmt.Sprintf("insert %v, +analyze %v, +reopen and count %v (%s; %d MB)",
		inserted.Round(time.Millisecond), (analyzed - inserted).Round(time.Millisecond),
		(time.Since(start) - analyzed).Round(time.Millisecond), strings.Join(counts, ", "), size>>20)
	return s, took, nil
}

// checkPlans explains every query of the Store on its database and checks
// each plan as TestQueriesUseIndexes does (planErrors), but with the
// statistics of the seeded database. It returns the plans.
func checkPlans(s *Store) (string, error) {
	ctx := context.Background()
	var out strings.Builder
	var errs []error
	for _, q := range allQueries {
		plan, err := explain(ctx, s.db, q)
		if err != nil {
			return out.String(), err
		}
		errs = append(errs, planErrors(q, plan)...)
		fmt.Fprintf(&out, "%s\n\t%s\n", strings.Join(strings.Fields(q), " "), strings.Join(plan, "\n\t"))
	}
	return out.String(), errors.Join(errs...)
}

// claimNow is the dispatcher's clock: storebench's.
var claimNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// claimBatches numbers the batches of due messages across runs on one
// database, to keep their ids unique.
var claimBatches atomic.Int64

// benchClaims returns the mean claim-µs.
func benchClaims(b *testing.B, s *Store) float64 {
	ctx := context.Background()
	const due, perClaim = 100, 10
	prepareClaims(b, s)
	refill := func() {
		id := fmt.Sprintf("due-%d-", claimBatches.Add(1))
		_, err := s.db.ExecContext(ctx, `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?1)
			INSERT INTO outbox (`+outboxColumns+`)
			SELECT ?2 || k, 'claim-anchor', 'shop', 'claim-anchor', 'payment_result', 'https://shop.example/notify',
				'SUCCESS', '', '', 'USD', 10000, ?3, ?3, ?3, ?3, 0, '', 0, 0, 0, '', '', '', '', '', ''
			FROM n`, due, id, micros(claimNow.Add(-time.Minute)))
		if err != nil {
			b.Fatal(err)
		}
	}
	var claiming time.Duration
	left := 0
	b.ResetTimer()
	for range b.N {
		if left == 0 {
			b.StopTimer()
			refill()
			left = due
			b.StartTimer()
		}
		t := time.Now()
		msgs, err := s.ClaimOutbox(ctx, "bench", claimNow, time.Minute, perClaim)
		claiming += time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		if len(msgs) != perClaim {
			b.Fatalf("claimed %d messages, want %d", len(msgs), perClaim)
		}
		for _, m := range msgs {
			if err := s.RecordDelivery(ctx, store.Delivery{MessageID: m.ID, Owner: "bench", At: claimNow, Delivered: true}); err != nil {
				b.Fatal(err)
			}
		}
		left -= perClaim
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
	claimMicros := float64(claiming.Microseconds()) / float64(b.N)
	b.ReportMetric(claimMicros, "claim-µs")
	return claimMicros
}

// prepareClaims makes sure no message is claimable (messages that
// BenchmarkStore's lifecycles left undelivered on the shared database are
// marked delivered, as a dispatcher would have done) and that the payment
// the due messages belong to exists.
func prepareClaims(b *testing.B, s *Store) {
	ctx := context.Background()
	if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET delivered_at = ?1, attempts = attempts + 1
		WHERE delivered_at = 0 AND parked = 0`, micros(claimNow.Add(-time.Hour))); err != nil {
		b.Fatal(err)
	}
	_, err := s.GetPayment(ctx, "claim-anchor")
	if !errors.Is(err, store.ErrNotFound) {
		if err != nil {
			b.Fatal(err)
		}
		return
	}
	t := claimNow.Add(-time.Hour)
	p := store.Payment{ID: "claim-anchor", PartnerID: "shop", RequestID: "claim-anchor", Fingerprint: "f",
		Scenario: "CASHIER", Status: "SUCCESS", Currency: "USD", Amount: 10_000, UserID: "alice",
		NotifyURL: "https://shop.example/notify", CreatedAt: t, UpdatedAt: t, PaidAt: t, ExpiresAt: t.Add(14 * time.Minute),
		OpCount: 1, Version: 1}
	if err := s.Commit(ctx, store.Change{Payment: p,
		Events: []store.Event{{PaymentID: p.ID, Seq: 1, At: t, Name: "debit_succeeded", From: "INIT", To: "SUCCESS"}}}); err != nil {
		b.Fatal(err)
	}
}
