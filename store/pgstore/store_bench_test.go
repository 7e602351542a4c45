package pgstore

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/storebench"
)

// The throughput requirement, measured on this backend:
//
//	scripts/with-postgres.sh go test -run XXX -bench 'BenchmarkStore|BenchmarkClaimOutbox' ./store/pgstore/
//
// BenchmarkStore runs storebench.Run: the engine beside the
// "store" baseline (the same store calls, no engine) and the "sql" baseline
// (the Store's SQL statements sent straight through pgx, sql_bench_test.go),
// at 1 and 8 workers, on an empty schema (stored=0, a fresh one every
// round) and on one that already holds a million finished payments with
// their history and delivered notifications (stored=1M), in -bench.rounds
// interleaved rounds, with a summary of medians and ratios at the end.
// BenchmarkClaimOutbox claims and delivers due messages beside none or a
// million delivered ones, in rounds as well.
//
// These benchmarks live in package pgstore (they seed with SQL on the
// Store's own tables, issue its statements directly and explain every query
// the Store runs), which cannot import pgstoretest (it imports pgstore):
// benchDSN and benchSchema do its part here.

// benchPoolSize is the pool of every benchmark Store: enough for 8 workers.
const benchPoolSize = 8

var (
	benchSeed   = flag.Int("bench.seed", 1_000_000, "payments in the seeded schema (stored=1M); fewer for a quick try")
	benchRounds = flag.Int("bench.rounds", 1, "interleaved rounds of BenchmarkStore and BenchmarkClaimOutbox")
	benchWarmup = flag.Duration("bench.warmup", 3*time.Second,
		"how long the engine runs on each BenchmarkStore target, untimed, before its first round")
)

// TestMain drops the seeded schema, which lives as long as the process (it
// is seeded once and shared by every stored=1M sub-benchmark).
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
				{Name: "stored=0", Store: empty, SQL: sqlLifecycle(empty), Counters: serverCounters},
				{Name: storedName(), Store: full, SQL: sqlLifecycle(full), Counters: serverCounters},
			}
		})
}

// BenchmarkClaimOutbox measures the dispatcher's loop: claim 10 due
// messages with a lease, record the delivery of each, repeat; 100 messages
// are due at a time (refilled, off the clock, when all are delivered).
// claim-µs is the time of ClaimOutbox alone; with stored=1M a million
// delivered messages sit in the same table and must not slow it down.
// stored=0 is a fresh schema every round.
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

// benchDSN is the test database (PAYSTATE_PG_DSN, as pgstoretest.DSN): the
// benchmark is skipped without one, except in CI.
func benchDSN(b testing.TB) string {
	b.Helper()
	dsn := os.Getenv("PAYSTATE_PG_DSN")
	if dsn == "" {
		const why = "PAYSTATE_PG_DSN is not set: run the benchmark under scripts/with-postgres.sh"
		if os.Getenv("CI") == "true" {
			b.Fatal(why + " (CI=true: PostgreSQL benchmarks must run)")
		}
		b.Skip(why)
	}
	return dsn
}

// benchSchema returns a fresh schema name (created by Open).
func benchSchema() string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	return "paystate_bench_" + hex.EncodeToString(r[:])
}

// openStore opens a Store on schema with a pool of benchPoolSize; Close
// closes the pool.
func openStore(ctx context.Context, dsn, schema string) (*Store, error) {
	return openStoreWith(ctx, dsn, benchPoolSize, Options{Schema: schema})
}

// openStoreWith opens a Store with opts and a pool of poolSize; Close
// closes the pool.
func openStoreWith(ctx context.Context, dsn string, poolSize int32, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = poolSize
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s, err := New(ctx, pool, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownsPool = true
	addBenchPool(pool)
	return s, nil
}

// dropSchema drops schema and everything in it, on a connection of its own.
func dropSchema(dsn, schema string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return err
}

// openEmpty opens a Store on a fresh schema, closed and dropped when b ends.
func openEmpty(b *testing.B) *Store {
	b.Helper()
	dsn := benchDSN(b)
	schema := benchSchema()
	s, err := openStore(context.Background(), dsn, schema)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		removeBenchPool(s.pool)
		s.Close()
		if err := dropSchema(dsn, schema); err != nil {
			b.Error(err)
		}
	})
	return s
}

