package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store"
)

// DueExpiries returns the ids of up to limit payments in ACCEPT whose
// ExpiresAt is at or before now, and in AUTHORIZED with no capture in
// flight (CapturingAmount 0) whose AuthExpiresAt is, earliest of those
// times first (ties by id). A limit of zero or less returns none.
func (s *Store) DueExpiries(ctx context.Context, now time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		return []string{}, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, s.q.dueExpiries, dueTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: due expiries: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("pgstore: due expiries: %w", err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// DueChecks returns up to limit in-flight funds operations whose
// NextCheckAt is at or before now: payments with a PendingOp, refunds and
// captures in INIT, merged earliest NextCheckAt first (ties by payment id,
// then refund id, then capture id, so a payment's own check precedes its
// refunds' and captures'). A limit of zero or less returns none.
func (s *Store) DueChecks(ctx context.Context, now time.Time, limit int) ([]store.Check, error) {
	if limit <= 0 {
		return []store.Check{}, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, s.q.dueChecks, dueTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: due checks: %w", err)
	}
	checks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[store.Check])
	if err != nil {
		return nil, fmt.Errorf("pgstore: due checks: %w", err)
	}
	if checks == nil {
		checks = []store.Check{}
	}
	return checks, nil
}
