package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store/storebench"
)

// This file is the "sql" baseline of BenchmarkStore: one payment's life
// (cashier pay, confirm, one partial refund; every fourth an authorization
// with two captures, see storebench.Authorization) as the SQL statements a Store
// runs for it, straight through database/sql on the Store's connections:
// no engine, no store.Store, no records. The statement texts are the
// Store's own (the q* variables), prepared here once; the arguments are
// built here, column by column, and rows are scanned into plain variables.
// TestSQLLifecycle checks that what it leaves behind reads back as the
// lifecycle the engine produces.
//
// Reads run as the Store's do: a payment and its refunds in one read
// transaction, a refund lookup as one statement. Writes run as the Store
// runs them (group.go): each change inside SAVEPOINT ... RELEASE, in a
// BEGIN IMMEDIATE transaction that also carries the changes of other
// workers that queued meanwhile (at most 64), one COMMIT and one fsync for
// all of them; writers take turns in Go. Without that grouping the
// baseline would pay an fsync per change and lose to the engine at 8
// workers, which would make it no bound at all.

// sqlStatements are the baseline's prepared statements on one *sql.DB.
type sqlStatements struct {
	db *sql.DB
	st map[string]*sql.Stmt

	slot    chan struct{} // the writer's turn
	queueMu sync.Mutex
	queue   []*sqlWrite
}

// sqlWrite is a change waiting for a group commit.
type sqlWrite struct {
	fn   func(tx *sql.Tx) error
	done chan error
}

func prepareSQL(ctx context.Context, db *sql.DB) (*sqlStatements, error) {
	s := &sqlStatements{db: db, st: map[string]*sql.Stmt{}, slot: make(chan struct{}, 1)}
	for _, q := range []string{
		qPaymentByRequest, qPaymentByID, qRefundByRequest, qCapturesOf, qCaptureByRequest,
		qInsertPayment, qUpdatePayment, qInsertRefund, qUpdateRefund, qInsertCapture, qUpdateCapture, qInsertEvent, qInsertOutbox,
		qSavepoint, qRelease, qRollbackTo,
	} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		s.st[q] = st
	}
	return s, nil
}

func (s *sqlStatements) close() {
	for _, st := range s.st {
		_ = st.Close()
	}
}

