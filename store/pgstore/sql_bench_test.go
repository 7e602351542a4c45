package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store/storebench"
)

// This file is the "sql" baseline of BenchmarkStore: one payment's life
// (cashier pay, confirm, one partial refund; every fourth an authorization
// with two captures, see storebench.Authorization) as the SQL statements a Store
// sends for it, in the same transactions and round trips, straight through
// pgx: no engine, no store.Store, no records. The statement texts are the
// Store's own (s.q), so the baseline cannot drift from what the Store runs;
// the arguments are built here, column by column, and rows are scanned
// into plain variables. TestSQLLifecycle checks that what it leaves behind
// reads back as the lifecycle the engine produces.

// sqlLifecycle returns the "sql" baseline on s's pool and schema.
func sqlLifecycle(s *Store) storebench.Lifecycle {
	pool, q := s.pool, s.q
	return func(ctx context.Context, i int64, now time.Time) error {
		auth := storebench.Authorization(i)
		req, id := fmt.Sprintf("s%d", i), engine.TimeOrderedID(now)
		p := sqlPayment{id: id, request: req, status: "ACCEPT", version: 1, created: now, expires: now.Add(14 * time.Minute), authorization: auth}

		// pay: look the request key up, create the payment waiting for the user
		if n, err := readPayment(ctx, pool, false, q.loadPaymentByReq, "shop", req); err != nil || n != 0 {
			return fmt.Errorf("pay lookup: %d rows, %v", n, err)
		}
		if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
			b.Queue(q.insertPayment, p.values()...)
			b.Queue(q.insertEvent, eventArgs(id, "", 1, now, "accept", "NEW", "ACCEPT", "")...)
		}); err != nil {
			return fmt.Errorf("pay: %w", err)
		}

		// confirm: load, start the debit (or the hold), record its success
		// with the notification
		if n, err := readPayment(ctx, pool, true, q.loadPayment, id, ""); err != nil || n != 1 {
			return fmt.Errorf("confirm load: %d rows, %v", n, err)
		}
		p.version, p.status, p.user, p.pendingOp, p.opID, p.opCount, p.nextCheck = 2, "INIT", "alice", "debit", id+"-1", 1, now.Add(time.Minute)
		if auth {
			p.pendingOp = "hold"
		}
		if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
			queueGuarded(b, q.updatePayment, p.updateArgs()...)
			b.Queue(q.insertEvent, eventArgs(id, "", 2, now, "confirm", "ACCEPT", "INIT", "user alice")...)
		}); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
		succeeded := eventArgs(id, "", 3, now, "debit_succeeded", "INIT", "SUCCESS", "")
		if auth {
			p.status, p.holdID, p.authorized, p.authExpires = "AUTHORIZED", p.opID, now, now.Add(engine.DefaultAuthExpiry)
			succeeded = eventArgs(id, "", 3, now, "hold_placed", "INIT", "AUTHORIZED", "")
		} else {
			p.status, p.paid = "SUCCESS", now
		}
		p.version, p.pendingOp, p.opID, p.nextCheck = 3, "", "", time.Time{}
		if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
			queueGuarded(b, q.updatePayment, p.updateArgs()...)
			b.Queue(q.insertEvent, succeeded...)
			b.Queue(q.insertOutbox, id+".result", id, "shop", req, "payment_result", "https://shop.example/notify",
				"SUCCESS", "", "", "USD", int64(10_000), at(now), at(now), at(now), due(now),
				int64(0), "", null, null, false, "", "", "", "", "", "")
		}); err != nil {
			return fmt.Errorf("debit succeeded: %w", err)
		}
		if auth {
			// two captures: 6,000, then the other 4,000 as the last one
			if err := sqlCapture(ctx, pool, q, &p, req+"-1", 6_000, false, now); err != nil {
				return err
			}
			if err := sqlCapture(ctx, pool, q, &p, req+"-2", 4_000, true, now); err != nil {
				return err
			}
		}

		// refund: look the request key up, load the payment, hold, credit
		var r refundDest
		if err := pool.QueryRow(ctx, q.refundByRequest, "shop", req).Scan(r.dest()...); !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("refund lookup: %v", err)
		}
		if n, err := readPayment(ctx, pool, true, q.loadPayment, id, ""); err != nil || n != max(1, int(p.captures)) {
			return fmt.Errorf("refund load: %d rows, %v", n, err)
		}
		refundID := engine.TimeOrderedID(now)
		p.version, p.held, p.refunds = p.version+1, 2_500, 1
		refund := func(status string, finished, nextCheck time.Time) []any {
			return []any{refundID, id, "shop", req, storebench.Fingerprint, "USD", int64(2_500), "", status, "", "",
				at(now), at(now), at(finished), due(nextCheck), int64(0), "", ""}
		}
		if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
			queueGuarded(b, q.updatePayment, p.updateArgs()...)
			b.Queue(q.insertRefund, refund("INIT", time.Time{}, now.Add(time.Minute))...)
			b.Queue(q.insertEvent, eventArgs(id, refundID, p.version, now, "open_credit", "NEW", "INIT", "")...)
		}); err != nil {
			return fmt.Errorf("open credit: %w", err)
		}
		p.version, p.held, p.refunded = p.version+1, 0, 2_500
		if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
			queueGuarded(b, q.updatePayment, p.updateArgs()...)
			// updateRefund: $1 id, $2 payment, then the columns after the key
			queueGuarded(b, q.updateRefund, append([]any{refundID, id}, refund("SUCCESS", now, now.Add(time.Minute))[refundKeyColumns:]...)...)
			b.Queue(q.insertEvent, eventArgs(id, refundID, p.version, now, "credit_succeeded", "INIT", "SUCCESS", "")...)
		}); err != nil {
			return fmt.Errorf("credit succeeded: %w", err)
		}
		return nil
	}
}

