package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var keyTests = []test{
	{"DuplicatePaymentID", testDuplicatePaymentID},
	{"DuplicatePaymentRequest", testDuplicatePaymentRequest},
	{"SameRequestIDOtherPartner", testSameRequestIDOtherPartner},
	{"DuplicateRefundID", testDuplicateRefundID},
	{"DuplicateRefundRequest", testDuplicateRefundRequest},
	{"DuplicateRefundInOneChange", testDuplicateRefundInOneChange},
	{"DuplicateOutboxID", testDuplicateOutboxID},
}

// testDuplicatePaymentID: creating a payment whose id is taken fails with
// ErrAlreadyExists, even under a fresh request key, and changes nothing.
func testDuplicatePaymentID(t *testing.T, h *harness) {
	p := h.create(newPayment("pay-1", "partner-a", "req-1"))
	before := h.state(p.ID)

	dup := newPayment("pay-1", "partner-b", "req-2")
	dup.Amount = 1
	err := h.s.Commit(h.ctx, store.Change{
		Payment: dup,
		Events:  []store.Event{event(dup, "create", "", "ACCEPT")},
		Outbox:  []store.OutboxMessage{newMessage("msg-dup", dup, t0)},
	})
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	require.Equal(t, before, h.state(p.ID))
	_, err = h.s.GetPaymentByRequest(h.ctx, "partner-b", "req-2")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// testDuplicatePaymentRequest: creating a payment under a (partner,
// request id) that is taken fails with ErrAlreadyExists and stores nothing
// under the new id.
func testDuplicatePaymentRequest(t *testing.T, h *harness) {
	p := h.create(newPayment("pay-1", "partner-a", "req-1"))
	before := h.state(p.ID)

	dup := newPayment("pay-2", "partner-a", "req-1")
	err := h.s.Commit(h.ctx, store.Change{
		Payment: dup,
		Events:  []store.Event{event(dup, "create", "", "ACCEPT")},
		Outbox:  []store.OutboxMessage{newMessage("msg-dup", dup, t0)},
	})
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	require.Equal(t, before, h.state(p.ID))
	_, err = h.s.GetPayment(h.ctx, "pay-2")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Empty(t, h.history("pay-2"))
	require.Empty(t, h.outbox("pay-2"))
	snap, err := h.s.GetPaymentByRequest(h.ctx, "partner-a", "req-1")
	require.NoError(t, err)
	require.Equal(t, "pay-1", snap.Payment.ID)
}

// testSameRequestIDOtherPartner: request ids are unique per partner only.
func testSameRequestIDOtherPartner(t *testing.T, h *harness) {
	a := h.create(newPayment("pay-a", "partner-a", "order-1"))
	b := newPayment("pay-b", "partner-b", "order-1")
	b.Amount = 42
	h.create(b)

	snap, err := h.s.GetPaymentByRequest(h.ctx, "partner-a", "order-1")
	require.NoError(t, err)
	require.Equal(t, norm(a), norm(snap.Payment))
	snap, err = h.s.GetPaymentByRequest(h.ctx, "partner-b", "order-1")
	require.NoError(t, err)
	require.Equal(t, norm(b), norm(snap.Payment))

	// Refund request ids likewise.
	a2, b2 := next(paid(a)), next(paid(b))
	ra, rb := newRefund("ref-a", a2, "refund-1", 10), newRefund("ref-b", b2, "refund-1", 20)
	h.commit(store.Change{Payment: a2, ExpectedVersion: 1, NewRefunds: []store.Refund{ra}})
	h.commit(store.Change{Payment: b2, ExpectedVersion: 1, NewRefunds: []store.Refund{rb}})
	got, err := h.s.GetRefundByRequest(h.ctx, "partner-a", "refund-1")
	require.NoError(t, err)
	require.Equal(t, norm(ra), norm(got))
	got, err = h.s.GetRefundByRequest(h.ctx, "partner-b", "refund-1")
	require.NoError(t, err)
	require.Equal(t, norm(rb), norm(got))
}

// testDuplicateRefundID: refund ids are unique across all payments.
func testDuplicateRefundID(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(paid(newPayment("pay-2", "partner-a", "req-2")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{newRefund("ref-1", p2, "rreq-1", 100)}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	for _, target := range []store.Payment{p2, q} {
		u := next(target)
		u.HeldAmount += 200
		dup := newRefund("ref-1", u, "rreq-fresh", 200)
		err := h.s.Commit(h.ctx, store.Change{
			Payment: u, ExpectedVersion: target.Version, NewRefunds: []store.Refund{dup},
			Events: []store.Event{event(u, "open_credit", "NEW", "INIT")},
		})
		require.ErrorIs(t, err, store.ErrAlreadyExists, "refund id of payment pay-1 reused on %s", target.ID)
	}
	require.Equal(t, beforeP, h.state(p.ID))
	require.Equal(t, beforeQ, h.state(q.ID))
	_, err := h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-fresh")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// testDuplicateRefundRequest: (partner, refund request id) is unique across
// all payments of the partner.
func testDuplicateRefundRequest(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(paid(newPayment("pay-2", "partner-a", "req-2")))
	p2 := next(p)
	r := newRefund("ref-1", p2, "rreq-1", 100)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	for _, target := range []store.Payment{p2, q} {
		u := next(target)
		dup := newRefund("ref-fresh", u, "rreq-1", 200)
		err := h.s.Commit(h.ctx, store.Change{Payment: u, ExpectedVersion: target.Version, NewRefunds: []store.Refund{dup}})
		require.ErrorIs(t, err, store.ErrAlreadyExists, "refund request rreq-1 reused on %s", target.ID)
	}
	require.Equal(t, beforeP, h.state(p.ID))
	require.Equal(t, beforeQ, h.state(q.ID))
	_, err := h.s.GetRefund(h.ctx, "ref-fresh")
	require.ErrorIs(t, err, store.ErrNotFound)
	got, err := h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-1")
	require.NoError(t, err)
	require.Equal(t, norm(r), norm(got))
}

// testDuplicateRefundInOneChange: two new refunds of one change that share
// an id or a request key collide with each other.
func testDuplicateRefundInOneChange(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	before := h.state(p.ID)
	p2 := next(p)
	for name, pair := range map[string][2]store.Refund{
		"same id":          {newRefund("ref-1", p2, "rreq-1", 10), newRefund("ref-1", p2, "rreq-2", 20)},
		"same request key": {newRefund("ref-1", p2, "rreq-1", 10), newRefund("ref-2", p2, "rreq-1", 20)},
	} {
		err := h.s.Commit(h.ctx, store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: pair[:]})
		require.ErrorIs(t, err, store.ErrAlreadyExists, name)
		require.Equal(t, before, h.state(p.ID), name)
	}
}

// testDuplicateOutboxID: outbox message ids are unique across all payments.
func testDuplicateOutboxID(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(paid(newPayment("pay-2", "partner-a", "req-2")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{newMessage("msg-1", p2, t0)}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	for _, target := range []store.Payment{p2, q} {
		u := next(target)
		err := h.s.Commit(h.ctx, store.Change{
			Payment: u, ExpectedVersion: target.Version,
			Events: []store.Event{event(u, "notify", "SUCCESS", "SUCCESS")},
			Outbox: []store.OutboxMessage{newMessage("msg-1", u, t0)},
		})
		require.ErrorIs(t, err, store.ErrAlreadyExists, "message id msg-1 reused on %s", target.ID)
	}
	// Twice within one change.
	u := next(q)
	err := h.s.Commit(h.ctx, store.Change{
		Payment: u, ExpectedVersion: 1,
		Outbox: []store.OutboxMessage{newMessage("msg-2", u, t0), newMessage("msg-2", u, t0)},
	})
	require.ErrorIs(t, err, store.ErrAlreadyExists, "message id twice in one change")
	require.Equal(t, beforeP, h.state(p.ID))
	require.Equal(t, beforeQ, h.state(q.ID))
}