// seeded is the stored=1M schema of this process.
var seeded seededSchema

type seededSchema struct {
	once   sync.Once
	dsn    string
	schema string
	s      *Store
	err    error
}

// get returns the seeded Store, seeding it on the first call. The seed
// runs inside the calling (parent) benchmark, before any timed run.
func (d *seededSchema) get(b *testing.B) *Store {
	b.Helper()
	dsn := benchDSN(b)
	d.once.Do(func() {
		d.dsn, d.schema = dsn, benchSchema()
		var took string
		d.s, took, d.err = openSeeded(dsn, d.schema, *benchSeed)
		if d.err != nil {
			return
		}
		// Printed, not logged: the log of a parent benchmark is shown
		// only with -v.
		fmt.Fprintf(os.Stderr, "postgres: seeded %d payments: %s\n", *benchSeed, took)
		plans, err := checkPlans(d.s)
		if testing.Verbose() || err != nil {
			b.Logf("postgres: query plans on the seeded schema:\n%s", plans)
		}
		d.err = err
	})
	if d.err != nil {
		b.Fatal(d.err)
	}
	return d.s
}

func (d *seededSchema) close() {
	if d.s != nil {
		d.s.Close()
	}
	if d.schema != "" {
		if err := dropSchema(d.dsn, d.schema); err != nil {
			fmt.Fprintf(os.Stderr, "pgstore benchmark: drop seeded schema %s: %v\n", d.schema, err)
		}
	}
}

// seedBase is the time of the first seeded payment: seeded payments were
// created every 30 seconds from then on, a year before storebench's clock.
var seedBase = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)