// sqlCapture sends the statements of one capture of the authorization p,
// as the Store sends them for the engine: load the payment (with its
// captures once it has some), look the request key up, open the capture,
// record its success (and, when it takes the rest of the hold, the
// payment's SUCCESS).
func sqlCapture(ctx context.Context, pool *pgxpool.Pool, q queries, p *sqlPayment, req string, amount int64, last bool, now time.Time) error {
	// one row per capture, or one for the payment alone
	if n, err := readPayment(ctx, pool, true, q.loadPayment, p.id, ""); err != nil || n != max(1, int(p.captures)) {
		return fmt.Errorf("capture load: %d rows, %v", n, err)
	}
	var k captureDest
	if err := pool.QueryRow(ctx, q.captureByRequest, "shop", req).Scan(k.dest()...); !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("capture lookup: %v", err)
	}
	captureID := engine.TimeOrderedID(now)
	p.version, p.captures, p.capturing = p.version+1, p.captures+1, p.capturing+amount
	if last {
		p.lastCapture = captureID
	}
	capture := func(status string, finished, nextCheck time.Time) []any {
		return []any{captureID, p.id, "shop", req, storebench.Fingerprint, "USD", amount, last, status, false, "", "", "",
			at(now), at(now), at(finished), due(nextCheck), int64(0)}
	}
	if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
		queueGuarded(b, q.updatePayment, p.updateArgs()...)
		b.Queue(q.insertCapture, capture("INIT", time.Time{}, now.Add(time.Minute))...)
		b.Queue(q.insertEvent, eventArgs(p.id, captureID, p.version, now, "open_capture", "NEW", "INIT", "")...)
	}); err != nil {
		return fmt.Errorf("open capture: %w", err)
	}
	p.version, p.capturing, p.captured, p.lastCapture = p.version+1, p.capturing-amount, p.captured+amount, ""
	if p.paid.IsZero() {
		p.paid = now
	}
	complete := p.captured == 10_000
	if complete {
		p.status = "SUCCESS"
	}
	if err := sqlCommit(ctx, pool, func(b *pgx.Batch) {
		queueGuarded(b, q.updatePayment, p.updateArgs()...)
		// updateCapture: $1 id, $2 payment, then the columns after the key
		queueGuarded(b, q.updateCapture, append([]any{captureID, p.id}, capture("SUCCESS", now, time.Time{})[captureKeyColumns:]...)...)
		b.Queue(q.insertEvent, eventArgs(p.id, captureID, p.version, now, "capture_succeeded", "INIT", "SUCCESS", "")...)
		if complete {
			b.Queue(q.insertEvent, eventArgs(p.id, "", p.version, now, "capture_complete", "AUTHORIZED", "SUCCESS", "captured in full")...)
		}
	}); err != nil {
		return fmt.Errorf("capture succeeded: %w", err)
	}
	return nil
}

