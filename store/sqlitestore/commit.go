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
	return s.commitQueued(ctx, &c)
}

// apply writes c in tx.
func (s *Store) apply(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	if err := s.writePayment(ctx, tx, c); err != nil {
		return err
	}
	if err := s.writeRefunds(ctx, tx, c); err != nil {
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

// writeRefunds inserts c's new refunds and updates its changed ones.
func (s *Store) writeRefunds(ctx context.Context, tx *sql.Tx, c *store.Change) error {
	if len(c.NewRefunds) > 0 {
		st, err := s.stmt(ctx, tx, qInsertRefund)
		if err != nil {
			return err
		}
		for i := range c.NewRefunds {
			r := &c.NewRefunds[i]
			if _, err := st.ExecContext(ctx, refundArgs(r)...); err != nil {
				return insertError(fmt.Sprintf("create refund %q (request %s/%s)", r.ID, r.PartnerID, r.RequestID), err)
			}
		}
	}
	if len(c.UpdatedRefunds) == 0 {
		return nil
	}
	st, err := s.stmt(ctx, tx, qUpdateRefund)
	if err != nil {
		return err
	}
	for i := range c.UpdatedRefunds {
		r := &c.UpdatedRefunds[i]
		args := append(refundArgs(r)[4:], r.ID, c.Payment.ID)
		var partnerID, requestID string
		err := st.QueryRowContext(ctx, args...).Scan(&partnerID, &requestID)
		if errors.Is(err, sql.ErrNoRows) {
			return s.refundMismatch(ctx, tx, r.ID, c.Payment.ID)
		}
		if err != nil {
			return fmt.Errorf("sqlitestore: update refund %q: %w", r.ID, err)
		}
		if partnerID != r.PartnerID || requestID != r.RequestID {
			return fmt.Errorf("sqlitestore: update refund %q: request key %s/%s cannot change to %s/%s",
				r.ID, partnerID, requestID, r.PartnerID, r.RequestID)
		}
	}
	return nil
}

// refundMismatch explains why the update of refund id, guarded by
// paymentID, matched no row.
func (s *Store) refundMismatch(ctx context.Context, tx *sql.Tx, id, paymentID string) error {
	st, err := s.stmt(ctx, tx, qRefundOwner)
	if err != nil {
		return err
	}
	var owner string
	switch err := st.QueryRowContext(ctx, id).Scan(&owner); {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlitestore: update refund %q: no such refund", id)
	case err != nil:
		return fmt.Errorf("sqlitestore: update refund %q: %w", id, err)
	}
	return fmt.Errorf("sqlitestore: update refund %q: stored refund belongs to payment %q, not %q", id, owner, paymentID)
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
