package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

// malformedTests: a Change that contradicts what only the stored records
// show is a programming error, refused whole. (What a Change says about
// itself is the Shape group's: store.Change.Validate.)
var malformedTests = []test{
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
