package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/paystate/paystate/store"
)

// OutboxBacklog counts the undelivered, unparked messages due at now and
// waiting after it, each count capped at limit (none for a limit of zero
// or less), in one statement: one snapshot.
func (s *Store) OutboxBacklog(ctx context.Context, now time.Time, limit int) (store.Backlog, error) {
	if limit <= 0 {
		return store.Backlog{}, ctx.Err()
	}
	var b store.Backlog
	if err := s.pool.QueryRow(ctx, s.q.outboxBacklog, dueTime(now), limit).Scan(&b.Due, &b.Waiting); err != nil {
		return store.Backlog{}, fmt.Errorf("pgstore: outbox backlog: %w", err)
	}
	return b, nil
}