// sqlPayment is the state of the baseline's payment: what changes over
// its life, the rest is constant.
type sqlPayment struct {
	id, request, status, user, pendingOp, opID, holdID, lastCapture string
	refunded, held, opCount, version, refunds                       int64
	captured, capturing, captures                                   int64
	authorization                                                   bool
	created, expires, paid, nextCheck, authorized, authExpires      time.Time
}

// values are the payments columns in paymentColumns order.
func (p *sqlPayment) values() []any {
	return []any{
		p.id, "shop", p.request, storebench.Fingerprint, "CASHIER", p.status,
		"USD", int64(10_000), p.refunded, p.held,
		p.user, "Coffee beans", []byte(nil), "https://shop.example/notify", "",
		"", "",
		at(p.created), at(p.created), at(p.paid), null, due(p.expires),
		p.pendingOp, p.opID, due(p.nextCheck), int64(0), p.opCount,
		null, p.version, "", p.refunds, "",
		p.authorization, p.holdID, at(p.authorized), due(p.authExpires),
		p.captured, p.capturing, p.captures, p.lastCapture,
		false, false,
	}
}

// updateArgs are the arguments of updatePayment: $1 id, $2 the version
// before, then the columns after the key.
func (p *sqlPayment) updateArgs() []any {
	return append([]any{p.id, p.version - 1}, p.values()[paymentKeyColumns:]...)
}

func eventArgs(paymentID, refundID string, seq int64, t time.Time, name, from, to, detail string) []any {
	return []any{paymentID, refundID, seq, at(t), name, from, to, detail}
}

// at is a time column (a zero time is NULL), due a "due" column (a zero
// time is '-infinity'), as the schema stores them.
func at(t time.Time) pgtype.Timestamptz { return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()} }

func due(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

var null = pgtype.Timestamptz{}

// errGuard is a guarded update that matched no row.
var errGuard = errors.New("guarded update matched no row")

// queueGuarded queues an UPDATE ... RETURNING partner_id, request_id and
// fails the commit when it returns no row, as Commit's guards do.
func queueGuarded(b *pgx.Batch, sql string, args ...any) {
	b.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
		var partnerID, requestID string
		if err := row.Scan(&partnerID, &requestID); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return errGuard
			}
			return err
		}
		return nil
	})
}

// sqlCommit sends one transaction as Commit does: BEGIN ISOLATION LEVEL
// READ COMMITTED and the writes in one pipelined batch, then COMMIT.
func sqlCommit(ctx context.Context, pool *pgxpool.Pool, queue func(b *pgx.Batch)) error {
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	queue(b)
	br := pool.SendBatch(ctx, b)
	tx := br.Tx()
	if err := br.Close(); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}

