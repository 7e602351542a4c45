package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paystate/paystate/store"
)

var (
	qInsertPayment = insertInto("payments", paymentColumns)
	// The request key (partner_id, request_id) is never updated; RETURNING
	// hands it back so Commit can refuse a change of it.
	qUpdatePayment = `UPDATE payments SET ` + assignments(paymentColumns, 3) +
		` WHERE id = ? AND version = ? RETURNING partner_id, request_id`
	qPaymentVersion = `SELECT version FROM payments WHERE id = ?`

	qInsertRefund = insertInto("refunds", refundColumns)
	// Guarded by payment_id: a Change updates only its own payment's refunds.
	qUpdateRefund = `UPDATE refunds SET ` + assignments(refundColumns, 4) +
		` WHERE id = ? AND payment_id = ? RETURNING partner_id, request_id`
	qRefundOwner = `SELECT payment_id FROM refunds WHERE id = ?`

	qInsertCapture = insertInto("captures", captureColumns)
	qUpdateCapture = `UPDATE captures SET ` + assignments(captureColumns, 4) +
		` WHERE id = ? AND payment_id = ? RETURNING partner_id, request_id`
	qCaptureOwner = `SELECT payment_id FROM captures WHERE id = ?`

	qInsertEvent  = insertInto("events", eventColumns)
	qInsertOutbox = insertInto("outbox", outboxColumns)
)

// Commit applies c atomically, as store.PaymentStore documents. A c that
// breaks a rule of c.Validate is refused with its error before it joins a
// transaction. Otherwise the payment is inserted (ExpectedVersion 0) or
// updated where its stored version is c.ExpectedVersion, then the refunds,
// events and outbox messages are written. A stale or missing version is
// store.ErrConflict, a taken id or request key store.ErrAlreadyExists (from
// SQLite's unique indexes, so concurrent twins are decided by the
// database). On any error nothing of c remains; on success c is durable (at
// the Options' Synchronous level) before Commit returns. Concurrent Commits
// share transactions (see group.go) without sharing their fate; a Commit
// whose ctx ends while it is queued still waits (at most one batch) to
// learn whether it was applied.
func (s *Store) Commit(ctx context.Context, c store.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.commitQueued(ctx, func() string { return fmt.Sprintf("commit %q", c.Payment.ID) },
		func(ctx context.Context, tx *sql.Tx) error { return s.apply(ctx, tx, &c) })
}

// CommitFunc runs fn in one of the Store's write transactions, for code
// that keeps its own tables in the Store's database file (a ledger, say)
// and wants its writes to share the Store's group commits instead of
// queueing for SQLite's write lock with transactions of its own. fn runs
// in a savepoint, beside the Store's queued Commits, with the transaction
// tx. fn must use only tx (not the *sql.DB, whose other connections would
// wait for this very transaction), must not commit or roll it back, must
// not call the Store's writing methods (they would queue behind fn's own
// batch), and must run its statements with the ctx it is given: SQLite
// rolls back the whole transaction, every write sharing it included, when
// a write statement is interrupted, which a cancelled context does. On a
// *sql.DB whose connections do not begin transactions IMMEDIATE, fn's
// first statement that touches a table should be a write.
//
// When fn returns an error, everything fn wrote is rolled back and
// CommitFunc returns that error; the writes committed with it are not
// affected. When fn returns nil, its writes are durable (at the Options'
// Synchronous level) before CommitFunc returns nil. An error of the shared
// transaction itself is returned wrapped, and then nothing of fn remains.
// Like Commit, a CommitFunc whose ctx ends while queued still waits (at
// most one batch) to learn whether fn's writes were applied; fn's ctx is
// not cancelled by it. op names the write in error messages.
func (s *Store) CommitFunc(ctx context.Context, op string, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.commitQueued(ctx, func() string { return op }, fn)
}

// apply writes c in tx.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	if err := s.writePayment(ctx, tx, c); err != nil {
		return err
	}
	if err := writeChildren(ctx, s, tx, c.Payment.ID, refundTable, c.NewRefunds, c.UpdatedRefunds); err != nil {
		return err
	}
	if err := writeChildren(ctx, s, tx, c.Payment.ID, captureTable, c.NewCaptures, c.UpdatedCaptures); err != nil {
		return err
	}
	if err := s.writeCounters(ctx, tx, c); err != nil {
		return err
	}
	return s.writeEventsAndOutbox(ctx, tx, c)
}

// writePayment inserts or version-checks and updates c's payment. For the
// first Change of a transaction it is the first statement, and a write, so
// it takes SQLite's write lock before anything is read.
func (s *Store) writePayment(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	p := &c.Payment
	if c.ExpectedVersion == 0 {
		st, err := s.stmt(ctx, tx, qInsertPayment)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, paymentArgs(p)...); err != nil {
			return insertError(fmt.Sprintf("create payment %q (request %s/%s)", p.ID, p.PartnerID, p.RequestID), err)
		}
		return nil
	}

	st, err := s.stmt(ctx, tx, qUpdatePayment)
	if err != nil {
		return err
	}
	args := append(paymentArgs(p)[3:], p.ID, c.ExpectedVersion)
	var partnerID, requestID string
	err = st.QueryRowContext(ctx, args...).Scan(&partnerID, &requestID)
	if errors.Is(err, sql.ErrNoRows) {
		return s.conflict(ctx, tx, c)
	}
	if err != nil {
		return fmt.Errorf("sqlitestore: update payment %q: %w", p.ID, err)
	}
	if partnerID != p.PartnerID || requestID != p.RequestID {
		return fmt.Errorf("sqlitestore: update payment %q: request key %s/%s cannot change to %s/%s",
			p.ID, partnerID, requestID, p.PartnerID, p.RequestID)
	}
	return nil
}

