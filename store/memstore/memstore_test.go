package memstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newPayment(id, partner, request string) store.Payment {
	return store.Payment{
		ID:          id,
		PartnerID:   partner,
		RequestID:   request,
		Fingerprint: "fp-" + id,
		Scenario:    "CASHIER",
		Status:      "INIT",
		Currency:    "USD",
		Amount:      1000,
		OrderTitle:  "order " + id,
		OrderData:   []byte(`{"items":1}`),
		NotifyURL:   "https://merchant.example/notify",
		CreatedAt:   t0,
		UpdatedAt:   t0,
		ExpiresAt:   t0.Add(15 * time.Minute),
		Version:     1,
	}
}

func newRefund(id string, p store.Payment, request string) store.Refund {
	return store.Refund{
		ID:          id,
		PaymentID:   p.ID,
		PartnerID:   p.PartnerID,
		RequestID:   request,
		Fingerprint: "fp-" + id,
		Currency:    p.Currency,
		Amount:      100,
		Status:      "INIT",
		CreatedAt:   t0,
		UpdatedAt:   t0,
		NextCheckAt: t0.Add(time.Minute),
	}
}

func newMessage(id string, p store.Payment, next time.Time) store.OutboxMessage {
	return store.OutboxMessage{
		ID:            id,
		PaymentID:     p.ID,
		PartnerID:     p.PartnerID,
		RequestID:     p.RequestID,
		Kind:          "payment_result",
		NotifyURL:     p.NotifyURL,
		Status:        "SUCCESS",
		Currency:      p.Currency,
		Amount:        p.Amount,
		CreatedAt:     next,
		NextAttemptAt: next,
	}
}

func event(p store.Payment, name, from, to string) store.Event {
	return store.Event{PaymentID: p.ID, Seq: p.Version, At: t0, Name: name, From: from, To: to}
}

// create commits p as a new payment and returns it.
func create(t *testing.T, s *memstore.Store, p store.Payment) store.Payment {
	t.Helper()
	require.NoError(t, s.Commit(context.Background(), store.Change{
		Payment: p,
		Events:  []store.Event{event(p, "create", "", p.Status)},
	}))
	return p
}

// next returns p advanced by one version, ready for an update commit.
func next(p store.Payment, status string) store.Payment {
	p.Status = status
	p.Version++
	p.UpdatedAt = p.UpdatedAt.Add(time.Second)
	return p
}

func TestCreateAndLoad(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p := create(t, s, newPayment("pay-1", "partner-a", "req-1"))

	snap, err := s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, p, snap.Payment)
	assert.NotNil(t, snap.Refunds)
	assert.Empty(t, snap.Refunds)

	snap, err = s.GetPaymentByRequest(ctx, "partner-a", "req-1")
	require.NoError(t, err)
	assert.Equal(t, p, snap.Payment)

	hist, err := s.History(ctx, "pay-1")
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.Equal(t, "create", hist[0].Name)
	assert.Equal(t, int64(1), hist[0].Seq)
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	create(t, s, newPayment("pay-1", "partner-a", "req-1"))

	_, err := s.GetPayment(ctx, "nope")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetPaymentByRequest(ctx, "partner-b", "req-1")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetRefund(ctx, "nope")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetRefundByRequest(ctx, "partner-a", "nope")
	assert.ErrorIs(t, err, store.ErrNotFound)
	err = s.RecordDelivery(ctx, store.Delivery{MessageID: "nope", Owner: "d1"})
	assert.ErrorIs(t, err, store.ErrNotFound)

	hist, err := s.History(ctx, "nope")
	require.NoError(t, err)
	assert.NotNil(t, hist)
	assert.Empty(t, hist)
	msgs, err := s.Outbox(ctx, "nope")
	require.NoError(t, err)
	assert.NotNil(t, msgs)
	assert.Empty(t, msgs)
}

