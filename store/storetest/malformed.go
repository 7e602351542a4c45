package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

// malformedTests: a Change that breaks the rules of store.Change is a
// programming error, refused whole. WrongVersions and
// RecordsOfAnotherPayment break what the Change says about itself;
// ContradictsStoredRecords what only the stored records show.
var malformedTests = []test{
	{"WrongVersions", testWrongVersions},
	{"RecordsOfAnotherPayment", testRecordsOfAnotherPayment},
	{"ContradictsStoredRecords", testContradictsStoredRecords},
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

// malformedFixture is two paid payments of two partners under the same
// request id, each with a refund in flight; changes that are refused must
// leave all of it as it is.
type malformedFixture struct {
	p2, q2           store.Payment
	rq               store.Refund
	beforeP, beforeQ paymentState
}

func newMalformedFixture(h *harness) *malformedFixture {
	h.t.Helper()
	f := &malformedFixture{}
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	f.p2 = next(p)
	f.p2.HeldAmount = 100
	h.commit(store.Change{Payment: f.p2, ExpectedVersion: 1, NewRefunds: []store.Refund{newRefund("ref-1", f.p2, "rreq-1", 100)}})
	q := h.create(paid(newPayment("pay-2", "partner-b", "req-1")))
	f.q2 = next(q)
	f.q2.HeldAmount = 50
	f.rq = newRefund("ref-q", f.q2, "rreq-1", 50)
	h.commit(store.Change{Payment: f.q2, ExpectedVersion: 1, NewRefunds: []store.Refund{f.rq}})
	f.beforeP, f.beforeQ = h.state(f.p2.ID), h.state(f.q2.ID)
	return f
}

// requireRefusedWhole commits c and requires that it is refused and that
// nothing of it is stored.
func (f *malformedFixture) requireRefusedWhole(h *harness, name string, c store.Change) {
	h.t.Helper()
	requireRefused(h.t, h.s.Commit(h.ctx, c), name)
	require.Equal(h.t, f.beforeP, h.state(f.p2.ID), name)
	require.Equal(h.t, f.beforeQ, h.state(f.q2.ID), name)
	_, err := h.s.GetRefund(h.ctx, "ref-new")
	require.ErrorIs(h.t, err, store.ErrNotFound, name)
	_, err = h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-new")
	require.ErrorIs(h.t, err, store.ErrNotFound, name)
	_, err = h.s.GetPaymentByRequest(h.ctx, "partner-a", "req-other")
	require.ErrorIs(h.t, err, store.ErrNotFound, name)
	require.Empty(h.t, h.claim("probe", t0.Add(24*time.Hour), time.Minute, 10), "%s: no message of a refused change", name)
}

// testRecordsOfAnotherPayment: every refund, event and message of a Change
// belongs to its payment, and a refund is either new or updated (what the
// Change says about itself); a Change that breaks this is refused whole.
func testRecordsOfAnotherPayment(t *testing.T, h *harness) {
	f := newMalformedFixture(h)
	p3 := next(f.p2)
	for _, tc := range []struct {
		name   string
		change store.Change
	}{
		{"new refund of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			NewRefunds: []store.Refund{newRefund("ref-new", f.q2, "rreq-new", 1)}}},
		{"updated refund of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			UpdatedRefunds: []store.Refund{f.rq}}},
		{"refund both new and updated", store.Change{Payment: p3, ExpectedVersion: 2,
			NewRefunds:     []store.Refund{newRefund("ref-new", p3, "rreq-new", 1)},
			UpdatedRefunds: []store.Refund{newRefund("ref-new", p3, "rreq-new", 1)}}},
		{"event of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			Events: []store.Event{event(f.q2, "touch", "SUCCESS", "SUCCESS")}}},
		{"message of another payment", store.Change{Payment: p3, ExpectedVersion: 2,
			Outbox: []store.OutboxMessage{newMessage("msg-new", f.q2, t0)}}},
	} {
		f.requireRefusedWhole(h, tc.name, tc.change)
	}
}

// testContradictsStoredRecords: an updated refund is a stored refund of
// the Change's payment, and an update keeps the payment's request key
// (what only the stored records show); a Change that breaks this is
// refused whole.
func testContradictsStoredRecords(t *testing.T, h *harness) {
	f := newMalformedFixture(h)
	p3 := next(f.p2)
	otherKey := p3
	otherKey.RequestID = "req-other"
	claimed := f.rq // pay-2's refund, claimed for pay-1
	claimed.PaymentID, claimed.Status = p3.ID, "SUCCESS"
	for _, tc := range []struct {
		name   string
		change store.Change
	}{
		{"updated refund not stored", store.Change{Payment: p3, ExpectedVersion: 2,
			UpdatedRefunds: []store.Refund{newRefund("ref-new", p3, "rreq-new", 1)}}},
		{"stored refund of another payment updated", store.Change{Payment: p3, ExpectedVersion: 2,
			UpdatedRefunds: []store.Refund{claimed}}},
		{"request key changed", store.Change{Payment: otherKey, ExpectedVersion: 2}},
	} {
		f.requireRefusedWhole(h, tc.name, tc.change)
	}
}
