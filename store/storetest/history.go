package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var historyTests = []test{
	{"Order", testHistoryOrder},
	{"Empty", testHistoryEmpty},
}

// testHistoryOrder: events come back in Seq order and, within one Seq, in
// the order they were committed (not by name, time or refund), and only
// the payment's own.
func testHistoryOrder(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(paid(newPayment("pay-2", "partner-a", "req-2")))

	p2 := next(p)
	r := newRefund("ref-1", p2, "rreq-1", 100)
	zeta := event(p2, "zeta", "SUCCESS", "SUCCESS")
	alpha := event(p2, "alpha", "SUCCESS", "SUCCESS")
	mid := event(p2, "mid", "NEW", "INIT")
	mid.RefundID, mid.Detail = r.ID, "refund opened"
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r}, Events: []store.Event{zeta, alpha, mid}})

	q2 := next(q)
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, Events: []store.Event{event(q2, "other", "SUCCESS", "SUCCESS")}})

	// A later commit may carry an event numbered with an earlier Seq: it
	// sorts with its Seq, after the events committed before it.
	p3 := next(p2)
	c3 := event(p3, "c3", "SUCCESS", "SUCCESS")
	late := event(p2, "back-dated", "INIT", "INIT")
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, Events: []store.Event{c3, late}})

	events := h.history(p.ID)
	require.Equal(t, []string{"create", "zeta", "alpha", "mid", "back-dated", "c3"}, eventNames(events))
	require.Equal(t, norm([]store.Event{event(p, "create", "", "SUCCESS"), zeta, alpha, mid, late, c3}), events)
	require.Equal(t, []string{"create", "other"}, eventNames(h.history(q.ID)))
}

// testHistoryEmpty: a payment committed without events, and an unknown
// payment, have an empty history and no error.
func testHistoryEmpty(t *testing.T, h *harness) {
	p := newPayment("pay-1", "partner-a", "req-1")
	h.commit(store.Change{Payment: p})
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1})
	require.Empty(t, h.history(p.ID))
	require.Empty(t, h.history("pay-unknown"))
}