func TestDuplicateCreate(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	orig := create(t, s, newPayment("pay-1", "partner-a", "req-1"))

	// Same payment id, different request key.
	err := s.Commit(ctx, store.Change{Payment: newPayment("pay-1", "partner-a", "req-2")})
	assert.ErrorIs(t, err, store.ErrAlreadyExists)
	_, err = s.GetPaymentByRequest(ctx, "partner-a", "req-2")
	assert.ErrorIs(t, err, store.ErrNotFound, "failed create must not index its request key")

	// Same partner and request id, different payment id.
	err = s.Commit(ctx, store.Change{Payment: newPayment("pay-2", "partner-a", "req-1")})
	assert.ErrorIs(t, err, store.ErrAlreadyExists)
	_, err = s.GetPayment(ctx, "pay-2")
	assert.ErrorIs(t, err, store.ErrNotFound)

	snap, err := s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, orig, snap.Payment)

	// The same request id under another partner is a different key.
	other := create(t, s, newPayment("pay-3", "partner-b", "req-1"))
	snap, err = s.GetPaymentByRequest(ctx, "partner-b", "req-1")
	require.NoError(t, err)
	assert.Equal(t, other, snap.Payment)
	snap, err = s.GetPaymentByRequest(ctx, "partner-a", "req-1")
	require.NoError(t, err)
	assert.Equal(t, orig, snap.Payment)
}

func TestVersionChecks(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p1 := create(t, s, newPayment("pay-1", "partner-a", "req-1"))

	p2 := next(p1, "ACCEPT")
	require.NoError(t, s.Commit(ctx, store.Change{Payment: p2, ExpectedVersion: 1}))

	// A writer that still believes version 1 loses.
	stale := next(p1, "CLOSED")
	err := s.Commit(ctx, store.Change{Payment: stale, ExpectedVersion: 1})
	assert.ErrorIs(t, err, store.ErrConflict)

	// Updating a payment that does not exist is a conflict too.
	ghost := next(newPayment("ghost", "partner-a", "req-ghost"), "ACCEPT")
	err = s.Commit(ctx, store.Change{Payment: ghost, ExpectedVersion: 1})
	assert.ErrorIs(t, err, store.ErrConflict)

	// Wrong new versions are programming errors, not conflicts.
	bad := p2
	bad.Version = 5
	err = s.Commit(ctx, store.Change{Payment: bad, ExpectedVersion: 2})
	require.Error(t, err)
	assert.NotErrorIs(t, err, store.ErrConflict)
	assert.NotErrorIs(t, err, store.ErrAlreadyExists)

	badCreate := newPayment("pay-9", "partner-a", "req-9")
	badCreate.Version = 2
	err = s.Commit(ctx, store.Change{Payment: badCreate})
	require.Error(t, err)
	assert.NotErrorIs(t, err, store.ErrConflict)
	_, err = s.GetPayment(ctx, "pay-9")
	assert.ErrorIs(t, err, store.ErrNotFound)

	snap, err := s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, p2, snap.Payment)
}

// state captures everything observable about one payment.
type state struct {
	snap    store.Snapshot
	history []store.Event
	outbox  []store.OutboxMessage
}

func capture(t *testing.T, s *memstore.Store, paymentID string) state {
	t.Helper()
	ctx := context.Background()
	snap, err := s.GetPayment(ctx, paymentID)
	require.NoError(t, err)
	hist, err := s.History(ctx, paymentID)
	require.NoError(t, err)
	out, err := s.Outbox(ctx, paymentID)
	require.NoError(t, err)
	return state{snap, hist, out}
}

