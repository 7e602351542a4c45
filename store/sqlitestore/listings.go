package sqlitestore

import (
	"context"
	"fmt"
	"time"

	"github.com/paystate/paystate/store"
)

// The queries state the conditions of the partial indexes they use
// (payments_due_expiry, payments_due_auth_expiry, payments_due_check,
// refunds_due_check, captures_due_check) word for
// word, with literals: SQLite uses a partial index only when the query
// implies its WHERE, so these must never become parameters.
const (
	qDueExpiries = `
		SELECT expires_at, id FROM payments
		WHERE status = 'ACCEPT' AND expires_at <= CAST(?1 AS INTEGER)
		UNION ALL
		SELECT auth_expires_at, id FROM payments
		WHERE status = 'AUTHORIZED' AND capturing_amount = 0 AND auth_expires_at <= CAST(?1 AS INTEGER)
		ORDER BY 1, 2 LIMIT ?2`

	// SQLite merges the two sides, each read in order from its partial
	// index, and stops after limit rows.
	qDueChecks = `
		SELECT next_check_at, id, '', '' FROM payments
		WHERE pending_op <> '' AND next_check_at <= CAST(?1 AS INTEGER)
		UNION ALL
		SELECT next_check_at, payment_id, id, '' FROM refunds
		WHERE status = 'INIT' AND next_check_at <= CAST(?1 AS INTEGER)
		UNION ALL
		SELECT next_check_at, payment_id, '', id FROM captures
		WHERE status = 'INIT' AND next_check_at <= CAST(?1 AS INTEGER)
		ORDER BY 1, 2, 3, 4 LIMIT ?2`
)

// DueExpiries returns the ids of up to limit payments due to expire: in
// ACCEPT with ExpiresAt at or before now, or in AUTHORIZED with no capture
// in flight and AuthExpiresAt at or before now, earliest first (ties by id). A limit of
// zero or less returns none.
func (s *Store) DueExpiries(ctx context.Context, now time.Time, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return []string{}, nil
	}
	st, err := s.stmt(ctx, nil, qDueExpiries)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: due expiries: %w", err)
	}
	ids, err := collect(rows, func(sc scanner) (string, error) {
		var at int64
		var id string
		err := sc.Scan(&at, &id)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: due expiries: %w", err)
	}
	return ids, nil
}

// DueChecks returns up to limit in-flight funds operations whose
// NextCheckAt is at or before now: payments with a PendingOp, refunds and
// captures in INIT, merged earliest NextCheckAt first (ties by payment id,
// then refund id, then capture id, so a payment's own check precedes its
// refunds' and captures'). A limit of zero or less returns none.
func (s *Store) DueChecks(ctx context.Context, now time.Time, limit int) ([]store.Check, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return []store.Check{}, nil
	}
	st, err := s.stmt(ctx, nil, qDueChecks)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: due checks: %w", err)
	}
	checks, err := collect(rows, func(sc scanner) (store.Check, error) {
		var c store.Check
		var at int64
		err := sc.Scan(&at, &c.PaymentID, &c.RefundID, &c.CaptureID)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: due checks: %w", err)
	}
	return checks, nil
}
