package memstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/paystate/paystate/store"
)

// ClaimOutbox leases to owner, until now+lease, up to limit undelivered,
// unparked messages whose NextAttemptAt is at or before now and whose lease
// is free or expired (LeaseUntil at or before now), except those of the
// partners in skipPartners. Messages are taken earliest NextAttemptAt
// first, ties by CreatedAt and then ID; the returned copies show the new
// lease. Owner must not be empty. A limit of zero or less claims none.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int, skipPartners ...string) ([]store.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, errors.New("memstore: claim outbox: owner is empty")
	}
	if limit <= 0 {
		return []store.OutboxMessage{}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var claimed []store.OutboxMessage
	until := now.Add(lease)
	now = now.Round(0) // compared with the index's wall-clock keys
	for _, k := range s.claimable.keys {
		if len(claimed) == limit || k.at.After(now) {
			break
		}
		m := s.outbox[k.id]
		if (m.LeaseOwner != "" && m.LeaseUntil.After(now)) || slices.Contains(skipPartners, m.PartnerID) {
			continue
		}
		m.LeaseOwner, m.LeaseUntil = owner, until
		s.outbox[m.ID] = m // the lease does not move it in the index
		claimed = append(claimed, m)
	}
	if claimed == nil {
		claimed = []store.OutboxMessage{}
	}
	return claimed, nil
}

// putOutboxLocked stores m and keeps the claimable index current.
func (s *Store) putOutboxLocked(m store.OutboxMessage) {
	s.outbox[m.ID] = m
	s.claimable.remove(m.ID)
	if m.DeliveredAt.IsZero() && !m.Parked {
		s.claimable.add(m)
	}
}

// RecordDelivery stores the outcome of one attempt under d.Owner's lease:
// it counts the attempt, records d.Error, marks the message delivered (at
// d.At) or parked or due again at d.NextAttemptAt, and frees the lease. It
// returns store.ErrNotFound for an unknown message and store.ErrLeaseLost
// when d.Owner does not hold the lease (including when nobody does).
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.outbox[d.MessageID]
	if !ok {
		return fmt.Errorf("memstore: record delivery of %q: %w", d.MessageID, store.ErrNotFound)
	}
	if m.LeaseOwner == "" || m.LeaseOwner != d.Owner {
		return fmt.Errorf("memstore: record delivery of %q by %q (lease held by %q): %w",
			d.MessageID, d.Owner, m.LeaseOwner, store.ErrLeaseLost)
	}
	m.Attempts++
	m.LastError = d.Error
	switch {
	case d.Delivered:
		m.DeliveredAt = d.At
	case d.Park:
		m.Parked = true
	default:
		m.NextAttemptAt = d.NextAttemptAt
	}
	m.LeaseOwner = ""
	m.LeaseUntil = time.Time{}
	s.putOutboxLocked(m)
	return nil
}

// Outbox returns all messages of a payment in creation order; an empty
// slice when there are none, also for an unknown payment.
func (s *Store) Outbox(ctx context.Context, paymentID string) ([]store.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.outboxByPayment[paymentID]
	msgs := make([]store.OutboxMessage, 0, len(ids))
	for _, id := range ids {
		msgs = append(msgs, s.outbox[id])
	}
	return msgs, nil
}

// OutboxBacklog counts the undelivered, unparked messages due at now and
// waiting after it, each count capped at limit (none for a limit of zero
// or less).
func (s *Store) OutboxBacklog(ctx context.Context, now time.Time, limit int) (store.Backlog, error) {
	if err := ctx.Err(); err != nil {
		return store.Backlog{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	due := s.claimable.dueCount(now)
	limit = max(limit, 0)
	return store.Backlog{Due: min(due, limit), Waiting: min(len(s.claimable.keys)-due, limit)}, nil
}
