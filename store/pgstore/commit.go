package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store"
)

// Commit applies c atomically, as documented on store.PaymentStore and
// store.Change. A c that breaks a rule of c.Validate is refused with its
// error before anything is sent. Otherwise a created payment is inserted,
// an updated one is replaced only while its stored version is
// c.ExpectedVersion (store.ErrConflict otherwise), and the refunds,
// captures, events and outbox messages of c are written with it. A taken id or request key
// is store.ErrAlreadyExists. On any error nothing of c is applied, except
// that an error which matches none of the store's sentinels may also mean
// that the outcome is unknown (the connection broke while COMMIT was on
// its way): reload to learn it. On success c is committed before Commit
// returns.
//
// Concurrent Commits of one Store share transactions (see batch.go) unless
// Options.SeparateCommits is set; each still succeeds or fails on its own.
// A Commit whose ctx ends while it waits in the queue is withdrawn and
// returns ctx's error; once its transaction has started it waits for the
// outcome.
//
// A Commit refused because its connection's server takes no writes (a
// standby after a failover) applied nothing: Commit then drops the pool's
// connections and tries once more on a new one (see ConfigureFailover), and
// returns the error if that fails too.
func (s *Store) Commit(ctx context.Context, c store.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	err := s.commitRouted(ctx, &c)
	if err != nil && s.refusedAsReadOnly(err) {
		err = s.commitRouted(ctx, &c)
		s.refusedAsReadOnly(err)
	}
	return err
}

// commitRouted is one attempt of Commit: in a transaction of its own, or
// queued to share one.
func (s *Store) commitRouted(ctx context.Context, c *store.Change) error {
	if s.separateCommits {
		return s.commitAlone(ctx, c)
	}
	return s.commitQueued(ctx, c)
}

// commitAlone applies c in a transaction of its own, in two round trips:
// BEGIN and every write go out as one pipelined batch, then COMMIT (or
// ROLLBACK).
func (s *Store) commitAlone(ctx context.Context, c *store.Change) error {
	s.commitTxs.Add(1)
	w := &commitWrites{paymentID: c.Payment.ID}
	b := &pgx.Batch{}
	// READ COMMITTED whatever the server's default: the version guard
	// relies on UPDATE re-checking a row another transaction just changed.
	b.BeginTx(pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	s.queueWrites(b, c, w)

	br := s.pool.SendBatch(ctx, b)
	tx := br.Tx()
	err := br.Close()
	if err == nil {
		err = w.refused
	}
	if err != nil {
		// When the rollback cannot be sent (a cancelled ctx, a broken
		// connection) pgx closes the connection, the pool discards it and
		// the server rolls the transaction back.
		_ = tx.Rollback(ctx)
		if w.refused != nil {
			return w.refused // decided on the guard, whatever failed after it
		}
		return commitError(c.Payment.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return commitError(c.Payment.ID, err)
	}
	return nil
}

// queueWrites queues every write of c on b, with w checking the guarded
// updates as their results arrive.
func (s *Store) queueWrites(b *pgx.Batch, c *store.Change, w *commitWrites) {
	p := &c.Payment
	if c.ExpectedVersion == 0 {
		b.Queue(s.q.insertPayment, paymentValues(p)...)
	} else {
		args := append([]any{p.ID, c.ExpectedVersion}, paymentValues(p)[paymentKeyColumns:]...)
		b.Queue(s.q.updatePayment, args...).QueryRow(w.checkPaymentUpdate(p, c.ExpectedVersion))
	}
	for i := range c.NewRefunds {
		b.Queue(s.q.insertRefund, refundValues(&c.NewRefunds[i])...)
	}
	for i := range c.UpdatedRefunds {
		r := &c.UpdatedRefunds[i]
		args := append([]any{r.ID, r.PaymentID}, refundValues(r)[refundKeyColumns:]...)
		b.Queue(s.q.updateRefund, args...).QueryRow(w.checkChildUpdate("refund", r.ID, r.PartnerID, r.RequestID))
	}
	for i := range c.NewCaptures {
		b.Queue(s.q.insertCapture, captureValues(&c.NewCaptures[i])...)
	}
	for i := range c.UpdatedCaptures {
		k := &c.UpdatedCaptures[i]
		args := append([]any{k.ID, k.PaymentID}, captureValues(k)[captureKeyColumns:]...)
		b.Queue(s.q.updateCapture, args...).QueryRow(w.checkChildUpdate("capture", k.ID, k.PartnerID, k.RequestID))
	}
	s.queueCounters(b, w, c)
	for i := range c.Events {
		b.Queue(s.q.insertEvent, eventValues(&c.Events[i])...)
	}
	for i := range c.Outbox {
		b.Queue(s.q.insertOutbox, outboxValues(&c.Outbox[i])...)
	}
}

// commitWrites checks the guarded updates of one Commit as their results
// arrive. The checks record why the change is refused instead of failing
// the batch, so that a conflict (the common case under contention) is told
// apart from errors of the statements queued after it, which run anyway.
type commitWrites struct {
	paymentID string
	refused   error // the first guard that failed
}

// refuse records err as the reason the commit fails, unless one is known.
func (w *commitWrites) refuse(err error) {
	if w.refused == nil {
		w.refused = err
	}
}

func (w *commitWrites) checkPaymentUpdate(p *store.Payment, expected int64) func(pgx.Row) error {
	return func(row pgx.Row) error {
		var partnerID, requestID string
		err := row.Scan(&partnerID, &requestID)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			w.refuse(fmt.Errorf("pgstore: update payment %q: no such payment at version %d: %w", p.ID, expected, store.ErrConflict))
		case err != nil:
			return err
		case partnerID != p.PartnerID || requestID != p.RequestID:
			w.refuse(fmt.Errorf("pgstore: update payment %q: request key %s/%s cannot change to %s/%s",
				p.ID, partnerID, requestID, p.PartnerID, p.RequestID))
		}
		return nil
	}
}

// checkChildUpdate checks the update of a refund or a capture (kind) of
// the payment: the row must exist under it and keep its request key.
func (w *commitWrites) checkChildUpdate(kind, id, partnerID, requestID string) func(pgx.Row) error {
	return func(row pgx.Row) error {
		var storedPartnerID, storedRequestID string
		err := row.Scan(&storedPartnerID, &storedRequestID)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			w.refuse(fmt.Errorf("pgstore: update %s %q: payment %q has no such %s", kind, id, w.paymentID, kind))
		case err != nil:
			return err
		case storedPartnerID != partnerID || storedRequestID != requestID:
			w.refuse(fmt.Errorf("pgstore: update %s %q: request key %s/%s cannot change to %s/%s",
				kind, id, storedPartnerID, storedRequestID, partnerID, requestID))
		}
		return nil
	}
}