// seedStatements write, for payments 1..$1 created from $2 on, what the
// engine writes for a cashier payment paid and notified (accept, confirm,
// debit_succeeded, a delivered result message); for every fourth payment
// an authorization instead (storebench.Authorization), authorized and
// notified, then captured in two captures, the second taking the rest
// (accept, confirm, hold_placed, open_capture and capture_succeeded twice,
// capture_complete); and for every tenth payment a refund of a quarter of
// it (open_credit, credit_succeeded). Ids are made like
// engine.TimeOrderedID: 12 hex digits of the creation millisecond (unique
// per payment, 30 s apart; a payment's refund and captures 20, 21 and 22 s
// after one) and 20 that stand for the random part. Times follow the
// schema: a zero time is NULL, except in the due columns where it is
// '-infinity'.
func seedStatements(schema string) []string {
	t := func(table string) string { return qualify(schema, table) }
	cols := func(names []string) string { return strings.Join(names, ", ") }
	const rows = ` FROM (SELECT i, c, paid, k1, k2, rt, amt, refunded, auth, 'seed-' || i AS req,
			lpad(to_hex((extract(epoch FROM c) * 1000)::bigint), 12, '0') || substr(md5('pay' || i), 1, 20) AS id,
			lpad(to_hex((extract(epoch FROM rt) * 1000)::bigint), 12, '0') || substr(md5('ref' || i), 1, 20) AS rid,
			lpad(to_hex((extract(epoch FROM k1) * 1000)::bigint), 12, '0') || substr(md5('cap1' || i), 1, 20) AS kid1,
			lpad(to_hex((extract(epoch FROM k2) * 1000)::bigint), 12, '0') || substr(md5('cap2' || i), 1, 20) AS kid2
		FROM (SELECT i,
			$2::timestamptz + i * interval '30 seconds' AS c,
			$2::timestamptz + i * interval '30 seconds' + interval '20 seconds' AS paid,
			$2::timestamptz + i * interval '30 seconds' + interval '21 seconds' AS k1,
			$2::timestamptz + i * interval '30 seconds' + interval '22 seconds' AS k2,
			$2::timestamptz + i * interval '30 seconds' + interval '20 seconds' + interval '1 day' AS rt,
			1000 + (i * 7919) % 99000 AS amt, i % 10 = 0 AS refunded, i % 4 = 0 AS auth
		FROM generate_series(1, $1::bigint) i) t) s`
	return []string{
		`INSERT INTO ` + t("payments") + ` (` + cols(paymentColumns) + `)
		SELECT id, 'shop', req, md5('fp' || i) || md5('fq' || i), 'CASHIER', 'SUCCESS',
			'USD', amt, CASE WHEN refunded THEN amt / 4 ELSE 0 END, 0,
			'user-' || (i % 50000), 'Coffee beans', NULL, 'https://shop.example/notify', '', '', '',
			c, CASE WHEN refunded THEN rt + interval '1 second' WHEN auth THEN k2 ELSE paid END,
			CASE WHEN auth THEN k1 ELSE paid END, NULL, c + interval '14 minutes',
			'', '', '-infinity', 0, 1, NULL, 3 + CASE WHEN auth THEN 4 ELSE 0 END + CASE WHEN refunded THEN 2 ELSE 0 END,
			'', CASE WHEN refunded THEN 1 ELSE 0 END, '',
			auth, CASE WHEN auth THEN id || '-1' ELSE '' END,
			CASE WHEN auth THEN paid END, CASE WHEN auth THEN paid + interval '7 days' ELSE '-infinity' END,
			CASE WHEN auth THEN amt ELSE 0 END, 0, CASE WHEN auth THEN 2 ELSE 0 END, '', false, false` + rows,

		`INSERT INTO ` + t("events") + ` (` + cols(eventColumns) + `)
		SELECT s.id, '', e.seq, s.c + e.off, CASE WHEN e.seq = 3 AND s.auth THEN 'hold_placed' ELSE e.name END,
			e.f, CASE WHEN e.seq = 3 AND s.auth THEN 'AUTHORIZED' ELSE e.t END,
			CASE WHEN e.seq = 2 THEN 'user user-' || (s.i % 50000) ELSE '' END` + rows + `
		CROSS JOIN (VALUES (1, 'accept', 'NEW', 'ACCEPT', interval '0'),
			(2, 'confirm', 'ACCEPT', 'INIT', interval '10 seconds'),
			(3, 'debit_succeeded', 'INIT', 'SUCCESS', interval '20 seconds')) e (seq, name, f, t, off)`,

		`INSERT INTO ` + t("outbox") + ` (` + cols(outboxColumns) + `)
		SELECT id || '.result', id, 'shop', req, 'payment_result', 'https://shop.example/notify',
			'SUCCESS', '', '', 'USD', amt, c, paid,
			paid, paid, 1, '', NULL, paid + interval '150 milliseconds', false, '', '', '', '', '', ''` + rows,

		`INSERT INTO ` + t("captures") + ` (` + cols(captureColumns) + `)
		SELECT CASE k.n WHEN 1 THEN kid1 ELSE kid2 END, id, 'shop', req || '-' || k.n, md5('kf' || i) || md5('kg' || i), 'USD',
			CASE k.n WHEN 1 THEN amt * 6 / 10 ELSE amt - amt * 6 / 10 END, k.n = 2, 'SUCCESS', false, '', '', '',
			CASE k.n WHEN 1 THEN k1 ELSE k2 END, CASE k.n WHEN 1 THEN k1 ELSE k2 END, CASE k.n WHEN 1 THEN k1 ELSE k2 END,
			'-infinity', 0` + rows + `
		CROSS JOIN (VALUES (1), (2)) k (n)
		WHERE s.auth
		ORDER BY s.i, k.n`,

		`INSERT INTO ` + t("events") + ` (` + cols(eventColumns) + `)
		SELECT s.id, CASE e.capture WHEN 1 THEN s.kid1 WHEN 2 THEN s.kid2 ELSE '' END, e.seq,
			CASE e.capture WHEN 1 THEN s.k1 ELSE s.k2 END, e.name, e.f, e.t, e.detail` + rows + `
		CROSS JOIN (VALUES (4, 1, 'open_capture', 'NEW', 'INIT', ''),
			(5, 1, 'capture_succeeded', 'INIT', 'SUCCESS', ''),
			(6, 2, 'open_capture', 'NEW', 'INIT', ''),
			(7, 2, 'capture_succeeded', 'INIT', 'SUCCESS', ''),
			(7, 0, 'capture_complete', 'AUTHORIZED', 'SUCCESS', 'captured in full')) e (seq, capture, name, f, t, detail)
		WHERE s.auth`,

		`INSERT INTO ` + t("refunds") + ` (` + cols(refundColumns) + `)
		SELECT rid, id, 'shop', 'seed-r' || i, md5('rf' || i) || md5('rg' || i), 'USD', amt / 4,
			'', 'SUCCESS', '', '',
			rt, rt + interval '1 second', rt + interval '1 second', '-infinity', 0, '', ''` + rows + `
		WHERE refunded`,

		`INSERT INTO ` + t("events") + ` (` + cols(eventColumns) + `)
		SELECT s.id, s.rid, e.seq + CASE WHEN s.auth THEN 4 ELSE 0 END, s.rt + e.off, e.name, e.f, e.t, ''` + rows + `
		CROSS JOIN (VALUES (4, 'open_credit', 'NEW', 'INIT', interval '0'),
			(5, 'credit_succeeded', 'INIT', 'SUCCESS', interval '1 second')) e (seq, name, f, t, off)
		WHERE s.refunded`,
	}
}