// sqlLifecycle returns the "sql" baseline on the database of st.
func sqlLifecycle(st *sqlStatements) storebench.Lifecycle {
	return func(ctx context.Context, i int64, now time.Time) error {
		auth := storebench.Authorization(i)
		req, id := fmt.Sprintf("s%d", i), engine.TimeOrderedID(now)
		p := sqlPayment{id: id, request: req, status: "ACCEPT", version: 1, created: now, expires: now.Add(14 * time.Minute), authorization: auth}

		// pay: look the request key up, create the payment waiting for the user
		if n, err := st.readPayment(ctx, qPaymentByRequest, "shop", req); err != nil || n != 0 {
			return fmt.Errorf("pay lookup: %d rows, %v", n, err)
		}
		if err := st.write(ctx, func(tx *sql.Tx) error {
			return errors.Join(
				st.exec(ctx, tx, qInsertPayment, p.values()...),
				st.exec(ctx, tx, qInsertEvent, sqlEvent(id, "", 1, now, "accept", "NEW", "ACCEPT", "")...))
		}); err != nil {
			return fmt.Errorf("pay: %w", err)
		}

		// confirm: load, start the debit (or the hold), record its success
		// with the notification
		if n, err := st.readPayment(ctx, qPaymentByID, id); err != nil || n != 1 {
			return fmt.Errorf("confirm load: %d rows, %v", n, err)
		}
		p.version, p.status, p.user, p.pendingOp, p.opID, p.opCount, p.nextCheck = 2, "INIT", "alice", "debit", id+"-1", 1, now.Add(time.Minute)
		if auth {
			p.pendingOp = "hold"
		}
		if err := st.write(ctx, func(tx *sql.Tx) error {
			if err := st.guarded(ctx, tx, qUpdatePayment, p.updateArgs()...); err != nil {
				return err
			}
			return st.exec(ctx, tx, qInsertEvent, sqlEvent(id, "", 2, now, "confirm", "ACCEPT", "INIT", "user alice")...)
		}); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
		succeeded := sqlEvent(id, "", 3, now, "debit_succeeded", "INIT", "SUCCESS", "")
		if auth {
			p.status, p.holdID, p.authorized, p.authExpires = "AUTHORIZED", p.opID, now, now.Add(engine.DefaultAuthExpiry)
			succeeded = sqlEvent(id, "", 3, now, "hold_placed", "INIT", "AUTHORIZED", "")
		} else {
			p.status, p.paid = "SUCCESS", now
		}
		p.version, p.pendingOp, p.opID, p.nextCheck = 3, "", "", time.Time{}
		if err := st.write(ctx, func(tx *sql.Tx) error {
			if err := st.guarded(ctx, tx, qUpdatePayment, p.updateArgs()...); err != nil {
				return err
			}
			return errors.Join(
				st.exec(ctx, tx, qInsertEvent, succeeded...),
				st.exec(ctx, tx, qInsertOutbox, id+".result", id, "shop", req, "payment_result", "https://shop.example/notify",
					"SUCCESS", "", "", "USD", int64(10_000), now.UnixMicro(), now.UnixMicro(),
					now.UnixMicro(), now.UnixMicro(), int64(0), "", int64(0), int64(0), int64(0), "", "", "", "", "", ""))
		}); err != nil {
			return fmt.Errorf("debit succeeded: %w", err)
		}
		if auth {
			// two captures: 6,000, then the other 4,000 as the last one
			if err := st.capture(ctx, &p, req+"-1", 6_000, false, now); err != nil {
				return err
			}
			if err := st.capture(ctx, &p, req+"-2", 4_000, true, now); err != nil {
				return err
			}
		}

		// refund: look the request key up, load the payment, hold, credit
		var r refundDest
		if err := st.st[qRefundByRequest].QueryRowContext(ctx, "shop", req).Scan(r.dest()...); !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("refund lookup: %v", err)
		}
		if n, err := st.readPayment(ctx, qPaymentByID, id); err != nil || n != 1 {
			return fmt.Errorf("refund load: %d rows, %v", n, err)
		}
		refundID := engine.TimeOrderedID(now)
		p.version, p.held, p.refunds = p.version+1, 2_500, 1
		refund := func(status string, finished time.Time) []any {
			return []any{refundID, id, "shop", req, storebench.Fingerprint, "USD", int64(2_500), "", status, "", "",
				now.UnixMicro(), now.UnixMicro(), us(finished), now.Add(time.Minute).UnixMicro(), int64(0), "", ""}
		}
		if err := st.write(ctx, func(tx *sql.Tx) error {
			if err := st.guarded(ctx, tx, qUpdatePayment, p.updateArgs()...); err != nil {
				return err
			}
			return errors.Join(
				st.exec(ctx, tx, qInsertRefund, refund("INIT", time.Time{})...),
				st.exec(ctx, tx, qInsertEvent, sqlEvent(id, refundID, p.version, now, "open_credit", "NEW", "INIT", "")...))
		}); err != nil {
			return fmt.Errorf("open credit: %w", err)
		}
		p.version, p.held, p.refunded = p.version+1, 0, 2_500
		if err := st.write(ctx, func(tx *sql.Tx) error {
			if err := st.guarded(ctx, tx, qUpdatePayment, p.updateArgs()...); err != nil {
				return err
			}
			// qUpdateRefund: the columns after the key, then id and payment
			if err := st.guarded(ctx, tx, qUpdateRefund, append(refund("SUCCESS", now)[4:], refundID, id)...); err != nil {
				return err
			}
			return st.exec(ctx, tx, qInsertEvent, sqlEvent(id, refundID, p.version, now, "credit_succeeded", "INIT", "SUCCESS", "")...)
		}); err != nil {
			return fmt.Errorf("credit succeeded: %w", err)
		}
		return nil
	}
}

