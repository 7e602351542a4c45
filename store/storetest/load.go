package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var loadTests = []test{
	{"RoundTripAllFields", testRoundTripAllFields},
	{"ZeroTimesStayZero", testZeroTimesStayZero},
	{"TimesInOtherZones", testTimesInOtherZones},
	{"RefundsInCreationOrder", testRefundsInCreationOrder},
	{"LoadPaymentWithOneRefund", testLoadPaymentWithOneRefund},
	{"NotFound", testNotFound},
}

// testRoundTripAllFields writes records with every field set and reads
// them back through every read method.
func testRoundTripAllFields(t *testing.T, h *harness) {
	p := fullPayment("pay-full", "partner-a", "req-full")
	e1 := fullEvent(p, "")
	m := fullMessage("msg-full", p)
	requireAllSet(t, p)
	requireAllSet(t, m)
	h.commit(store.Change{Payment: p, Events: []store.Event{e1}, Outbox: []store.OutboxMessage{m}})

	snap, err := h.s.GetPayment(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm(p), norm(snap.Payment))
	require.Empty(t, snap.Refunds)

	snap, err = h.s.GetPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(store.Snapshot{Payment: p}), norm(snap))

	p2 := next(p)
	p2.Status, p2.HeldAmount, p2.UserID = "CLOSED", 0, "user-43"
	r := fullRefund("ref-full", p2, "rreq-full")
	k := fullCapture("cap-full", p2, "creq-full")
	e2 := fullEvent(p2, r.ID)
	requireAllSet(t, r)
	requireAllSet(t, k)
	requireAllSet(t, e2)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r}, NewCaptures: []store.Capture{k},
		Events: []store.Event{e2}})

	want := store.Snapshot{Payment: p2, Refunds: []store.Refund{r}, Captures: []store.Capture{k}}
	snap, err = h.s.GetPayment(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm(want), norm(snap))
	snap, err = h.s.GetPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(want), norm(snap))
	snap, err = h.s.LoadPayment(h.ctx, p.ID, r.ID)
	require.NoError(t, err)
	require.Equal(t, norm(want), norm(snap))

	gotK, err := h.s.GetCaptureByRequest(h.ctx, k.PartnerID, k.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(k), norm(gotK))

	gotR, err := h.s.GetRefund(h.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, norm(r), norm(gotR))
	gotR, err = h.s.GetRefundByRequest(h.ctx, r.PartnerID, r.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(r), norm(gotR))

	events, err := h.s.History(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm([]store.Event{e1, e2}), norm(events))

	msgs, err := h.s.Outbox(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm([]store.OutboxMessage{m}), norm(msgs))
}

// testZeroTimesStayZero: the zero time.Time goes in and comes back zero
// (not the Unix epoch, not a NULL-ish sentinel), in every record.
func testZeroTimesStayZero(t *testing.T, h *harness) {
	p := newPayment("pay-1", "partner-a", "req-1")
	p.ExpiresAt = time.Time{} // even a field the engine always sets
	h.commit(store.Change{
		Payment: p,
		Events:  []store.Event{{PaymentID: p.ID, Seq: 1, Name: "create", To: "ACCEPT"}},
		Outbox:  []store.OutboxMessage{{ID: "msg-1", PaymentID: p.ID, PartnerID: p.PartnerID, Kind: "payment_result"}},
	})
	p2 := next(p)
	r := newRefund("ref-1", p2, "rreq-1", 100)
	r.NextCheckAt = time.Time{}
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r}})

	snap := h.snapshot(p.ID)
	got := snap.Payment
	for name, tm := range map[string]time.Time{
		"PaidAt": got.PaidAt, "ClosedAt": got.ClosedAt, "ExpiresAt": got.ExpiresAt,
		"NextCheckAt": got.NextCheckAt, "CancelledAt": got.CancelledAt,
	} {
		require.Truef(t, tm.IsZero(), "Payment.%s = %s, want the zero time", name, tm)
	}
	require.Equal(t, norm(p2), got)
	require.Len(t, snap.Refunds, 1)
	require.True(t, snap.Refunds[0].FinishedAt.IsZero(), "Refund.FinishedAt")
	require.True(t, snap.Refunds[0].NextCheckAt.IsZero(), "Refund.NextCheckAt")
	require.Equal(t, norm(r), snap.Refunds[0])

	events := h.history(p.ID)
	require.Len(t, events, 1)
	require.True(t, events[0].At.IsZero(), "Event.At")

	msgs := h.outbox(p.ID)
	require.Len(t, msgs, 1)
	m := msgs[0]
	for name, tm := range map[string]time.Time{
		"PaymentCreatedAt": m.PaymentCreatedAt, "PaymentTime": m.PaymentTime, "CreatedAt": m.CreatedAt,
		"NextAttemptAt": m.NextAttemptAt, "LeaseUntil": m.LeaseUntil, "DeliveredAt": m.DeliveredAt,
	} {
		require.Truef(t, tm.IsZero(), "OutboxMessage.%s = %s, want the zero time", name, tm)
	}
}