// openSeeded creates schema with the Store's tables, fills it with n
// payments in one transaction on a connection of its own (synchronous_commit
// off for the seed only), vacuums and analyzes it as autovacuum eventually
// would, checkpoints, and returns a Store on it. took says how long each
// step lasted.
func openSeeded(dsn, schema string, n int) (s *Store, took string, err error) {
	ctx := context.Background()
	start := time.Now()
	s, err = openStore(ctx, dsn, schema) // creates the schema
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if err != nil {
			s.Close()
			s = nil
		}
	}()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET synchronous_commit = off"); err != nil {
		return nil, "", err
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, q := range seedStatements(schema) {
			if _, err := tx.Exec(ctx, q, n, seedBase); err != nil {
				return fmt.Errorf("seed: %w\n%s", err, q)
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	inserted := time.Since(start)
	tables := []string{"payments", "refunds", "captures", "events", "outbox"}
	for _, table := range tables {
		if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) "+qualify(schema, table)); err != nil {
			return nil, "", fmt.Errorf("seed: vacuum %s: %w", table, err)
		}
	}
	analyzed := time.Since(start)
	checkpoint := "checkpoint"
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		checkpoint = fmt.Sprintf("no checkpoint (%v)", err)
	}
	var counts []string
	for _, table := range tables {
		var c int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+qualify(schema, table)).Scan(&c); err != nil {
			return nil, "", err
		}
		counts = append(counts, fmt.Sprintf("%s %d", table, c))
	}
	var size int64
	if err := conn.QueryRow(ctx, `SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`, schema).Scan(&size); err != nil {
		return nil, "", err
	}
	took = fmt.Sprintf("insert %v, +vacuum analyze %v, +%s and count %v (%s; %d MB)",
		inserted.Round(time.Millisecond), (analyzed - inserted).Round(time.Millisecond), checkpoint,
		(time.Since(start) - analyzed).Round(time.Millisecond), strings.Join(counts, ", "), size>>20)
	return s, took, nil
}