// capture runs the statements of one capture of the authorization p, as
// the Store runs them for the engine: load the payment (with its captures
// once it has some), look the request key up, open the capture, record
// its success (and, when it takes the rest of the hold, the payment's
// SUCCESS).
func (st *sqlStatements) capture(ctx context.Context, p *sqlPayment, req string, amount int64, last bool, now time.Time) error {
	if n, err := st.readPayment(ctx, qPaymentByID, p.id); err != nil || n != 1 {
		return fmt.Errorf("capture load: %d rows, %v", n, err)
	}
	var k captureDest
	if err := st.st[qCaptureByRequest].QueryRowContext(ctx, "shop", req).Scan(k.dest()...); !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("capture lookup: %v", err)
	}
	captureID := engine.TimeOrderedID(now)
	p.version, p.captures, p.capturing = p.version+1, p.captures+1, p.capturing+amount
	if last {
		p.lastCapture = captureID
	}
	capture := func(status string, finished, nextCheck time.Time) []any {
		return []any{captureID, p.id, "shop", req, storebench.Fingerprint, "USD", amount, bit(last), status, int64(0), "", "", "",
			now.UnixMicro(), now.UnixMicro(), us(finished), us(nextCheck), int64(0)}
	}
	if err := st.write(ctx, func(tx *sql.Tx) error {
		if err := st.guarded(ctx, tx, qUpdatePayment, p.updateArgs()...); err != nil {
			return err
		}
		return errors.Join(
			st.exec(ctx, tx, qInsertCapture, capture("INIT", time.Time{}, now.Add(time.Minute))...),
			st.exec(ctx, tx, qInsertEvent, sqlEvent(p.id, captureID, p.version, now, "open_capture", "NEW", "INIT", "")...))
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
	if err := st.write(ctx, func(tx *sql.Tx) error {
		if err := st.guarded(ctx, tx, qUpdatePayment, p.updateArgs()...); err != nil {
			return err
		}
		// qUpdateCapture: the columns after the key, then id and payment
		if err := st.guarded(ctx, tx, qUpdateCapture, append(capture("SUCCESS", now, time.Time{})[4:], captureID, p.id)...); err != nil {
			return err
		}
		if err := st.exec(ctx, tx, qInsertEvent, sqlEvent(p.id, captureID, p.version, now, "capture_succeeded", "INIT", "SUCCESS", "")...); err != nil {
			return err
		}
		if complete {
			return st.exec(ctx, tx, qInsertEvent, sqlEvent(p.id, "", p.version, now, "capture_complete", "AUTHORIZED", "SUCCESS", "captured in full")...)
		}
		return nil
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
		p.user, "Coffee beans", []byte(nil), "https://shop.example/notify", "", "", "",
		us(p.created), us(p.created), us(p.paid), int64(0), us(p.expires),
		p.pendingOp, p.opID, us(p.nextCheck), int64(0), p.opCount, int64(0), p.version, "", p.refunds, "",
		bit(p.authorization), p.holdID, us(p.authorized), us(p.authExpires),
		p.captured, p.capturing, p.captures, p.lastCapture, int64(0), int64(0),
	}
}

// updateArgs are the arguments of qUpdatePayment: the columns after the
// key, then the id and the version before.
func (p *sqlPayment) updateArgs() []any {
	return append(p.values()[3:], p.id, p.version-1)
}

func sqlEvent(paymentID, refundID string, seq int64, t time.Time, name, from, to, detail string) []any {
	return []any{paymentID, refundID, seq, us(t), name, from, to, detail}
}

// us is a time column: unix microseconds, 0 for the zero time.
func us(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// write runs fn as one change of a group commit, as the Store's Commit
// does: queued, then applied by whichever writer gets the turn, together
// with the others queued by then.
func (s *sqlStatements) write(_ context.Context, fn func(tx *sql.Tx) error) error {
	w := &sqlWrite{fn: fn, done: make(chan error, 1)}
	s.queueMu.Lock()
	s.queue = append(s.queue, w)
	s.queueMu.Unlock()
	for {
		select {
		case err := <-w.done:
			return err
		case s.slot <- struct{}{}:
			s.queueMu.Lock()
			n := min(len(s.queue), maxBatch)
			batch := s.queue[:n:n]
			s.queue = s.queue[n:]
			s.queueMu.Unlock()
			if len(batch) > 0 {
				s.commitGroup(batch)
			}
			<-s.slot
		}
	}
}

// commitGroup applies batch in one transaction, each change in a
// savepoint (rolled back alone when it fails), and answers every change.
func (s *sqlStatements) commitGroup(batch []*sqlWrite) {
	ctx := context.Background()
	fail := func(err error, ws []*sqlWrite) {
		for _, w := range ws {
			w.done <- err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (the DSN's _txlock)
	if err != nil {
		fail(err, batch)
		return
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var applied []*sqlWrite
	for i, w := range batch {
		if err := s.exec(ctx, tx, qSavepoint); err != nil {
			fail(err, append(applied, batch[i:]...))
			return
		}
		err := w.fn(tx)
		if err == nil {
			err = s.exec(ctx, tx, qRelease)
		}
		if err == nil {
			applied = append(applied, w)
			continue
		}
		w.done <- err
		if rb := errors.Join(s.exec(ctx, tx, qRollbackTo), s.exec(ctx, tx, qRelease)); rb != nil {
			fail(rb, append(applied, batch[i+1:]...))
			return
		}
	}
	fail(tx.Commit(), applied)
}

func (s *sqlStatements) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	_, err := tx.StmtContext(ctx, s.st[query]).ExecContext(ctx, args...)
	return err
}

// guarded runs an UPDATE ... RETURNING partner_id, request_id and fails
// when it returns no row, as Commit's guards do.
func (s *sqlStatements) guarded(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	var partnerID, requestID string
	err := tx.StmtContext(ctx, s.st[query]).QueryRowContext(ctx, args...).Scan(&partnerID, &requestID)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("guarded update matched no row")
	}
	return err
}

// readPayment reads a payment in a read transaction, with its captures
// when its capture count says it has some, as the Store's LoadPayment does
// when no refund is asked for, and returns the number of payments found.
func (s *sqlStatements) readPayment(ctx context.Context, query string, args ...any) (int, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var p paymentDest
	err = tx.StmtContext(ctx, s.st[query]).QueryRowContext(ctx, args...).Scan(p.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if p.auth[5] == 0 { // capture_count
		return 1, nil
	}
	rows, err := tx.StmtContext(ctx, s.st[qCapturesOf]).QueryContext(ctx, p.text[0])
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var k captureDest
	for rows.Next() {
		if err := rows.Scan(k.dest()...); err != nil {
			return 0, err
		}
	}
	return 1, rows.Err()
}

// paymentDest and refundDest are scan targets for paymentSelect and
// refundSelect.
type paymentDest struct {
	text                           [19]string
	amount, refunded, held         int64
	checks, ops, version, refunds  int64
	orderData                      []byte
	created, updated, paid, closed int64
	expires, nextCheck, cancelled  int64
	auth                           [8]int64 // authorization columns but the two texts
	dataIsNull                     bool
}

func (p *paymentDest) dest() []any {
	t := &p.text
	return []any{
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5],
		&t[6], &p.amount, &p.refunded, &p.held,
		&t[7], &t[8], &p.orderData, &t[9], &t[10], &t[11], &t[12],
		&p.created, &p.updated, &p.paid, &p.closed, &p.expires,
		&t[13], &t[14], &p.nextCheck, &p.checks, &p.ops, &p.cancelled, &p.version,
		&t[15], &p.refunds, &t[16],
		&p.auth[0], &t[17], &p.auth[1], &p.auth[2], &p.auth[3], &p.auth[4], &p.auth[5], &t[18], &p.auth[6], &p.auth[7],
		&p.dataIsNull,
	}
}

type refundDest struct {
	text                                [12]string
	amount, checks                      int64
	created, updated, finished, nextDue int64
}

func (r *refundDest) dest() []any {
	t := &r.text
	return []any{
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &r.amount,
		&t[6], &t[7], &t[8], &t[9],
		&r.created, &r.updated, &r.finished, &r.nextDue, &r.checks, &t[10], &t[11],
	}
}

type captureDest struct {
	text                                [10]string
	amount, last, notify, checks        int64
	created, updated, finished, nextDue int64
}

func (k *captureDest) dest() []any {
	t := &k.text
	return []any{
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &k.amount,
		&k.last, &t[6], &k.notify, &t[7], &t[8], &t[9],
		&k.created, &k.updated, &k.finished, &k.nextDue, &k.checks,
	}
}

// openSQL prepares the baseline's statements on s's database, closed when
// tb ends.
func openSQL(tb testing.TB, s *Store) *sqlStatements {
	tb.Helper()
	st, err := prepareSQL(context.Background(), s.db)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(st.close)
	return st
}

// TestSQLLifecycle checks that the "sql" baseline writes what the engine
// writes (storebench.CheckLifecycle).
func TestSQLLifecycle(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sql.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	storebench.CheckLifecycle(t, s, sqlLifecycle(openSQL(t, s)), func(i int64) string { return fmt.Sprintf("s%d", i) })
}