// readPayment runs one of the Store's payment queries (with the refund and
// capture columns of its LEFT JOIN when withChildren) and scans every row;
// it returns the number of rows.
func readPayment(ctx context.Context, pool *pgxpool.Pool, withChildren bool, sql string, args ...any) (int, error) {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var p paymentDest
	var r refundDest
	var c captureDest
	dest := p.dest()
	if withChildren {
		dest = append(append(dest, r.dest()...), c.dest()...)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// paymentDest, refundDest and captureDest are scan targets for the
// payments and the (LEFT JOINed, so nullable) refunds and captures
// columns.
type paymentDest struct {
	text                               [19]string
	amount, refunded, held             int64
	checks, ops, version, refunds      int64
	captured, capturing, captures      int64
	authorization, autoCapture, notify bool
	orderData                          []byte
	created, updated, paid             pgtype.Timestamptz
	closed, expires, nextCheck         pgtype.Timestamptz
	cancelled, authorized, authExpires pgtype.Timestamptz
}

func (p *paymentDest) dest() []any {
	t := &p.text
	return []any{
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5],
		&t[6], &p.amount, &p.refunded, &p.held,
		&t[7], &t[8], &p.orderData, &t[9], &t[10],
		&t[11], &t[12],
		&p.created, &p.updated, &p.paid, &p.closed, &p.expires,
		&t[13], &t[14], &p.nextCheck, &p.checks, &p.ops,
		&p.cancelled, &p.version, &t[15], &p.refunds, &t[16],
		&p.authorization, &t[17], &p.authorized, &p.authExpires,
		&p.captured, &p.capturing, &p.captures, &t[18],
		&p.autoCapture, &p.notify,
	}
}

type refundDest struct {
	text                               [12]pgtype.Text
	amount, checks                     pgtype.Int8
	created, updated, finished, nextAt pgtype.Timestamptz
}

func (r *refundDest) dest() []any {
	t := &r.text
	return []any{
		&t[0], &t[1], &t[2], &t[3],
		&t[4], &t[5], &r.amount, &t[6], &t[7],
		&t[8], &t[9],
		&r.created, &r.updated, &r.finished,
		&r.nextAt, &r.checks, &t[10], &t[11],
	}
}

type captureDest struct {
	text                               [10]pgtype.Text
	amount, checks                     pgtype.Int8
	last, notify                       pgtype.Bool
	created, updated, finished, nextAt pgtype.Timestamptz
}

func (c *captureDest) dest() []any {
	t := &c.text
	return []any{
		&t[0], &t[1], &t[2], &t[3],
		&t[4], &t[5], &c.amount, &c.last, &t[6], &c.notify, &t[7],
		&t[8], &t[9],
		&c.created, &c.updated, &c.finished,
		&c.nextAt, &c.checks,
	}
}

// benchPools are the pools of the benchmark's Stores, whose sessions'
// pending statistics serverCounters flushes.
var benchPools struct {
	sync.Mutex
	pools []*pgxpool.Pool
}

func addBenchPool(p *pgxpool.Pool) {
	benchPools.Lock()
	defer benchPools.Unlock()
	benchPools.pools = append(benchPools.pools, p)
}

func removeBenchPool(p *pgxpool.Pool) {
	benchPools.Lock()
	defer benchPools.Unlock()
	for i, q := range benchPools.pools {
		if q == p {
			benchPools.pools = append(benchPools.pools[:i], benchPools.pools[i+1:]...)
			return
		}
	}
}

// serverCounters reads, server-wide: the WAL written (bytes, from the WAL
// insert position, exact), the full-page images in it (pg_stat_wal) and the
// reads of blocks that were not in shared_buffers (pg_stat_database; from
// the OS cache or the disk). The cumulative statistics are sent by each
// session at most once a second, so the idle sessions of every benchmark
// pool are asked to send theirs first.
func serverCounters(ctx context.Context) (map[string]float64, error) {
	benchPools.Lock()
	pools := append([]*pgxpool.Pool(nil), benchPools.pools...)
	benchPools.Unlock()
	var conn *pgxpool.Conn
	for _, p := range pools {
		for _, c := range p.AcquireAllIdle(ctx) {
			if _, err := c.Exec(ctx, "SELECT pg_stat_force_next_flush()"); err != nil {
				c.Release()
				return nil, err
			}
			if conn == nil {
				conn = c
			} else {
				c.Release()
			}
		}
	}
	if conn == nil {
		return nil, errors.New("server counters: no idle connection")
	}
	defer conn.Release()
	var walBytes, fpi, reads float64
	err := conn.QueryRow(ctx, `SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::float8,
		(SELECT wal_fpi::float8 FROM pg_stat_wal),
		(SELECT blks_read::float8 FROM pg_stat_database WHERE datname = current_database())`).Scan(&walBytes, &fpi, &reads)
	if err != nil {
		return nil, fmt.Errorf("server counters: %w", err)
	}
	return map[string]float64{"WAL-KB/op": walBytes / 1024, "FPI/op": fpi, "blk-reads/op": reads}, nil
}

// TestSQLLifecycle checks that the "sql" baseline writes what the engine
// writes (storebench.CheckLifecycle), on a fresh schema.
func TestSQLLifecycle(t *testing.T) {
	dsn := benchDSN(t)
	schema := benchSchema()
	s, err := openStore(context.Background(), dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := dropSchema(dsn, schema); err != nil {
			t.Error(err)
		}
	})
	storebench.CheckLifecycle(t, s, sqlLifecycle(s), func(i int64) string { return fmt.Sprintf("s%d", i) })
}