// planCases is every statement of s with realistic arguments (ids of
// seeded rows): the lookups, listings and guarded writes of
// QueryCasesForTest and the inserts and updates of Commit. It fails when a
// statement of s.q is missing, so that a new query cannot go unexplained.
func planCases(s *Store) ([]QueryCase, error) {
	sum := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	pid, rid := sum("pay10"), sum("ref10")
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	p := store.Payment{ID: pid, PartnerID: "shop", RequestID: "seed-10", Fingerprint: "f", Scenario: "CASHIER",
		Status: "SUCCESS", Currency: "USD", Amount: 10_000, CreatedAt: now, UpdatedAt: now, PaidAt: now, Version: 6}
	r := store.Refund{ID: rid, PaymentID: pid, PartnerID: "shop", RequestID: "seed-r10", Fingerprint: "f", Currency: "USD",
		Amount: 100, Status: "SUCCESS", CreatedAt: now, UpdatedAt: now, FinishedAt: now}
	e := store.Event{PaymentID: pid, Seq: 6, At: now, Name: "confirm", From: "ACCEPT", To: "INIT"}
	k := store.Capture{ID: pid + ".k", PaymentID: pid, PartnerID: "shop", RequestID: "seed-k10", Fingerprint: "f", Currency: "USD",
		Amount: 100, Status: "INIT", CreatedAt: now, UpdatedAt: now, NextCheckAt: now}
	m := store.OutboxMessage{ID: pid + ".x", PaymentID: pid, PartnerID: "shop", RequestID: "seed-10", Kind: "payment_result",
		Status: "SUCCESS", Currency: "USD", Amount: 10_000, CreatedAt: now, NextAttemptAt: now}
	cases := []QueryCase{
		{"insertPayment", s.q.insertPayment, paymentValues(&p)},
		{"updatePayment", s.q.updatePayment, append([]any{p.ID, int64(5)}, paymentValues(&p)[paymentKeyColumns:]...)},
		{"insertRefund", s.q.insertRefund, refundValues(&r)},
		{"updateRefund", s.q.updateRefund, append([]any{r.ID, r.PaymentID}, refundValues(&r)[refundKeyColumns:]...)},
		{"insertCapture", s.q.insertCapture, captureValues(&k)},
		{"insertEvent", s.q.insertEvent, eventValues(&e)},
		{"insertOutbox", s.q.insertOutbox, outboxValues(&m)},
	}
	for _, c := range s.QueryCasesForTest() {
		for i, a := range c.Args { // the seeded ids instead of made-up ones
			switch a {
			case "pay-1":
				c.Args[i] = pid
			case "req-1":
				c.Args[i] = "seed-10"
			case "ref-1":
				c.Args[i] = rid
			case "rreq-1":
				c.Args[i] = "seed-r10"
			case "msg-1":
				c.Args[i] = pid + ".result"
			}
		}
		cases = append(cases, c)
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.SQL] = true
	}
	q := reflect.ValueOf(s.q)
	for i := range q.NumField() {
		if !covered[q.Field(i).String()] {
			return nil, fmt.Errorf("query %s has no plan case", q.Type().Field(i).Name)
		}
	}
	return cases, nil
}

var paramRE = regexp.MustCompile(`\$(\d+)`)

