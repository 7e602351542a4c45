package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paystate/paystate/store"
)

// ParkedOutbox returns up to limit parked, undelivered messages, oldest
// CreatedAt first, ties by ID, starting after the message with id after
// ("" for the start; the message need not be parked any more). It returns
// store.ErrNotFound when no message has id after, and an empty slice when
// there are no more parked messages. A limit of zero or less returns none.
func (s *Store) ParkedOutbox(ctx context.Context, after string, limit int) ([]store.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var cursor *store.OutboxMessage
	if after != "" {
		m, ok := s.outbox[after]
		if !ok {
			return nil, fmt.Errorf("memstore: parked outbox after %q: %w", after, store.ErrNotFound)
		}
		cursor = &m
	}
	if limit <= 0 {
		return []store.OutboxMessage{}, nil
	}
	parked := []store.OutboxMessage{}
	for _, m := range s.outbox {
		if m.Parked && m.DeliveredAt.IsZero() && (cursor == nil || parkedOrder(*cursor, m) < 0) {
			parked = append(parked, m)
		}
	}
	slices.SortFunc(parked, parkedOrder)
	return parked[:min(limit, len(parked))], nil
}

// parkedOrder is the order of ParkedOutbox: CreatedAt, then ID.
func parkedOrder(a, b store.OutboxMessage) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
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
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.outbox[messageID]
	switch {
	case !ok:
		return store.OutboxMessage{}, fmt.Errorf("memstore: resend %q: %w", messageID, store.ErrNotFound)
	case !m.DeliveredAt.IsZero():
		return store.OutboxMessage{}, fmt.Errorf("memstore: resend %q: %w", messageID, store.ErrDelivered)
	}
	m.Parked = false
	m.NextAttemptAt = now
	s.putOutboxLocked(m)
	return m, nil
}
