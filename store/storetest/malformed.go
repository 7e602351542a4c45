package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var malformedTests = []test{
	{"WrongVersions", testWrongVersions},
	{"RecordsOfAnotherPayment", testRecordsOfAnotherPayment},
}

// requireRefused checks that err refuses a malformed Change: an error, but
// neither ErrConflict (the engine would reload and try again) nor
// ErrAlreadyExists (it would answer the stored twin).
func requireRefused(t *testing.T, err error, name string) {
	t.Helper()
	require.Error(t, err, name)
	require.NotErrorIs(t, err, store.ErrConflict, name)
	require.NotErrorIs(t, err, store.ErrAlreadyExists, name)
}

// testWrongVersions: a created payment must have version 1 and an updated
// one ExpectedVersion+1 (store.Change); a Change that says otherwise is a
// programming error, refused as a whole, not a conflict.
func testWrongVersions(t *testing.T, h *harness) {
	p := h.create(newPayment("pay-1", "partner-a", "req-1"))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1})
	before := h.state(p.ID)

	for _, version := range []int64{2, 4, 5} {
		u := p2
		u.Version = version
		u.Status = "CLOSED"
		err := h.s.Commit(h.ctx, store.Change{
			Payment: u, ExpectedVersion: 2,
			Events: []store.Event{event(u, "close", "ACCEPT", "CLOSED")},
			Outbox: []store.OutboxMessage{newMessage("msg-bad", u, t0)},
		})
		requireRefused(t, err, fmt.Sprintf("update at version 2 to version %d", version))
		require.Equal(t, before, h.state(p.ID))
	}

	for _, version := range []int64{0, 2} {
		n := newPayment("pay-2", "partner-a", "req-2")
		n.Version = version
		err := h.s.Commit(h.ctx, store.Change{Payment: n, Events: []store.Event{event(n, "create", "", "ACCEPT")}})
		requireRefused(t, err, fmt.Sprintf("create at version %d", version))
		h.requireNoPayment("pay-2", "partner-a", "req-2")
	}
	require.Empty(t, h.claim("probe", t0.Add(24*time.Hour), time.Minute, 10), "no message of a refused change")
}

// testRecordsOfAnotherPayment: every refund, event and message of a Change
// belongs to its payment, an updated refund is a stored refund of that
// payment, and the payment keeps its request key; a Change that breaks
// any of this is refused as a whole.
func testRecordsOfAnotherPayment(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	r1 := newRefund("ref-1", p2, "rreq-1", 100)
	p2.HeldAmount = 100
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r1}})
	q := h.create(paid(newPayment("pay-2", "partner-b", "req-1")))
	q2 := next(q)
	rq := newRefund("ref-q", q2, "rreq-1", 50)
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, NewRefunds: []store.Refund{rq}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	p3 := next(p2)
	cases := []struct {
		name   string
		change store.Change
	}{
		{"new refund of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			NewRefunds: []store.Refund{newRefund("ref-new", q2, "rreq-new", 1)}}},
		{"updated refund not stored", store.Change{Payment: p3, ExpectedVersion: 2,
			UpdatedRefunds: []store.Refund{newRefund("ref-new", p3, "rreq-new", 1)}}},
		{"updated refund of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			UpdatedRefunds: []store.Refund{func() store.Refund {
				r := rq
				r.PaymentID, r.Status = p3.ID, "SUCCESS"
				return r
			}()}}},
		{"refund both new and updated", store.Change{Payment: p3, ExpectedVersion: 2,
			NewRefunds:     []store.Refund{newRefund("ref-new", p3, "rreq-new", 1)},
			UpdatedRefunds: []store.Refund{newRefund("ref-new", p3, "rreq-new", 1)}}},
		{"event of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			Events: []store.Event{event(q2, "touch", "SUCCESS", "SUCCESS")}}},
		{"message of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			Outbox: []store.OutboxMessage{newMessage("msg-new", q2, t0)}}},
		{"request key changed", store.Change{Payment: func() store.Payment {
			u := p3
			u.RequestID = "req-other"
			return u
		}(), ExpectedVersion: 2}},
	}
	for _, tc := range cases {
		requireRefused(t, h.s.Commit(h.ctx, tc.change), tc.name)
		require.Equal(t, beforeP, h.state(p.ID), tc.name)
		require.Equal(t, beforeQ, h.state(q.ID), tc.name)
		_, err := h.s.GetRefund(h.ctx, "ref-new")
		require.ErrorIs(t, err, store.ErrNotFound, tc.name)
		_, err = h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-new")
		require.ErrorIs(t, err, store.ErrNotFound, tc.name)
		_, err = h.s.GetPaymentByRequest(h.ctx, "partner-a", "req-other")
		require.ErrorIs(t, err, store.ErrNotFound, tc.name)
	}
	require.Empty(t, h.claim("probe", t0.Add(24*time.Hour), time.Minute, 10), "no message of a refused change")
}