func TestRefunds(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p1 := create(t, s, newPayment("pay-1", "partner-a", "req-1"))
	p2 := next(p1, "SUCCESS")
	r1 := newRefund("ref-1", p2, "rreq-1")
	r2 := newRefund("ref-2", p2, "rreq-2")
	require.NoError(t, s.Commit(ctx, store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r1, r2}}))

	snap, err := s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, []store.Refund{r1, r2}, snap.Refunds)
	got, err := s.GetRefund(ctx, "ref-2")
	require.NoError(t, err)
	assert.Equal(t, r2, got)
	got, err = s.GetRefundByRequest(ctx, "partner-a", "rreq-1")
	require.NoError(t, err)
	assert.Equal(t, r1, got)

	// Update one refund; order of refunds stays creation order.
	p3 := next(p2, "SUCCESS")
	r1done := r1
	r1done.Status = "SUCCESS"
	r1done.FinishedAt = t0.Add(time.Minute)
	require.NoError(t, s.Commit(ctx, store.Change{Payment: p3, ExpectedVersion: 2, UpdatedRefunds: []store.Refund{r1done}}))
	snap, err = s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, []store.Refund{r1done, r2}, snap.Refunds)

	// The same refund request id under another partner is fine.
	q1 := create(t, s, newPayment("pay-2", "partner-b", "req-1"))
	q2 := next(q1, "SUCCESS")
	rb := newRefund("ref-3", q2, "rreq-1")
	require.NoError(t, s.Commit(ctx, store.Change{Payment: q2, ExpectedVersion: 1, NewRefunds: []store.Refund{rb}}))

	before := capture(t, s, "pay-1")
	p4 := next(p3, "SUCCESS")
	cases := map[string]struct {
		change store.Change
		is     error // nil: a plain error
	}{
		"refund id taken": {
			store.Change{Payment: p4, ExpectedVersion: 3, NewRefunds: []store.Refund{newRefund("ref-2", p4, "rreq-new")}},
			store.ErrAlreadyExists,
		},
		"refund request key taken": {
			store.Change{Payment: p4, ExpectedVersion: 3, NewRefunds: []store.Refund{newRefund("ref-new", p4, "rreq-2")}},
			store.ErrAlreadyExists,
		},
		"refund request key twice in one change": {
			store.Change{Payment: p4, ExpectedVersion: 3, NewRefunds: []store.Refund{
				newRefund("ref-x", p4, "rreq-x"), newRefund("ref-y", p4, "rreq-x"),
			}},
			store.ErrAlreadyExists,
		},
		"new refund of another payment": {
			store.Change{Payment: p4, ExpectedVersion: 3, NewRefunds: []store.Refund{newRefund("ref-new", q2, "rreq-new")}},
			nil,
		},
		"updated refund missing": {
			store.Change{Payment: p4, ExpectedVersion: 3, UpdatedRefunds: []store.Refund{newRefund("ref-zzz", p4, "rreq-zzz")}},
			nil,
		},
		"event of another payment": {
			store.Change{Payment: p4, ExpectedVersion: 3, Events: []store.Event{event(q2, "refund", "SUCCESS", "SUCCESS")}},
			nil,
		},
		"outbox message of another payment": {
			store.Change{Payment: p4, ExpectedVersion: 3, Outbox: []store.OutboxMessage{newMessage("msg-new", q2, t0)}},
			nil,
		},
		"payment request key changed": {
			store.Change{Payment: func() store.Payment {
				p := p4
				p.RequestID = "req-other"
				return p
			}(), ExpectedVersion: 3},
			nil,
		},
		"updated refund of another payment": {
			store.Change{Payment: p4, ExpectedVersion: 3, UpdatedRefunds: []store.Refund{func() store.Refund {
				r := rb
				r.PaymentID = p4.ID
				return r
			}()}},
			nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := s.Commit(ctx, tc.change)
			require.Error(t, err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			} else {
				assert.NotErrorIs(t, err, store.ErrAlreadyExists)
				assert.NotErrorIs(t, err, store.ErrConflict)
			}
			assert.Equal(t, before, capture(t, s, "pay-1"))
			_, err = s.GetRefund(ctx, "ref-new")
			assert.ErrorIs(t, err, store.ErrNotFound)
			_, err = s.GetRefundByRequest(ctx, "partner-a", "rreq-new")
			assert.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

func TestFailingCommitLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p1 := create(t, s, newPayment("pay-1", "partner-a", "req-1"))
	p2 := next(p1, "SUCCESS")
	require.NoError(t, s.Commit(ctx, store.Change{
		Payment:         p2,
		ExpectedVersion: 1,
		NewRefunds:      []store.Refund{newRefund("ref-1", p2, "rreq-1")},
		Events:          []store.Event{event(p2, "debit_succeeded", "ACCEPT", "SUCCESS")},
		Outbox:          []store.OutboxMessage{newMessage("msg-1", p2, t0)},
	}))
	before := capture(t, s, "pay-1")

	// Everything in this change is fine except the last refund, whose
	// request key collides with ref-1.
	p3 := next(p2, "SUCCESS")
	p3.HeldAmount = 200
	err := s.Commit(ctx, store.Change{
		Payment:         p3,
		ExpectedVersion: 2,
		NewRefunds: []store.Refund{
			newRefund("ref-2", p3, "rreq-2"),
			newRefund("ref-3", p3, "rreq-1"),
		},
		Events: []store.Event{event(p3, "refund", "SUCCESS", "SUCCESS")},
		Outbox: []store.OutboxMessage{newMessage("msg-2", p3, t0)},
	})
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	assert.Equal(t, before, capture(t, s, "pay-1"))
	_, err = s.GetRefund(ctx, "ref-2")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetRefundByRequest(ctx, "partner-a", "rreq-2")
	assert.ErrorIs(t, err, store.ErrNotFound)

	// A colliding outbox message id fails the whole change as well.
	err = s.Commit(ctx, store.Change{
		Payment:         p3,
		ExpectedVersion: 2,
		NewRefunds:      []store.Refund{newRefund("ref-2", p3, "rreq-2")},
		Events:          []store.Event{event(p3, "refund", "SUCCESS", "SUCCESS")},
		Outbox:          []store.OutboxMessage{newMessage("msg-1", p3, t0)},
	})
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	assert.Equal(t, before, capture(t, s, "pay-1"))
	claimed, err := s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	assert.Equal(t, "msg-1", claimed[0].ID)

	// A failed create leaves neither the payment nor anything else behind.
	q := newPayment("pay-2", "partner-a", "req-2")
	err = s.Commit(ctx, store.Change{
		Payment:    q,
		NewRefunds: []store.Refund{newRefund("ref-1", q, "rreq-9")},
		Events:     []store.Event{event(q, "create", "", "INIT")},
		Outbox:     []store.OutboxMessage{newMessage("msg-9", q, t0)},
	})
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	_, err = s.GetPayment(ctx, "pay-2")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetPaymentByRequest(ctx, "partner-a", "req-2")
	assert.ErrorIs(t, err, store.ErrNotFound)
	hist, err := s.History(ctx, "pay-2")
	require.NoError(t, err)
	assert.Empty(t, hist)
	msgs, err := s.Outbox(ctx, "pay-2")
	require.NoError(t, err)
	assert.Empty(t, msgs)
}

func TestCopies(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p := newPayment("pay-1", "partner-a", "req-1")
	r := newRefund("ref-1", p, "rreq-1")
	change := store.Change{
		Payment:    p,
		NewRefunds: []store.Refund{r},
		Events:     []store.Event{event(p, "create", "", "INIT")},
		Outbox:     []store.OutboxMessage{newMessage("msg-1", p, t0)},
	}
	require.NoError(t, s.Commit(ctx, change))
	want := capture(t, s, "pay-1")
	wantOrderData := string(p.OrderData)

	// Mutating what was passed to Commit changes nothing stored.
	change.Payment.OrderData[0] = 'X'
	change.NewRefunds[0].Status = "MUTATED"
	change.Events[0].Name = "MUTATED"
	change.Outbox[0].Status = "MUTATED"
	assert.Equal(t, want, capture(t, s, "pay-1"))
	assert.Equal(t, wantOrderData, string(want.snap.Payment.OrderData))

	// Mutating what was returned changes nothing stored.
	got := capture(t, s, "pay-1")
	got.snap.Payment.OrderData[0] = 'Y'
	got.snap.Payment.Status = "MUTATED"
	got.snap.Refunds[0].Status = "MUTATED"
	got.history[0].Name = "MUTATED"
	got.outbox[0].Status = "MUTATED"
	_ = append(got.snap.Refunds[:0], store.Refund{ID: "appended"})
	_ = append(got.history[:0], store.Event{Name: "appended"})
	assert.Equal(t, want, capture(t, s, "pay-1"))

	byReq, err := s.GetPaymentByRequest(ctx, "partner-a", "req-1")
	require.NoError(t, err)
	byReq.Payment.OrderData[1] = 'Z'
	byReq.Refunds[0].Amount = -1
	claimed, err := s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	claimed[0].LeaseOwner = "someone-else"
	assert.Equal(t, want.snap, capture(t, s, "pay-1").snap)
	require.NoError(t, s.RecordDelivery(ctx, store.Delivery{MessageID: "msg-1", Owner: "d1", At: t0, Delivered: true}))
}

// TestRecordsHaveNoHiddenReferences guards the copy logic: memstore copies
// Payment.OrderData explicitly and relies on every other record field being
// a plain value. A new slice, map or pointer field must get a deep copy.
func TestRecordsHaveNoHiddenReferences(t *testing.T) {
	allowed := map[string]bool{"Payment.OrderData": true}
	for _, v := range []any{store.Payment{}, store.Refund{}, store.Event{}, store.OutboxMessage{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func:
				assert.True(t, allowed[typ.Name()+"."+f.Name], "%s.%s needs a deep copy in memstore", typ.Name(), f.Name)
			}
		}
	}
}