// testTimesInOtherZones: times handed in with another location keep their
// instant. (The engine's default clock is time.Now, which is in
// time.Local.) The location they come back in is not checked: see the
// package comment.
func testTimesInOtherZones(t *testing.T, h *harness) {
	east := time.FixedZone("UTC+8", 8*3600)
	west := time.FixedZone("UTC-9:30", -(9*3600 + 1800))
	p := fullPayment("pay-1", "partner-a", "req-1")
	p.CreatedAt = p.CreatedAt.In(east)
	p.UpdatedAt = p.UpdatedAt.In(west)
	p.PaidAt = p.PaidAt.In(east)
	p.ExpiresAt = p.ExpiresAt.In(west)
	p.NextCheckAt = p.NextCheckAt.In(time.Local)
	e := fullEvent(p, "")
	e.At = e.At.In(east)
	m := fullMessage("msg-1", p)
	m.NextAttemptAt = m.NextAttemptAt.In(west)
	m.DeliveredAt = m.DeliveredAt.In(east)
	h.commit(store.Change{Payment: p, Events: []store.Event{e}, Outbox: []store.OutboxMessage{m}})
	p2 := next(p)
	r := fullRefund("ref-1", p2, "rreq-1")
	r.CreatedAt = r.CreatedAt.In(west)
	r.FinishedAt = r.FinishedAt.In(east)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r}})

	snap, err := h.s.GetPayment(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm(store.Snapshot{Payment: p2, Refunds: []store.Refund{r}}), norm(snap))
	require.True(t, snap.Payment.PaidAt.Equal(p.PaidAt), "PaidAt keeps its instant")

	events, err := h.s.History(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm([]store.Event{e}), norm(events))

	msgs, err := h.s.Outbox(h.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, norm([]store.OutboxMessage{m}), norm(msgs))
}

// testRefundsInCreationOrder: a snapshot lists the payment's refunds in
// the order they were created (commit order, then order within the
// commit), whatever their ids, all with the same CreatedAt, and an update
// does not move a refund.
func testRefundsInCreationOrder(t *testing.T, h *harness) {
	p := paid(newPayment("pay-1", "partner-a", "req-1"))
	q := paid(newPayment("pay-2", "partner-a", "req-2"))
	h.create(p)
	h.create(q)

	p2 := next(p)
	rc, ra := newRefund("ref-c", p2, "rreq-c", 10), newRefund("ref-a", p2, "rreq-a", 20)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{rc, ra}})

	q2 := next(q)
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, NewRefunds: []store.Refund{newRefund("ref-b0", q2, "rreq-b0", 5)}})

	p3 := next(p2)
	rb := newRefund("ref-b", p3, "rreq-b", 30)
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, NewRefunds: []store.Refund{rb}})

	p4 := next(p3)
	ra.Status, ra.FinishedAt, ra.UpdatedAt = "SUCCESS", t0.Add(time.Hour), t0.Add(time.Hour)
	p4.RefundedAmount = ra.Amount
	h.commit(store.Change{Payment: p4, ExpectedVersion: 3, UpdatedRefunds: []store.Refund{ra}})

	snap := h.snapshot(p.ID)
	require.Equal(t, []string{"ref-c", "ref-a", "ref-b"}, refundIDs(snap.Refunds))
	require.Equal(t, norm([]store.Refund{rc, ra, rb}), snap.Refunds)
	snap, err := h.s.GetPaymentByRequest(h.ctx, "partner-a", "req-1")
	require.NoError(t, err)
	require.Equal(t, []string{"ref-c", "ref-a", "ref-b"}, refundIDs(snap.Refunds))
	require.Equal(t, []string{"ref-b0"}, refundIDs(h.snapshot(q.ID).Refunds))
}

