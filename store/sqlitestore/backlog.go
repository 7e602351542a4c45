package sqlitestore

import (
	"context"
	"fmt"
	"time"

	"github.com/paystate/paystate/store"
)

// qOutboxBacklog counts both sides of now in one statement (one snapshot),
// each from the partial index outbox_claimable, whose WHERE it repeats
// word for word, stopping at ?2 rows.
const qOutboxBacklog = `SELECT
	(SELECT count(*) FROM (SELECT 1 FROM outbox
		WHERE delivered_at = 0 AND parked = 0 AND next_attempt_at <= CAST(?1 AS INTEGER) LIMIT ?2)),
	(SELECT count(*) FROM (SELECT 1 FROM outbox
		WHERE delivered_at = 0 AND parked = 0 AND next_attempt_at > CAST(?1 AS INTEGER) LIMIT ?2))`

// OutboxBacklog counts the undelivered, unparked messages due at now and
// waiting after it, each count capped at limit (none for a limit of zero
// or less).
func (s *Store) OutboxBacklog(ctx context.Context, now time.Time, limit int) (store.Backlog, error) {
	if err := ctx.Err(); err != nil {
		return store.Backlog{}, err
	}
	if limit <= 0 {
		return store.Backlog{}, nil
	}
	st, err := s.stmt(ctx, nil, qOutboxBacklog)
	if err != nil {
		return store.Backlog{}, err
	}
	var b store.Backlog
	if err := st.QueryRowContext(ctx, micros(now), limit).Scan(&b.Due, &b.Waiting); err != nil {
		return store.Backlog{}, fmt.Errorf("sqlitestore: outbox backlog: %w", err)
	}
	return b, nil
}