func TestDueExpiries(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	now := t0.Add(time.Hour)
	add := func(id, status string, expires time.Time) {
		p := newPayment(id, "partner-a", "req-"+id)
		p.Status = status
		p.ExpiresAt = expires
		create(t, s, p)
	}
	add("late", "ACCEPT", now.Add(-time.Minute))
	add("exact", "ACCEPT", now)
	add("future", "ACCEPT", now.Add(time.Nanosecond))
	add("early", "ACCEPT", now.Add(-time.Hour))
	add("init", "INIT", now.Add(-2*time.Hour))
	add("done", "SUCCESS", now.Add(-2*time.Hour))
	add("tie-b", "ACCEPT", now.Add(-30*time.Minute))
	add("tie-a", "ACCEPT", now.Add(-30*time.Minute))

	ids, err := s.DueExpiries(ctx, now, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"early", "tie-a", "tie-b", "late", "exact"}, ids)

	ids, err = s.DueExpiries(ctx, now, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"early", "tie-a"}, ids)

	ids, err = s.DueExpiries(ctx, now.Add(-time.Hour-time.Nanosecond), 10)
	require.NoError(t, err)
	assert.Empty(t, ids)
}

func TestDueChecks(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	now := t0.Add(time.Hour)

	withOp := func(id, op string, at time.Time) store.Payment {
		p := newPayment(id, "partner-a", "req-"+id)
		p.Status = "ACCEPT"
		p.PendingOp = op
		p.OpID = "op-" + id
		p.NextCheckAt = at
		return create(t, s, p)
	}
	withOp("p-debit", "debit", now.Add(-10*time.Minute))
	withOp("p-reversal", "reversal", now)
	withOp("p-future", "debit", now.Add(time.Second))
	withOp("p-none", "", now.Add(-time.Hour)) // no operation in flight
	host := withOp("p-host", "", time.Time{})

	h2 := next(host, "SUCCESS")
	refund := func(id, status string, at time.Time) store.Refund {
		r := newRefund(id, h2, "rreq-"+id)
		r.Status = status
		r.NextCheckAt = at
		return r
	}
	require.NoError(t, s.Commit(ctx, store.Change{
		Payment:         h2,
		ExpectedVersion: 1,
		NewRefunds: []store.Refund{
			refund("r-early", "INIT", now.Add(-20*time.Minute)),
			refund("r-tie", "INIT", now.Add(-10*time.Minute)),
			refund("r-future", "INIT", now.Add(time.Minute)),
			refund("r-done", "SUCCESS", now.Add(-time.Hour)),
			refund("r-failed", "FAIL", now.Add(-time.Hour)),
		},
	}))

	checks, err := s.DueChecks(ctx, now, 10)
	require.NoError(t, err)
	assert.Equal(t, []store.Check{
		{PaymentID: "p-host", RefundID: "r-early"},
		{PaymentID: "p-debit"}, // ties with r-tie at -10m; "p-debit" < "p-host"
		{PaymentID: "p-host", RefundID: "r-tie"},
		{PaymentID: "p-reversal"},
	}, checks)

	checks, err = s.DueChecks(ctx, now, 2)
	require.NoError(t, err)
	assert.Equal(t, []store.Check{
		{PaymentID: "p-host", RefundID: "r-early"},
		{PaymentID: "p-debit"},
	}, checks)

	checks, err = s.DueChecks(ctx, now.Add(-time.Hour), 10)
	require.NoError(t, err)
	assert.Empty(t, checks)
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p := create(t, s, newPayment("pay-1", "partner-a", "req-1"))
	p2 := next(p, "SUCCESS")
	m1 := newMessage("msg-b", p2, t0)
	m2 := newMessage("msg-a", p2, t0) // same due time and CreatedAt: id decides
	m3 := newMessage("msg-c", p2, t0.Add(-time.Minute))
	m4 := newMessage("msg-d", p2, t0.Add(31*time.Second)) // due when d2's lease expires
	require.NoError(t, s.Commit(ctx, store.Change{
		Payment: p2, ExpectedVersion: 1,
		Outbox: []store.OutboxMessage{m1, m2, m3, m4},
	}))

	all, err := s.Outbox(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, []store.OutboxMessage{m1, m2, m3, m4}, all, "creation order")

	lease := 30 * time.Second
	got, err := s.ClaimOutbox(ctx, "d1", t0, lease, 2)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "msg-c", got[0].ID)
	assert.Equal(t, "msg-a", got[1].ID)
	for _, m := range got {
		assert.Equal(t, "d1", m.LeaseOwner)
		assert.Equal(t, t0.Add(lease), m.LeaseUntil)
	}

	// d2 gets only what is left; the leased messages are not offered again.
	got2, err := s.ClaimOutbox(ctx, "d2", t0.Add(time.Second), lease, 10)
	require.NoError(t, err)
	require.Len(t, got2, 1)
	assert.Equal(t, "msg-b", got2[0].ID)

	got3, err := s.ClaimOutbox(ctx, "d2", t0.Add(lease-time.Nanosecond), lease, 10)
	require.NoError(t, err)
	assert.Empty(t, got3, "leases still held")

	// d1 delivers msg-c and parks nothing yet; msg-a fails and is retried later.
	require.NoError(t, s.RecordDelivery(ctx, store.Delivery{
		MessageID: "msg-c", Owner: "d1", At: t0.Add(time.Second), Delivered: true,
	}))
	retryAt := t0.Add(10 * time.Minute)
	require.NoError(t, s.RecordDelivery(ctx, store.Delivery{
		MessageID: "msg-a", Owner: "d1", At: t0.Add(time.Second), Error: "http 500", NextAttemptAt: retryAt,
	}))
	// A second record without a lease is refused.
	err = s.RecordDelivery(ctx, store.Delivery{MessageID: "msg-a", Owner: "d1", At: t0.Add(2 * time.Second), Delivered: true})
	assert.ErrorIs(t, err, store.ErrLeaseLost)

	// msg-b's lease (d2) expires; d3 takes it over at exactly LeaseUntil.
	expiry := t0.Add(time.Second + lease)
	got4, err := s.ClaimOutbox(ctx, "d3", expiry, lease, 10)
	require.NoError(t, err)
	ids := make([]string, 0, len(got4))
	for _, m := range got4 {
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"msg-b", "msg-d"}, ids)

	// d2 comes back late: its lease is lost and nothing is counted.
	err = s.RecordDelivery(ctx, store.Delivery{MessageID: "msg-b", Owner: "d2", At: expiry, Delivered: true})
	assert.ErrorIs(t, err, store.ErrLeaseLost)

	// d3 parks msg-b and delivers msg-d.
	require.NoError(t, s.RecordDelivery(ctx, store.Delivery{
		MessageID: "msg-b", Owner: "d3", At: expiry, Error: "timeout", Park: true, NextAttemptAt: expiry,
	}))
	require.NoError(t, s.RecordDelivery(ctx, store.Delivery{
		MessageID: "msg-d", Owner: "d3", At: expiry, Delivered: true,
	}))

	all, err = s.Outbox(ctx, "pay-1")
	require.NoError(t, err)
	require.Len(t, all, 4)
	byID := map[string]store.OutboxMessage{}
	for _, m := range all {
		assert.Empty(t, m.LeaseOwner, m.ID)
		assert.True(t, m.LeaseUntil.IsZero(), m.ID)
		byID[m.ID] = m
	}
	assert.Equal(t, t0.Add(time.Second), byID["msg-c"].DeliveredAt)
	assert.Equal(t, 1, byID["msg-c"].Attempts)
	assert.Equal(t, 1, byID["msg-a"].Attempts)
	assert.Equal(t, "http 500", byID["msg-a"].LastError)
	assert.Equal(t, retryAt, byID["msg-a"].NextAttemptAt)
	assert.True(t, byID["msg-a"].DeliveredAt.IsZero())
	assert.True(t, byID["msg-b"].Parked)
	assert.Equal(t, 1, byID["msg-b"].Attempts, "d2's late attempt is not counted")
	assert.Equal(t, "timeout", byID["msg-b"].LastError)
	assert.Equal(t, t0, byID["msg-b"].NextAttemptAt, "park leaves NextAttemptAt alone")
	assert.Equal(t, expiry, byID["msg-d"].DeliveredAt)

	// Far in the future only the retried message is due; delivered and
	// parked ones never come back.
	got5, err := s.ClaimOutbox(ctx, "d4", t0.Add(24*time.Hour), lease, 10)
	require.NoError(t, err)
	require.Len(t, got5, 1)
	assert.Equal(t, "msg-a", got5[0].ID)
	assert.Equal(t, 1, got5[0].Attempts)
}

