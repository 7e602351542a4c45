package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var atomicityTests = []test{
	{"FailedUpdateAppliesNothing", testFailedUpdateAppliesNothing},
	{"FailedCreateAppliesNothing", testFailedCreateAppliesNothing},
}

// atomicityFixture is two paid payments with refunds, history and outbox
// messages; changes that fail must leave all of it exactly as it is.
type atomicityFixture struct {
	p2, q2           store.Payment
	r1, r2, rq       store.Refund
	m1, mq           store.OutboxMessage
	beforeP, beforeQ paymentState
}

func newAtomicityFixture(h *harness) *atomicityFixture {
	h.t.Helper()
	f := &atomicityFixture{}
	p := h.create(paid(newPayment("pay-p", "partner-a", "req-p")))
	q := h.create(paid(newPayment("pay-q", "partner-a", "req-q")))

	f.p2 = next(p)
	f.p2.HeldAmount, f.p2.RefundedAmount = 100, 200
	f.r1 = newRefund("ref-1", f.p2, "rreq-1", 100)
	f.r2 = newRefund("ref-2", f.p2, "rreq-2", 200)
	f.r2.Status, f.r2.FinishedAt = "SUCCESS", t0.Add(time.Minute)
	f.m1 = newMessage("msg-1", f.p2, t0)
	h.commit(store.Change{
		Payment: f.p2, ExpectedVersion: 1,
		NewRefunds: []store.Refund{f.r1, f.r2},
		Events: []store.Event{
			event(f.p2, "open_credit", "NEW", "INIT"),
			event(f.p2, "credit_succeeded", "INIT", "SUCCESS"),
		},
		Outbox: []store.OutboxMessage{f.m1},
	})

	f.q2 = next(q)
	f.q2.HeldAmount = 300
	f.rq = newRefund("ref-q", f.q2, "rreq-q", 300)
	f.mq = newMessage("msg-q", f.q2, t0.Add(time.Second))
	h.commit(store.Change{
		Payment: f.q2, ExpectedVersion: 1,
		NewRefunds: []store.Refund{f.rq},
		Events:     []store.Event{event(f.q2, "open_credit", "NEW", "INIT")},
		Outbox:     []store.OutboxMessage{f.mq},
	})
	f.beforeP, f.beforeQ = h.state(f.p2.ID), h.state(f.q2.ID)
	return f
}

// requireUnchanged checks that nothing failed changes is visible.
func (f *atomicityFixture) requireUnchanged(h *harness, name string) {
	h.t.Helper()
	require.Equal(h.t, f.beforeP, h.state(f.p2.ID), "%s: payment pay-p, its refunds, history and outbox", name)
	require.Equal(h.t, f.beforeQ, h.state(f.q2.ID), "%s: payment pay-q, its refunds, history and outbox", name)
	_, err := h.s.GetRefund(h.ctx, "ref-new")
	require.ErrorIs(h.t, err, store.ErrNotFound, "%s: refund ref-new", name)
	_, err = h.s.GetRefund(h.ctx, "ref-new-2")
	require.ErrorIs(h.t, err, store.ErrNotFound, "%s: refund ref-new-2", name)
	_, err = h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-new")
	require.ErrorIs(h.t, err, store.ErrNotFound, "%s: refund request rreq-new", name)
	_, err = h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-new-2")
	require.ErrorIs(h.t, err, store.ErrNotFound, "%s: refund request rreq-new-2", name)
}

// requireOnlyOldMessagesClaimable checks that no message of a failed
// commit can be claimed. It leases the old messages, so call it last.
func (f *atomicityFixture) requireOnlyOldMessagesClaimable(h *harness) {
	h.t.Helper()
	require.ElementsMatch(h.t, []string{f.m1.ID, f.mq.ID}, messageIDs(h.claim("probe", t0.Add(24*time.Hour), time.Minute, 100)))
}

