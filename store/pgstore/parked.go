package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store"
)

// ParkedOutbox returns up to limit parked, undelivered messages, oldest
// CreatedAt first, ties by ID, starting after the message with id after
// ("" for the start; the message need not be parked any more). It returns
// store.ErrNotFound when no message has id after, and an empty slice when
// there are no more parked messages. A limit of zero or less returns none.
//
// A page after a cursor costs two statements: the cursor's key (its
// CreatedAt, which never changes), then the page from that key on.
func (s *Store) ParkedOutbox(ctx context.Context, after string, limit int) ([]store.OutboxMessage, error) {
	fromAt := dueTime(time.Time{}) // '-infinity': before every message
	if after != "" {
		err := s.pool.QueryRow(ctx, s.q.outboxParkedKey, after).Scan(&fromAt)
		if errors.Is(err, pgx.ErrNoRows) {
			err = store.ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("pgstore: parked outbox after %q: %w", after, err)
		}
	}
	if limit <= 0 {
		return []store.OutboxMessage{}, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, s.q.parkedOutbox, fromAt, after, limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: parked outbox after %q: %w", after, err)
	}
	msgs, err := collect(rows, func(r *outboxRow) store.OutboxMessage { return r.record() })
	if err != nil {
		return nil, fmt.Errorf("pgstore: parked outbox after %q: %w", after, err)
	}
	return msgs, nil
}

// ResendOutbox makes an undelivered message due at now: it unparks it and
// sets its NextAttemptAt to now, keeping its Attempts, LastError and lease.
// It returns the message as stored after the change, store.ErrNotFound for
// an unknown id and store.ErrDelivered for a delivered message (which is
// left unchanged).
func (s *Store) ResendOutbox(ctx context.Context, messageID string, now time.Time) (store.OutboxMessage, error) {
	rows, err := s.pool.Query(ctx, s.q.resendOutbox, messageID, dueTime(now))
	if err != nil {
		return store.OutboxMessage{}, fmt.Errorf("pgstore: resend %q: %w", messageID, err)
	}
	msgs, err := collect(rows, func(r *outboxRow) store.OutboxMessage { return r.record() })
	if err != nil {
		return store.OutboxMessage{}, fmt.Errorf("pgstore: resend %q: %w", messageID, err)
	}
	if len(msgs) == 1 {
		return msgs[0], nil
	}
	// Nothing changed: an unknown message, or a delivered one (delivery is
	// final, so it is still delivered now).
	var delivered bool
	err = s.pool.QueryRow(ctx, s.q.outboxDelivered, messageID).Scan(&delivered)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = store.ErrNotFound
	case err == nil && delivered:
		err = store.ErrDelivered
	case err == nil:
		err = errors.New("message is undelivered but was not changed")
	}
	return store.OutboxMessage{}, fmt.Errorf("pgstore: resend %q: %w", messageID, err)
}
