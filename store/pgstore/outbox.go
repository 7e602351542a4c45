package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store"
)

// ClaimOutbox leases to owner, until now+lease, up to limit undelivered,
// unparked messages whose NextAttemptAt is at or before now and whose lease
// is free or expired (LeaseUntil at or before now), except those of the
// partners in skipPartners, in one statement: earliest NextAttemptAt first,
// ties by CreatedAt and then ID, which is also the order returned. Rows
// another claimer is leasing at that moment are skipped (FOR UPDATE SKIP
// LOCKED), so claimers in many processes never wait for each other nor get
// the same message while its lease is valid. Owner must not be empty. A
// limit of zero or less claims none.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int, skipPartners ...string) ([]store.OutboxMessage, error) {
	if owner == "" {
		return nil, errors.New("pgstore: claim outbox: owner is empty")
	}
	if limit <= 0 {
		return []store.OutboxMessage{}, ctx.Err()
	}
	if skipPartners == nil {
		skipPartners = []string{} // pgx sends a nil slice as NULL
	}
	rows, err := s.pool.Query(ctx, s.q.claimOutbox, owner, nullTime(now.Add(lease)), dueTime(now), limit, skipPartners)
	if err != nil {
		s.refusedAsReadOnly(err)
		return nil, fmt.Errorf("pgstore: claim outbox for %q: %w", owner, err)
	}
	msgs, err := collect(rows, func(r *outboxRow) store.OutboxMessage { return r.record() })
	if err != nil {
		s.refusedAsReadOnly(err)
		return nil, fmt.Errorf("pgstore: claim outbox for %q: %w", owner, err)
	}
	return msgs, nil
}

// RecordDelivery stores the outcome of one attempt under d.Owner's lease:
// it counts the attempt, records d.Error, marks the message delivered (at
// d.At) or parked or due again at d.NextAttemptAt, and frees the lease. It
// returns store.ErrNotFound for an unknown message and store.ErrLeaseLost
// when d.Owner does not hold the lease (including when nobody does).
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) error {
	tag, err := s.pool.Exec(ctx, s.q.recordDelivery, d.MessageID, d.Owner, d.Error,
		d.Delivered, nullTime(d.At), d.Park, dueTime(d.NextAttemptAt))
	if err != nil {
		s.refusedAsReadOnly(err)
		return fmt.Errorf("pgstore: record delivery of %q: %w", d.MessageID, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	// Nothing matched: tell an unknown message from a lost lease.
	var holder string
	err = s.pool.QueryRow(ctx, s.q.outboxLeaseOwner, d.MessageID).Scan(&holder)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: record delivery of %q: %w", d.MessageID, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("pgstore: record delivery of %q: %w", d.MessageID, err)
	}
	return fmt.Errorf("pgstore: record delivery of %q by %q (lease held by %q): %w",
		d.MessageID, d.Owner, holder, store.ErrLeaseLost)
}
