package memstore

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/paystate/paystate/store"
)

var _ store.Store = (*Store)(nil)

// requestKey is an idempotency key: a partner id and the partner's request id.
type requestKey struct {
	partnerID string
	requestID string
}

// Store is an in-memory store.Store. The zero value is not usable; create
// one with New. A Store is safe for concurrent use by many goroutines.
type Store struct {
	mu sync.RWMutex

	payments         map[string]store.Payment // by payment id
	paymentByRequest map[requestKey]string    // payment id by (partner, request)

	refunds          map[string]store.Refund // by refund id
	refundByRequest  map[requestKey]string   // refund id by (partner, request)
	refundsByPayment map[string][]string     // refund ids per payment, creation order

	captures          map[string]store.Capture // by capture id
	captureByRequest  map[requestKey]string    // capture id by (partner, request)
	capturesByPayment map[string][]string      // capture ids per payment, creation order

	events map[string][]store.Event // per payment, commit order

	outbox          map[string]store.OutboxMessage // by message id
	outboxByPayment map[string][]string            // message ids per payment, creation order
	// claimable is the index of the messages neither delivered nor
	// parked, in claim order: the only ones ClaimOutbox and OutboxBacklog
	// look at, like the SQL stores' partial index (see outboxIndex).
	claimable outboxIndex

	counters map[string]int64 // Change.Counters by key
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		payments:          make(map[string]store.Payment),
		paymentByRequest:  make(map[requestKey]string),
		refunds:           make(map[string]store.Refund),
		refundByRequest:   make(map[requestKey]string),
		refundsByPayment:  make(map[string][]string),
		captures:          make(map[string]store.Capture),
		captureByRequest:  make(map[requestKey]string),
		capturesByPayment: make(map[string][]string),
		events:            make(map[string][]store.Event),
		outbox:            make(map[string]store.OutboxMessage),
		outboxByPayment:   make(map[string][]string),
		claimable:         newOutboxIndex(),
		counters:          make(map[string]int64),
	}
}

