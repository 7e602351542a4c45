package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var versionTests = []test{
	{"UpdateReplacesAndBumpsVersion", testUpdateReplacesAndBumpsVersion},
	{"StaleVersionConflicts", testStaleVersionConflicts},
	{"UpdateOfMissingPaymentConflicts", testUpdateOfMissingPaymentConflicts},
}

// testUpdateReplacesAndBumpsVersion: a commit at the stored version
// replaces the payment (every field, including ones set back to zero),
// replaces updated refunds, inserts new ones, and stores the new version.
func testUpdateReplacesAndBumpsVersion(t *testing.T, h *harness) {
	p := fullPayment("pay-1", "partner-a", "req-1")
	h.create(p)
	require.Equal(t, int64(1), h.snapshot(p.ID).Payment.Version)

	p2 := next(p)
	p2.HeldAmount += 100
	r1 := newRefund("ref-1", p2, "rreq-1", 100)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r1}})
	require.Equal(t, int64(2), h.snapshot(p.ID).Payment.Version)

	p3 := next(p2)
	p3.Status = "SUCCESS"
	p3.HeldAmount -= 100
	p3.RefundedAmount += 100
	p3.OrderData = []byte("replaced")
	p3.FailReason, p3.FailMessage = "", ""
	p3.ClosedAt, p3.CancelledAt, p3.NextCheckAt = time.Time{}, time.Time{}, time.Time{}
	p3.PendingOp, p3.OpID = "", ""
	p3.CheckAttempts, p3.OpCount = 0, 3
	r1.Status, r1.UpdatedAt, r1.FinishedAt, r1.NextCheckAt = "SUCCESS", p3.UpdatedAt, p3.UpdatedAt, time.Time{}
	r1.CheckAttempts = 1
	r2 := newRefund("ref-2", p3, "rreq-2", 50)
	h.commit(store.Change{
		Payment: p3, ExpectedVersion: 2,
		NewRefunds: []store.Refund{r2}, UpdatedRefunds: []store.Refund{r1},
		Events: []store.Event{event(p3, "credit_succeeded", "INIT", "SUCCESS")},
	})

	snap := h.snapshot(p.ID)
	require.Equal(t, int64(3), snap.Payment.Version)
	require.Equal(t, norm(store.Snapshot{Payment: p3, Refunds: []store.Refund{r1, r2}}), snap)
	got, err := h.s.GetRefund(h.ctx, "ref-1")
	require.NoError(t, err)
	require.Equal(t, norm(r1), norm(got))
	got, err = h.s.GetRefundByRequest(h.ctx, "partner-a", "rreq-1")
	require.NoError(t, err)
	require.Equal(t, norm(r1), norm(got))
	snap, err = h.s.GetPaymentByRequest(h.ctx, "partner-a", "req-1")
	require.NoError(t, err)
	require.Equal(t, norm(p3), norm(snap.Payment))
}

// testStaleVersionConflicts: a commit whose ExpectedVersion is not the
// stored version (older or newer) is ErrConflict and applies nothing.
func testStaleVersionConflicts(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Events: []store.Event{event(p2, "touch", "SUCCESS", "SUCCESS")}})
	before := h.state(p.ID)

	for _, expected := range []int64{1, 3, 7} {
		u := p2
		u.Version = expected + 1
		u.Status = "CLOSED"
		u.HeldAmount = 100
		r := newRefund("ref-stale", u, "rreq-stale", 100)
		err := h.s.Commit(h.ctx, store.Change{
			Payment: u, ExpectedVersion: expected,
			NewRefunds: []store.Refund{r},
			Events:     []store.Event{event(u, "stale", "SUCCESS", "CLOSED")},
			Outbox:     []store.OutboxMessage{newMessage("msg-stale", u, t0)},
		})
		require.ErrorIs(t, err, store.ErrConflict, "expected version %d, stored 2", expected)
		require.Equal(t, before, h.state(p.ID))
		h.requireNoRefund(r)
	}

	// The right version still commits, and then the old one is stale.
	p3 := next(p2)
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2})
	require.Equal(t, int64(3), h.snapshot(p.ID).Payment.Version)
	err := h.s.Commit(h.ctx, store.Change{Payment: p3, ExpectedVersion: 2})
	require.ErrorIs(t, err, store.ErrConflict, "same change twice")
}

// testUpdateOfMissingPaymentConflicts: an update (ExpectedVersion > 0) of a
// payment that does not exist is ErrConflict and creates nothing.
func testUpdateOfMissingPaymentConflicts(t *testing.T, h *harness) {
	h.create(newPayment("pay-other", "partner-a", "req-other"))
	p := next(newPayment("pay-1", "partner-a", "req-1"))
	r := newRefund("ref-1", p, "rreq-1", 100)
	err := h.s.Commit(h.ctx, store.Change{
		Payment: p, ExpectedVersion: 1,
		NewRefunds: []store.Refund{r},
		Events:     []store.Event{event(p, "touch", "ACCEPT", "ACCEPT")},
		Outbox:     []store.OutboxMessage{newMessage("msg-1", p, t0)},
	})
	require.ErrorIs(t, err, store.ErrConflict)
	h.requireNoPayment("pay-1", "partner-a", "req-1")
	h.requireNoRefund(r)
	require.Empty(t, h.claim("d1", t0.Add(time.Hour), time.Minute, 10))
}