// conflict explains why c's version-checked update matched no row.
func (s *Store) conflict(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	st, err := s.stmt(ctx, tx, qPaymentVersion)
	if err != nil {
		return err
	}
	var stored int64
	switch err := st.QueryRowContext(ctx, c.Payment.ID).Scan(&stored); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlitestore: update payment %q: missing: %w", c.Payment.ID, store.ErrConflict)
	case err != nil:
		return fmt.Errorf("sqlitestore: update payment %q: %w", c.Payment.ID, err)
	}
	return fmt.Errorf("sqlitestore: update payment %q: stored version %d, expected %d: %w",
		c.Payment.ID, stored, c.ExpectedVersion, store.ErrConflict)
}

// child describes one table of a payment's child records (refunds,
// captures) to writeChildren.
type child[T any] struct {
	name                  string // "refund", "capture", in messages
	insert, update, owner string // the table's queries
	args                  func(*T) []any
	key                   func(*T) (id, partnerID, requestID string)
}

var (
	refundTable = child[store.Refund]{"refund", qInsertRefund, qUpdateRefund, qRefundOwner, refundArgs,
		func(r *store.Refund) (string, string, string) { return r.ID, r.PartnerID, r.RequestID }}
	captureTable = child[store.Capture]{"capture", qInsertCapture, qUpdateCapture, qCaptureOwner, captureArgs,
		func(k *store.Capture) (string, string, string) { return k.ID, k.PartnerID, k.RequestID }}
)

// writeChildren inserts created and updates updated, child records of
// paymentID in table t. An update is guarded by payment_id (a Change
// updates only its own payment's records) and never changes a request key.
func writeChildren[T any](ctx context.Context, s *Store, tx *sql.Tx, paymentID string, t child[T], created, updated []T) error {
	if len(created) > 0 {
		st, err := s.stmt(ctx, tx, t.insert)
		if err != nil {
			return err
		}
		for i := range created {
			if _, err := st.ExecContext(ctx, t.args(&created[i])...); err != nil {
				id, partnerID, requestID := t.key(&created[i])
				return insertError(fmt.Sprintf("create %s %q (request %s/%s)", t.name, id, partnerID, requestID), err)
			}
		}
	}
	if len(updated) == 0 {
		return nil
	}
	st, err := s.stmt(ctx, tx, t.update)
	if err != nil {
		return err
	}
	for i := range updated {
		id, wantPartner, wantRequest := t.key(&updated[i])
		args := append(t.args(&updated[i])[4:], id, paymentID)
		var partnerID, requestID string
		err := st.QueryRowContext(ctx, args...).Scan(&partnerID, &requestID)
		if errors.Is(err, sql.ErrNoRows) {
			return s.childMismatch(ctx, tx, t.name, t.owner, id, paymentID)
		}
		if err != nil {
			return fmt.Errorf("sqlitestore: update %s %q: %w", t.name, id, err)
		}
		if partnerID != wantPartner || requestID != wantRequest {
			return fmt.Errorf("sqlitestore: update %s %q: request key %s/%s cannot change to %s/%s",
				t.name, id, partnerID, requestID, wantPartner, wantRequest)
		}
	}
	return nil
}

// childMismatch explains why the update of the child record id (a refund
// or capture, found by ownerQuery), guarded by paymentID, matched no row.
func (s *Store) childMismatch(ctx context.Context, tx *sql.Tx, name, ownerQuery, id, paymentID string) error {
	st, err := s.stmt(ctx, tx, ownerQuery)
	if err != nil {
		return err
	}
	var owner string
	switch err := st.QueryRowContext(ctx, id).Scan(&owner); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlitestore: update %s %q: no such %s", name, id, name)
	case err != nil:
		return fmt.Errorf("sqlitestore: update %s %q: %w", name, id, err)
	}
	return fmt.Errorf("sqlitestore: update %s %q: stored %s belongs to payment %q, not %q", name, id, name, owner, paymentID)
}

// writeEventsAndOutbox appends c's history events and outbox messages.
func (s *Store) writeEventsAndOutbox(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	if len(c.Events) > 0 {
		st, err := s.stmt(ctx, tx, qInsertEvent)
		if err != nil {
			return err
		}
		for i := range c.Events {
			if _, err := st.ExecContext(ctx, eventArgs(&c.Events[i])...); err != nil {
				return fmt.Errorf("sqlitestore: commit %q: insert event %d (%s): %w", c.Payment.ID, i, c.Events[i].Name, err)
			}
		}
	}
	if len(c.Outbox) > 0 {
		st, err := s.stmt(ctx, tx, qInsertOutbox)
		if err != nil {
			return err
		}
		for i := range c.Outbox {
			m := &c.Outbox[i]
			if _, err := st.ExecContext(ctx, outboxArgs(m)...); err != nil {
				return insertError(fmt.Sprintf("insert outbox message %q", m.ID), err)
			}
		}
	}
	return nil
}