// testLoadPaymentWithOneRefund: LoadPayment returns the payment with the
// one refund it names, as stored (updated, with every field), and nothing
// for a refund id that is another payment's or nobody's;
// LoadPaymentByRequest returns the payment alone.
func testLoadPaymentWithOneRefund(t *testing.T, h *harness) {
	p := fullPayment("pay-1", "partner-a", "req-1")
	q := paid(newPayment("pay-2", "partner-a", "req-2"))
	h.create(p)
	h.create(q)
	p2 := next(p)
	ra, rb := fullRefund("ref-a", p2, "rreq-a"), newRefund("ref-b", p2, "rreq-b", 20)
	p2.RefundCount = 2
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{ra, rb}})
	q2 := next(q)
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, NewRefunds: []store.Refund{newRefund("ref-q", q2, "rreq-q", 5)}})
	p3 := next(p2)
	rb.Status, rb.FinishedAt, rb.UpdatedAt = "SUCCESS", t0.Add(time.Hour), t0.Add(time.Hour)
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, UpdatedRefunds: []store.Refund{rb}})

	for _, c := range []struct {
		refundID string
		want     []store.Refund
	}{{"ref-a", []store.Refund{ra}}, {"ref-b", []store.Refund{rb}}, {"ref-q", nil}, {"ref-none", nil}, {"", nil}} {
		snap, err := h.s.LoadPayment(h.ctx, p.ID, c.refundID)
		require.NoError(t, err, c.refundID)
		require.Equal(t, norm(p3), norm(snap.Payment), c.refundID)
		require.Equal(t, refundIDs(c.want), refundIDs(snap.Refunds), c.refundID)
		if c.want != nil {
			require.Equal(t, norm(c.want), norm(snap.Refunds), c.refundID)
		}
	}
	snap, err := h.s.LoadPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(p3), norm(snap.Payment))
	require.Empty(t, snap.Refunds)
}

// testNotFound: every lookup of something never stored is ErrNotFound,
// also when the id or request key exists in another role or for another
// partner.
func testNotFound(t *testing.T, h *harness) {
	_, err := h.s.GetPayment(h.ctx, "pay-1")
	require.ErrorIs(t, err, store.ErrNotFound, "empty store")

	p := paid(newPayment("pay-1", "partner-a", "req-1"))
	h.create(p)
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{newRefund("ref-1", p2, "rreq-1", 100)}})

	for _, id := range []string{"pay-2", "PAY-1", "ref-1", "req-1", ""} {
		_, err := h.s.GetPayment(h.ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, "GetPayment(%q)", id)
		_, err = h.s.LoadPayment(h.ctx, id, "ref-1")
		require.ErrorIs(t, err, store.ErrNotFound, "LoadPayment(%q)", id)
	}
	for _, key := range [][2]string{
		{"partner-a", "req-2"}, {"partner-b", "req-1"}, {"partner-a", "rreq-1"}, {"partner-a", "pay-1"}, {"", ""},
	} {
		_, err := h.s.GetPaymentByRequest(h.ctx, key[0], key[1])
		require.ErrorIs(t, err, store.ErrNotFound, "GetPaymentByRequest(%q, %q)", key[0], key[1])
		_, err = h.s.LoadPaymentByRequest(h.ctx, key[0], key[1])
		require.ErrorIs(t, err, store.ErrNotFound, "LoadPaymentByRequest(%q, %q)", key[0], key[1])
	}
	for _, id := range []string{"ref-2", "pay-1", "rreq-1", ""} {
		_, err := h.s.GetRefund(h.ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, "GetRefund(%q)", id)
	}
	for _, key := range [][2]string{
		{"partner-a", "rreq-2"}, {"partner-b", "rreq-1"}, {"partner-a", "req-1"}, {"partner-a", "ref-1"}, {"", ""},
	} {
		_, err := h.s.GetRefundByRequest(h.ctx, key[0], key[1])
		require.ErrorIs(t, err, store.ErrNotFound, "GetRefundByRequest(%q, %q)", key[0], key[1])
	}
}