func TestContextHonoured(t *testing.T) {
	s := memstore.New()
	create(t, s, newPayment("pay-1", "partner-a", "req-1"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := s.GetPayment(ctx, "pay-1")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.GetPaymentByRequest(ctx, "partner-a", "req-1")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.GetRefund(ctx, "x")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.GetRefundByRequest(ctx, "partner-a", "x")
	assert.ErrorIs(t, err, context.Canceled)
	err = s.Commit(ctx, store.Change{Payment: newPayment("pay-2", "partner-a", "req-2")})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.History(ctx, "pay-1")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.DueExpiries(ctx, t0, 10)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.DueChecks(ctx, t0, 10)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10)
	assert.ErrorIs(t, err, context.Canceled)
	err = s.RecordDelivery(ctx, store.Delivery{MessageID: "x", Owner: "d1"})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.Outbox(ctx, "pay-1")
	assert.ErrorIs(t, err, context.Canceled)

	_, err = s.GetPayment(context.Background(), "pay-2")
	assert.ErrorIs(t, err, store.ErrNotFound, "cancelled commit applied nothing")
}

func TestConcurrentCommits(t *testing.T) {
	const workers = 32
	const attempts = 25
	ctx := context.Background()
	s := memstore.New()
	create(t, s, newPayment("pay-1", "partner-a", "req-1"))

	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		successes int
		unexpect  []error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range attempts {
				snap, err := s.GetPayment(ctx, "pay-1")
				if err != nil {
					mu.Lock()
					unexpect = append(unexpect, err)
					mu.Unlock()
					return
				}
				p := snap.Payment
				expected := p.Version
				p.Version++
				p.Amount++ // counts applied commits independently of Version
				p.OrderData = append(p.OrderData, byte('a'+w%26))
				err = s.Commit(ctx, store.Change{
					Payment:         p,
					ExpectedVersion: expected,
					Events:          []store.Event{event(p, "bump", "INIT", "INIT")},
				})
				switch {
				case err == nil:
					mu.Lock()
					successes++
					mu.Unlock()
				case errors.Is(err, store.ErrConflict):
				default:
					mu.Lock()
					unexpect = append(unexpect, err)
					mu.Unlock()
				}
				// Readers race with writers too.
				_, _ = s.History(ctx, "pay-1")
				_, _ = s.DueChecks(ctx, t0, 5)
			}
		}()
	}
	wg.Wait()

	require.Empty(t, unexpect)
	require.Positive(t, successes)
	snap, err := s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, int64(1+successes), snap.Payment.Version)
	assert.Equal(t, int64(1000+successes), snap.Payment.Amount)
	assert.Len(t, snap.Payment.OrderData, len(`{"items":1}`)+successes)

	hist, err := s.History(ctx, "pay-1")
	require.NoError(t, err)
	require.Len(t, hist, 1+successes)
	for i, e := range hist {
		assert.Equal(t, int64(i+1), e.Seq)
	}
}