// GetPayment returns the payment with the given id and its refunds in
// creation order, or store.ErrNotFound.
func (s *Store) GetPayment(ctx context.Context, paymentID string) (store.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return store.Snapshot{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snapshotLocked(paymentID)
}

// GetPaymentByRequest returns the payment partnerID created with requestID,
// and its refunds, or store.ErrNotFound.
func (s *Store) GetPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return store.Snapshot{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.paymentByRequest[requestKey{partnerID, requestID}]
	if !ok {
		return store.Snapshot{}, fmt.Errorf("memstore: payment %s/%s: %w", partnerID, requestID, store.ErrNotFound)
	}
	return s.snapshotLocked(id)
}

// LoadPayment returns the payment with the given id and, when refundID
// names one of its refunds, that refund, or store.ErrNotFound.
func (s *Store) LoadPayment(ctx context.Context, paymentID, refundID string) (store.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return store.Snapshot{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.payments[paymentID]
	if !ok {
		return store.Snapshot{}, fmt.Errorf("memstore: payment %q: %w", paymentID, store.ErrNotFound)
	}
	snap := store.Snapshot{Payment: copyPayment(p), Refunds: []store.Refund{}, Captures: s.capturesLocked(paymentID)}
	if r, ok := s.refunds[refundID]; ok && refundID != "" && r.PaymentID == paymentID {
		snap.Refunds = append(snap.Refunds, r)
	}
	return snap, nil
}

// LoadPaymentByRequest returns the payment partnerID created with
// requestID, without its refunds, or store.ErrNotFound.
func (s *Store) LoadPaymentByRequest(ctx context.Context, partnerID, requestID string) (store.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return store.Snapshot{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.paymentByRequest[requestKey{partnerID, requestID}]
	if !ok {
		return store.Snapshot{}, fmt.Errorf("memstore: payment %s/%s: %w", partnerID, requestID, store.ErrNotFound)
	}
	return store.Snapshot{Payment: copyPayment(s.payments[id]), Refunds: []store.Refund{}, Captures: []store.Capture{}}, nil
}

// snapshotLocked builds a deep-copied snapshot; s.mu must be held.
func (s *Store) snapshotLocked(paymentID string) (store.Snapshot, error) {
	p, ok := s.payments[paymentID]
	if !ok {
		return store.Snapshot{}, fmt.Errorf("memstore: payment %q: %w", paymentID, store.ErrNotFound)
	}
	ids := s.refundsByPayment[paymentID]
	refunds := make([]store.Refund, 0, len(ids))
	for _, id := range ids {
		refunds = append(refunds, s.refunds[id])
	}
	return store.Snapshot{Payment: copyPayment(p), Refunds: refunds, Captures: s.capturesLocked(paymentID)}, nil
}

// capturesLocked returns the payment's captures in creation order; s.mu
// must be held.
func (s *Store) capturesLocked(paymentID string) []store.Capture {
	ids := s.capturesByPayment[paymentID]
	captures := make([]store.Capture, 0, len(ids))
	for _, id := range ids {
		captures = append(captures, s.captures[id])
	}
	return captures
}

// GetCaptureByRequest returns the capture partnerID asked for with
// requestID, or store.ErrNotFound.
func (s *Store) GetCaptureByRequest(ctx context.Context, partnerID, requestID string) (store.Capture, error) {
	if err := ctx.Err(); err != nil {
		return store.Capture{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.captureByRequest[requestKey{partnerID, requestID}]
	if !ok {
		return store.Capture{}, fmt.Errorf("memstore: capture %s/%s: %w", partnerID, requestID, store.ErrNotFound)
	}
	return s.captures[id], nil
}

// GetRefund returns the refund with the given id, or store.ErrNotFound.
func (s *Store) GetRefund(ctx context.Context, refundID string) (store.Refund, error) {
	if err := ctx.Err(); err != nil {
		return store.Refund{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.refunds[refundID]
	if !ok {
		return store.Refund{}, fmt.Errorf("memstore: refund %q: %w", refundID, store.ErrNotFound)
	}
	return r, nil
}

// GetRefundByRequest returns the refund partnerID asked for with requestID,
// or store.ErrNotFound.
func (s *Store) GetRefundByRequest(ctx context.Context, partnerID, requestID string) (store.Refund, error) {
	if err := ctx.Err(); err != nil {
		return store.Refund{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.refundByRequest[requestKey{partnerID, requestID}]
	if !ok {
		return store.Refund{}, fmt.Errorf("memstore: refund %s/%s: %w", partnerID, requestID, store.ErrNotFound)
	}
	return s.refunds[id], nil
}

// Commit applies c atomically as documented on store.Change and
// store.PaymentStore: c.Validate first, then the checks against stored
// records, then the writes, so a failing Commit leaves the Store exactly as
// it was.
func (s *Store) Commit(ctx context.Context, c store.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkStateLocked(c); err != nil {
		return err
	}
	s.applyLocked(c)
	return nil
}

// checkStateLocked validates c against stored state; s.mu must be held.
func (s *Store) checkStateLocked(c store.Change) error {
	p := c.Payment
	key := requestKey{p.PartnerID, p.RequestID}
	if c.ExpectedVersion == 0 {
		if _, ok := s.payments[p.ID]; ok {
			return fmt.Errorf("memstore: create payment %q: %w", p.ID, store.ErrAlreadyExists)
		}
		if other, ok := s.paymentByRequest[key]; ok {
			return fmt.Errorf("memstore: create payment %q: request %s/%s already used by payment %q: %w",
				p.ID, p.PartnerID, p.RequestID, other, store.ErrAlreadyExists)
		}
	} else {
		old, ok := s.payments[p.ID]
		if !ok {
			return fmt.Errorf("memstore: update payment %q: missing: %w", p.ID, store.ErrConflict)
		}
		if old.Version != c.ExpectedVersion {
			return fmt.Errorf("memstore: update payment %q: stored version %d, expected %d: %w",
				p.ID, old.Version, c.ExpectedVersion, store.ErrConflict)
		}
		if old.PartnerID != p.PartnerID || old.RequestID != p.RequestID {
			return fmt.Errorf("memstore: update payment %q: request key %s/%s cannot change to %s/%s",
				p.ID, old.PartnerID, old.RequestID, p.PartnerID, p.RequestID)
		}
	}

	for _, r := range c.NewRefunds {
		if _, ok := s.refunds[r.ID]; ok {
			return fmt.Errorf("memstore: create refund %q: %w", r.ID, store.ErrAlreadyExists)
		}
		if other, ok := s.refundByRequest[requestKey{r.PartnerID, r.RequestID}]; ok {
			return fmt.Errorf("memstore: create refund %q: request %s/%s already used by refund %q: %w",
				r.ID, r.PartnerID, r.RequestID, other, store.ErrAlreadyExists)
		}
	}
	for _, r := range c.UpdatedRefunds {
		old, ok := s.refunds[r.ID]
		if !ok {
			return fmt.Errorf("memstore: update refund %q: no such refund", r.ID)
		}
		if old.PaymentID != p.ID {
			return fmt.Errorf("memstore: update refund %q: stored refund belongs to payment %q, not %q",
				r.ID, old.PaymentID, p.ID)
		}
		if old.PartnerID != r.PartnerID || old.RequestID != r.RequestID {
			return fmt.Errorf("memstore: update refund %q: request key %s/%s cannot change to %s/%s",
				r.ID, old.PartnerID, old.RequestID, r.PartnerID, r.RequestID)
		}
	}
	for _, k := range c.NewCaptures {
		if _, ok := s.captures[k.ID]; ok {
			return fmt.Errorf("memstore: create capture %q: %w", k.ID, store.ErrAlreadyExists)
		}
		if other, ok := s.captureByRequest[requestKey{k.PartnerID, k.RequestID}]; ok {
			return fmt.Errorf("memstore: create capture %q: request %s/%s already used by capture %q: %w",
				k.ID, k.PartnerID, k.RequestID, other, store.ErrAlreadyExists)
		}
	}
	for _, k := range c.UpdatedCaptures {
		old, ok := s.captures[k.ID]
		if !ok {
			return fmt.Errorf("memstore: update capture %q: no such capture", k.ID)
		}
		if old.PaymentID != p.ID || old.PartnerID != k.PartnerID || old.RequestID != k.RequestID {
			return fmt.Errorf("memstore: update capture %q: payment or request key cannot change", k.ID)
		}
	}
	for _, m := range c.Outbox {
		if _, ok := s.outbox[m.ID]; ok {
			return fmt.Errorf("memstore: insert outbox message %q: %w", m.ID, store.ErrAlreadyExists)
		}
	}
	for _, d := range c.Counters {
		if d.Exceeds(s.counters[d.Key]) {
			return &store.LimitError{Key: d.Key, Max: d.Max}
		}
	}
	return nil
}

// applyLocked writes a validated change; s.mu must be held for writing.
func (s *Store) applyLocked(c store.Change) {
	p := copyPayment(c.Payment)
	s.payments[p.ID] = p
	s.paymentByRequest[requestKey{p.PartnerID, p.RequestID}] = p.ID

	for _, r := range c.NewRefunds {
		s.refunds[r.ID] = r
		s.refundByRequest[requestKey{r.PartnerID, r.RequestID}] = r.ID
		s.refundsByPayment[p.ID] = append(s.refundsByPayment[p.ID], r.ID)
	}
	for _, r := range c.UpdatedRefunds {
		s.refunds[r.ID] = r
	}
	for _, k := range c.NewCaptures {
		s.captures[k.ID] = k
		s.captureByRequest[requestKey{k.PartnerID, k.RequestID}] = k.ID
		s.capturesByPayment[p.ID] = append(s.capturesByPayment[p.ID], k.ID)
	}
	for _, k := range c.UpdatedCaptures {
		s.captures[k.ID] = k
	}
	// Event and OutboxMessage hold no reference types, so appending the
	// values copies them.
	s.events[p.ID] = append(s.events[p.ID], c.Events...)
	for _, m := range c.Outbox {
		s.putOutboxLocked(m)
		s.outboxByPayment[p.ID] = append(s.outboxByPayment[p.ID], m.ID)
	}
	for _, d := range c.Counters {
		s.counters[d.Key] += d.Delta
	}
}

// Counter returns the counter's value (0 for a key never written).
func (s *Store) Counter(ctx context.Context, key string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.counters[key], nil
}

// History returns the payment's events in Seq order and, within one Seq,
// in commit order. It returns an empty slice when there are none, also for
// an unknown payment.
func (s *Store) History(ctx context.Context, paymentID string) ([]store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	events := slices.Clone(s.events[paymentID])
	s.mu.RUnlock()
	if events == nil {
		events = []store.Event{}
	}
	// Commits append with increasing versions, so this is normally a no-op;
	// it keeps the documented Seq order even if an engine numbers oddly.
	slices.SortStableFunc(events, func(a, b store.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	return events, nil
}

// DueExpiries returns the ids of up to limit payments in ACCEPT whose
// ExpiresAt is at or before now, and in AUTHORIZED whose AuthExpiresAt
// is, earliest of those times first (ties by id).
// A limit of zero or less returns none.
func (s *Store) DueExpiries(ctx context.Context, now time.Time, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return []string{}, nil
	}
	type due struct {
		at time.Time
		id string
	}
	var found []due
	s.mu.RLock()
	for _, p := range s.payments {
		switch {
		case p.Status == "ACCEPT" && !p.ExpiresAt.After(now):
			found = append(found, due{p.ExpiresAt, p.ID})
		case p.Status == "AUTHORIZED" && p.CapturingAmount == 0 && !p.AuthExpiresAt.After(now):
			found = append(found, due{p.AuthExpiresAt, p.ID})
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(found, func(a, b due) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id))
	})
	ids := make([]string, 0, min(limit, len(found)))
	for _, d := range found[:min(limit, len(found))] {
		ids = append(ids, d.id)
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
	type due struct {
		at    time.Time
		check store.Check
	}
	var found []due
	s.mu.RLock()
	for _, p := range s.payments {
		if p.PendingOp != "" && !p.NextCheckAt.After(now) {
			found = append(found, due{p.NextCheckAt, store.Check{PaymentID: p.ID}})
		}
	}
	for _, r := range s.refunds {
		if r.Status == "INIT" && !r.NextCheckAt.After(now) {
			found = append(found, due{r.NextCheckAt, store.Check{PaymentID: r.PaymentID, RefundID: r.ID}})
		}
	}
	for _, k := range s.captures {
		if k.Status == "INIT" && !k.NextCheckAt.After(now) {
			found = append(found, due{k.NextCheckAt, store.Check{PaymentID: k.PaymentID, CaptureID: k.ID}})
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(found, func(a, b due) int {
		return cmp.Or(
			a.at.Compare(b.at),
			cmp.Compare(a.check.PaymentID, b.check.PaymentID),
			cmp.Compare(a.check.RefundID, b.check.RefundID),
			cmp.Compare(a.check.CaptureID, b.check.CaptureID),
		)
	})
	checks := make([]store.Check, 0, min(limit, len(found)))
	for _, d := range found[:min(limit, len(found))] {
		checks = append(checks, d.check)
	}
	return checks, nil
}

// copyPayment returns p with its reference-typed fields cloned.
func copyPayment(p store.Payment) store.Payment {
	p.OrderData = bytes.Clone(p.OrderData)
	return p
}
