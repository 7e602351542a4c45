package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var contextTests = []test{
	{"Cancelled", testContextCancelled},
}

// testContextCancelled: with a cancelled context every method returns an
// error (which one is the backend's choice), and nothing is changed.
func testContextCancelled(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	p2.PendingOp, p2.NextCheckAt = "reversal", t0
	r := newRefund("ref-1", p2, "rreq-1", 100)
	h.commit(store.Change{
		Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r},
		Outbox: []store.OutboxMessage{newMessage("msg-1", p2, t0), newMessage("msg-2", p2, t0.Add(time.Second))},
	})
	require.Len(t, h.claim("d1", t0, time.Minute, 1), 1) // msg-1 leased to d1
	before := h.state(p.ID)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := h.s

	_, err := s.GetPayment(ctx, p.ID)
	require.Error(t, err, "GetPayment")
	_, err = s.GetPaymentByRequest(ctx, p.PartnerID, p.RequestID)
	require.Error(t, err, "GetPaymentByRequest")
	_, err = s.GetRefund(ctx, r.ID)
	require.Error(t, err, "GetRefund")
	_, err = s.GetRefundByRequest(ctx, r.PartnerID, r.RequestID)
	require.Error(t, err, "GetRefundByRequest")
	_, err = s.History(ctx, p.ID)
	require.Error(t, err, "History")
	_, err = s.Outbox(ctx, p.ID)
	require.Error(t, err, "Outbox")
	_, err = s.DueExpiries(ctx, t0.Add(time.Hour), 10)
	require.Error(t, err, "DueExpiries")
	_, err = s.DueChecks(ctx, t0.Add(time.Hour), 10)
	require.Error(t, err, "DueChecks")
	_, err = s.ClaimOutbox(ctx, "d2", t0.Add(time.Hour), time.Minute, 10)
	require.Error(t, err, "ClaimOutbox")
	err = s.RecordDelivery(ctx, store.Delivery{MessageID: "msg-1", Owner: "d1", At: t0, Delivered: true})
	require.Error(t, err, "RecordDelivery")
	_, err = s.ParkedOutbox(ctx, "", 10)
	require.Error(t, err, "ParkedOutbox")
	_, err = s.ResendOutbox(ctx, "msg-2", t0.Add(time.Hour))
	require.Error(t, err, "ResendOutbox")

	n := newPayment("pay-2", "partner-a", "req-2")
	err = s.Commit(ctx, store.Change{Payment: n, Events: []store.Event{event(n, "create", "", "ACCEPT")}})
	require.Error(t, err, "Commit (create)")
	p3 := next(p2)
	p3.Status = "CLOSED"
	err = s.Commit(ctx, store.Change{
		Payment: p3, ExpectedVersion: 2,
		Events: []store.Event{event(p3, "close", "SUCCESS", "CLOSED")},
		Outbox: []store.OutboxMessage{newMessage("msg-3", p3, t0)},
	})
	require.Error(t, err, "Commit (update)")

	require.Equal(t, before, h.state(p.ID), "nothing changed: no commit, no claim, no delivery recorded, no resend")
	h.requireNoPayment(n.ID, n.PartnerID, n.RequestID)
}
