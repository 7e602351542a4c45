package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var valueTests = []test{
	{"LargeValues", testLargeValues},
	{"NoAliasing", testNoAliasing},
}

// maxAmount is the largest amount the engine takes: 16 digits of minor
// units.
const maxAmount int64 = 9999999999999999

// testLargeValues: 64 KiB of arbitrary OrderData bytes (every byte value,
// invalid UTF-8 included), unicode text in every kind of string field,
// 64-character ids and 16-digit amounts all come back unchanged.
func testLargeValues(t *testing.T, h *harness) {
	data := make([]byte, 64<<10)
	for i := range data {
		data[i] = byte(i*7 + i/256) // every byte value, 0x00 and 0xff included
	}
	longID := strings.Repeat("0123456789abcdef", 4)[:63] + "Z"
	unicode := "支払い 💳 — Zahlung für Ölgemälde, قسط, платёж, ☃, e\u0301, 𝄞"

	p := fullPayment(longID, "partner-ü-"+strings.Repeat("p", 40), "请求-"+strings.Repeat("r", 55))
	p.Amount, p.RefundedAmount, p.HeldAmount = maxAmount, maxAmount-1, 1
	p.OrderData = data
	p.OrderTitle = strings.Repeat(unicode, 3)
	p.FailMessage = unicode
	p.UserID = "用户-" + unicode
	p.NotifyURL = "https://merchant.example/通知?q=" + strings.Repeat("x", 1900)
	h.commit(store.Change{Payment: p, Events: []store.Event{{
		PaymentID: p.ID, Seq: 1, At: t0, Name: "create", To: "SUCCESS", Detail: strings.Repeat(unicode, 20),
	}}})

	p2 := next(p)
	r := fullRefund(strings.Repeat("r", 64), p2, "退款-"+unicode)
	r.Amount = maxAmount
	r.Reason = unicode
	m := fullMessage(strings.Repeat("m", 64), p2)
	m.Amount = maxAmount
	m.LastError = "HTTP 500: " + unicode
	m.FailMsg = unicode
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewRefunds: []store.Refund{r}, Outbox: []store.OutboxMessage{m}})

	snap := h.snapshot(p.ID)
	require.Equal(t, len(data), len(snap.Payment.OrderData))
	require.True(t, string(data) == string(snap.Payment.OrderData), "OrderData bytes differ")
	require.Equal(t, norm(store.Snapshot{Payment: p2, Refunds: []store.Refund{r}}), snap)
	got, err := h.s.GetPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	require.Equal(t, snap, norm(got))
	gotR, err := h.s.GetRefundByRequest(h.ctx, r.PartnerID, r.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(r), norm(gotR))
	require.Equal(t, strings.Repeat(unicode, 20), h.history(p.ID)[0].Detail)
	require.Equal(t, norm([]store.OutboxMessage{m}), h.outbox(p.ID))
}

// testNoAliasing: changing anything handed to Commit after it returned,
// or anything a read returned (the records, their byte slices, the slices
// of records, appends into them), does not change what is stored.
func testNoAliasing(t *testing.T, h *harness) {
	p := newPayment("pay-1", "partner-a", "req-1")
	p.OrderData = []byte("original")
	c := store.Change{
		Payment:    p,
		NewRefunds: []store.Refund{newRefund("ref-1", p, "rreq-1", 100)},
		Events:     []store.Event{event(p, "create", "", "ACCEPT")},
		Outbox:     []store.OutboxMessage{newMessage("msg-1", p, t0)},
	}
	h.commit(c)
	want := h.state(p.ID)
	require.Equal(t, "original", string(want.Snapshot.Payment.OrderData))

	// What was handed to Commit.
	c.Payment.OrderData[0] = 'X'
	c.NewRefunds[0].Status = "MUTATED"
	c.Events[0].Name = "MUTATED"
	c.Outbox[0].Status = "MUTATED"
	require.Equal(t, want, h.state(p.ID), "after changing what was committed")

	// What the reads returned.
	snap, err := h.s.GetPayment(h.ctx, p.ID)
	require.NoError(t, err)
	snap.Payment.OrderData[0] = 'Y'
	snap.Payment.Status = "MUTATED"
	snap.Refunds[0].Status = "MUTATED"
	_ = append(snap.Refunds[:0], store.Refund{ID: "appended"})
	byRequest, err := h.s.GetPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	byRequest.Payment.OrderData[1] = 'Z'
	byRequest.Refunds[0].Amount = -1
	events, err := h.s.History(h.ctx, p.ID)
	require.NoError(t, err)
	events[0].Name = "MUTATED"
	_ = append(events[:0], store.Event{Name: "appended"})
	msgs, err := h.s.Outbox(h.ctx, p.ID)
	require.NoError(t, err)
	msgs[0].Status = "MUTATED"
	_ = append(msgs[:0], store.OutboxMessage{ID: "appended"})
	refund, err := h.s.GetRefund(h.ctx, "ref-1")
	require.NoError(t, err)
	refund.Status = "MUTATED"
	require.Equal(t, want, h.state(p.ID), "after changing what the reads returned")

	// What a claim returned: the lease stays the claimer's.
	claimed := h.claim("d1", t0, time.Minute, 10)
	require.Len(t, claimed, 1)
	claimed[0].LeaseOwner = "someone-else"
	require.Equal(t, "d1", h.message(p.ID, "msg-1").LeaseOwner)
	h.record(store.Delivery{MessageID: "msg-1", Owner: "d1", At: t0, Delivered: true})
	require.Equal(t, want.Snapshot, h.state(p.ID).Snapshot)
}