// testFailedUpdateAppliesNothing: an update that changes the payment,
// updates a refund, creates refunds and adds events and messages fails as a
// whole when any one part of it fails; the colliding part comes last so
// that a backend writing in order must roll back what it already wrote.
func testFailedUpdateAppliesNothing(t *testing.T, h *harness) {
	f := newAtomicityFixture(h)

	// base is a valid change to pay-p at version 2.
	base := func() store.Change {
		p3 := next(f.p2)
		p3.HeldAmount, p3.RefundedAmount = 300, 300
		p3.OrderData = []byte("changed")
		r1 := f.r1
		r1.Status, r1.FinishedAt, r1.UpdatedAt = "SUCCESS", p3.UpdatedAt, p3.UpdatedAt
		return store.Change{
			Payment: p3, ExpectedVersion: 2,
			NewRefunds:     []store.Refund{newRefund("ref-new", p3, "rreq-new", 300)},
			UpdatedRefunds: []store.Refund{r1},
			Events: []store.Event{
				event(p3, "credit_succeeded", "INIT", "SUCCESS"),
				event(p3, "open_credit", "NEW", "INIT"),
			},
			Outbox: []store.OutboxMessage{newMessage("msg-new", p3, t0)},
		}
	}
	addRefund := func(c *store.Change, id, request string) {
		c.NewRefunds = append(c.NewRefunds, newRefund(id, c.Payment, request, 1))
	}
	addMessage := func(c *store.Change, id string) {
		c.Outbox = append(c.Outbox, newMessage(id, c.Payment, t0))
	}
	cases := []struct {
		name   string
		breaks func(c *store.Change)
		want   error // nil: any error
		ctx    func() context.Context
	}{
		{"refund request key of this payment", func(c *store.Change) { addRefund(c, "ref-new-2", f.r1.RequestID) }, store.ErrAlreadyExists, nil},
		{"refund request key of another payment", func(c *store.Change) { addRefund(c, "ref-new-2", f.rq.RequestID) }, store.ErrAlreadyExists, nil},
		{"refund id of this payment", func(c *store.Change) { addRefund(c, f.r2.ID, "rreq-new-2") }, store.ErrAlreadyExists, nil},
		{"refund id of another payment", func(c *store.Change) { addRefund(c, f.rq.ID, "rreq-new-2") }, store.ErrAlreadyExists, nil},
		{"outbox id of this payment", func(c *store.Change) { addMessage(c, f.m1.ID) }, store.ErrAlreadyExists, nil},
		{"outbox id of another payment", func(c *store.Change) { addMessage(c, f.mq.ID) }, store.ErrAlreadyExists, nil},
		{"stale version", func(c *store.Change) { c.ExpectedVersion, c.Payment.Version = 1, 2 }, store.ErrConflict, nil},
		{"cancelled context", func(*store.Change) {}, nil, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
	}
	for _, tc := range cases {
		c := base()
		tc.breaks(&c)
		ctx := h.ctx
		if tc.ctx != nil {
			ctx = tc.ctx()
		}
		err := h.s.Commit(ctx, c)
		if tc.want != nil {
			require.ErrorIs(t, err, tc.want, tc.name)
		} else {
			require.Error(t, err, tc.name)
		}
		f.requireUnchanged(h, tc.name)
	}
	f.requireOnlyOldMessagesClaimable(h)

	// The change itself was fine: each failure came from its broken part.
	c := base()
	h.commit(c)
	snap := h.snapshot(f.p2.ID)
	require.Equal(t, int64(3), snap.Payment.Version)
	require.Equal(t, []string{"ref-1", "ref-2", "ref-new"}, refundIDs(snap.Refunds))
	require.Equal(t, "SUCCESS", snap.Refunds[0].Status)
	require.Equal(t, []string{"create", "open_credit", "credit_succeeded", "credit_succeeded", "open_credit"}, eventNames(h.history(f.p2.ID)))
	require.Equal(t, []string{"msg-1", "msg-new"}, messageIDs(h.outbox(f.p2.ID)))
}

// testFailedCreateAppliesNothing: a create that fails leaves no payment, no
// request key, no refund, no event and no message behind.
func testFailedCreateAppliesNothing(t *testing.T, h *harness) {
	f := newAtomicityFixture(h)

	base := fullCreate
	cases := []struct {
		name   string
		breaks func(c *store.Change)
	}{
		{"request key taken", func(c *store.Change) { c.Payment.RequestID = "req-p" }},
		{"refund id taken", func(c *store.Change) {
			c.NewRefunds = append(c.NewRefunds, newRefund(f.r1.ID, c.Payment, "rreq-new-2", 1))
		}},
		{"refund request key taken", func(c *store.Change) {
			c.NewRefunds = append(c.NewRefunds, newRefund("ref-new-2", c.Payment, f.rq.RequestID, 1))
		}},
		{"outbox id taken", func(c *store.Change) {
			c.Outbox = append(c.Outbox, newMessage(f.mq.ID, c.Payment, t0))
		}},
	}
	for _, tc := range cases {
		c := base()
		tc.breaks(&c)
		for i := range c.NewRefunds {
			c.NewRefunds[i].PaymentID = c.Payment.ID
		}
		err := h.s.Commit(h.ctx, c)
		require.ErrorIs(t, err, store.ErrAlreadyExists, tc.name)
		f.requireUnchanged(h, tc.name)
		h.requireNoPayment("pay-new", "partner-a", "req-new")
		snap, err := h.s.GetPaymentByRequest(h.ctx, "partner-a", "req-p")
		require.NoError(t, err, tc.name)
		require.Equal(t, "pay-p", snap.Payment.ID, tc.name)
	}
	f.requireOnlyOldMessagesClaimable(h)

	h.commit(base())
	require.Equal(t, []string{"ref-new"}, refundIDs(h.snapshot("pay-new").Refunds))
	require.Equal(t, []string{"msg-new"}, messageIDs(h.outbox("pay-new")))
	require.Len(t, h.history("pay-new"), 1)
	require.True(t, slices.Contains(messageIDs(h.claim("probe-2", t0.Add(24*time.Hour), time.Minute, 100)), "msg-new"))
}

// fullCreate is a valid Change that creates payment pay-new (partner-a,
// req-new) with one of every record: a refund, an event and a message.
func fullCreate() store.Change {
	n := paid(newPayment("pay-new", "partner-a", "req-new"))
	return store.Change{
		Payment:    n,
		NewRefunds: []store.Refund{newRefund("ref-new", n, "rreq-new", 10)},
		Events:     []store.Event{event(n, "create", "", "SUCCESS")},
		Outbox:     []store.OutboxMessage{newMessage("msg-new", n, t0)},
	}
}