// checkPlans explains every statement of s on its schema, twice: with its
// arguments (the custom plan) and as a generic plan (PREPARE with
// plan_cache_mode force_generic_plan, as pgx's cached statements may end up
// running). No plan may read a table sequentially. It returns the plans.
func checkPlans(s *Store) (string, error) {
	ctx := context.Background()
	cases, err := planCases(s)
	if err != nil {
		return "", err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Release()
	var out strings.Builder
	var errs []error
	for i, c := range cases {
		rows, err := conn.Query(ctx, "EXPLAIN "+c.SQL, c.Args...)
		if err != nil {
			return out.String(), fmt.Errorf("explain %s: %w", c.Name, err)
		}
		custom, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return out.String(), fmt.Errorf("explain %s: %w", c.Name, err)
		}

		nparams := 0
		for _, m := range paramRE.FindAllStringSubmatch(c.SQL, -1) {
			n, _ := strconv.Atoi(m[1])
			nparams = max(nparams, n)
		}
		nulls := strings.TrimSuffix(strings.Repeat("NULL, ", nparams), ", ")
		name := fmt.Sprintf("bench_plan_%d", i)
		var generic []string
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_generic_plan"); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "PREPARE "+name+" AS "+c.SQL); err != nil {
				return err
			}
			exec := "EXPLAIN EXECUTE " + name
			if nparams > 0 {
				exec += "(" + nulls + ")"
			}
			rows, err := tx.Query(ctx, exec, pgx.QueryExecModeSimpleProtocol)
			if err != nil {
				return err
			}
			generic, err = pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, "DEALLOCATE "+name)
			return err
		})
		if err != nil {
			return out.String(), fmt.Errorf("explain generic %s: %w", c.Name, err)
		}
		for kind, plan := range map[string][]string{"custom": custom, "generic": generic} {
			if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") {
				errs = append(errs, fmt.Errorf("%s plan of %s reads a table sequentially:\n%s", kind, c.Name, p))
			}
		}
		fmt.Fprintf(&out, "%s:\n    custom:\n      %s\n    generic:\n      %s\n", c.Name,
			strings.Join(custom, "\n      "), strings.Join(generic, "\n      "))
	}
	return out.String(), errors.Join(errs...)
}

// claimNow is the dispatcher's clock: storebench's.
var claimNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// claimBatches numbers the batches of due messages across runs on one
// schema, to keep their ids unique.
var claimBatches atomic.Int64

// benchClaims returns the mean claim-µs.
func benchClaims(b *testing.B, s *Store) float64 {
	ctx := context.Background()
	const due, perClaim = 100, 10
	prepareClaims(b, s)
	refill := func() {
		id := fmt.Sprintf("due-%d-", claimBatches.Add(1))
		_, err := s.pool.Exec(ctx, `INSERT INTO `+qualify(s.schema, "outbox")+` (`+strings.Join(outboxColumns, ", ")+`)
			SELECT $1::text || k, 'claim-anchor', 'shop', 'claim-anchor', 'payment_result', 'https://shop.example/notify',
				'SUCCESS', '', '', 'USD', 10000, $2::timestamptz, $2, $2, $2, 0, '', NULL, NULL, false, '', '', '', '', '', ''
			FROM generate_series(1, $3::int) k`, id, claimNow.Add(-time.Minute), due)
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
// BenchmarkStore's lifecycles left undelivered on the shared schema are
// marked delivered, as a dispatcher would have done) and that the payment
// the due messages belong to exists. A table holding delivered messages is
// vacuumed first, as autovacuum would have done by then (migration 0003):
// otherwise the dead row versions of earlier rounds' claims would pile up
// in the claim index of the shared schema, and not in the fresh one.
func prepareClaims(b *testing.B, s *Store) {
	ctx := context.Background()
	outbox := qualify(s.schema, "outbox")
	_, err := s.pool.Exec(ctx, `UPDATE `+outbox+` SET delivered_at = $1, attempts = attempts + 1,
		lease_owner = '', lease_until = NULL WHERE delivered_at IS NULL AND NOT parked`, claimNow.Add(-time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	// Only with delivered messages: a vacuum of a fresh, empty table would
	// tell the planner that it is empty for good, and the plans cached
	// while it grows would scan it.
	var delivered bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+outbox+` WHERE delivered_at IS NOT NULL)`).Scan(&delivered); err != nil {
		b.Fatal(err)
	}
	if delivered {
		if _, err := s.pool.Exec(ctx, `VACUUM `+outbox); err != nil {
			b.Fatal(err)
		}
	}
	_, err = s.GetPayment(ctx, "claim-anchor")
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
