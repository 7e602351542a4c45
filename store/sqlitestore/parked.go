package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/paystate/paystate/store"
)

var (
	// Walks the partial index outbox_parked (migration 0002), which holds
	// only parked, undelivered messages in listing order, from the cursor
	// on; its WHERE must repeat the index's condition literally.
	qParkedOutbox = `SELECT ` + outboxColumns + ` FROM outbox
		WHERE parked = 1 AND delivered_at = 0 AND (created_at, id) > (CAST(?1 AS INTEGER), CAST(?2 AS TEXT))
		ORDER BY created_at, id LIMIT ?3`

	// Unparks and brings forward an undelivered message; the lease stays.
	qResendOutbox = `UPDATE outbox SET next_attempt_at = ?1, parked = 0
		WHERE id = ?2 AND delivered_at = 0
		RETURNING ` + outboxColumns

	qOutboxCreatedAt = `SELECT created_at FROM outbox WHERE id = ?`
)

// ParkedOutbox returns up to limit parked, undelivered messages, oldest
// CreatedAt first, ties by ID, starting after the message with id after
// ("" for the start; the message need not be parked any more), read from
// one snapshot. It returns store.ErrNotFound when no message has id after,
// and an empty slice when there are no more parked messages. A limit of
// zero or less returns none.
func (s *Store) ParkedOutbox(ctx context.Context, after string, limit int) ([]store.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	what := fmt.Sprintf("parked outbox after %q", after)
	msgs := []store.OutboxMessage{}
	err := s.read(ctx, what, func(tx *sql.Tx) error {
		fromAt, fromID := int64(math.MinInt64), ""
		if after != "" {
			created, err := s.outboxCreatedAt(ctx, tx, after)
			if err != nil {
				return fmt.Errorf("sqlitestore: %s: %w", what, err)
			}
			fromAt, fromID = created, after
		}
		if limit <= 0 {
			return nil
		}
		st, err := s.stmt(ctx, tx, qParkedOutbox)
		if err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, fromAt, fromID, limit)
		if err != nil {
			return fmt.Errorf("sqlitestore: %s: %w", what, err)
		}
		if msgs, err = collect(rows, scanOutbox); err != nil {
			return fmt.Errorf("sqlitestore: %s: %w", what, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return msgs, nil
}

// ResendOutbox makes an undelivered message due at now: it unparks it and
// sets its NextAttemptAt to now, keeping its Attempts, LastError and lease.
// It returns the message as stored after the change, store.ErrNotFound for
// an unknown id and store.ErrDelivered for a delivered message (which is
// left unchanged).
func (s *Store) ResendOutbox(ctx context.Context, messageID string, now time.Time) (store.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return store.OutboxMessage{}, err
	}
	what := fmt.Sprintf("resend %q", messageID)
	var m store.OutboxMessage
	err := s.write(ctx, what, func(tx *sql.Tx) error {
		st, err := s.stmt(ctx, tx, qResendOutbox)
		if err != nil {
			return err
		}
		m, err = scanOutbox(st.QueryRowContext(ctx, micros(now), messageID))
		if !errors.Is(err, sql.ErrNoRows) {
			if err != nil {
				return fmt.Errorf("sqlitestore: %s: %w", what, err)
			}
			return nil
		}
		// Nothing changed: an unknown or a delivered message.
		if _, err = s.outboxCreatedAt(ctx, tx, messageID); err == nil {
			err = store.ErrDelivered
		}
		return fmt.Errorf("sqlitestore: %s: %w", what, err)
	})
	if err != nil {
		return store.OutboxMessage{}, err
	}
	return m, nil
}

// outboxCreatedAt returns the created_at column of a message (unix µs),
// or store.ErrNotFound.
func (s *Store) outboxCreatedAt(ctx context.Context, tx *sql.Tx, messageID string) (int64, error) {
	st, err := s.stmt(ctx, tx, qOutboxCreatedAt)
	if err != nil {
		return 0, err
	}
	var created int64
	err = st.QueryRowContext(ctx, messageID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	return created, err
}
