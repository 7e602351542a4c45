package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var backlogTests = []test{
	{"CountsDueAndWaiting", testBacklogCountsDueAndWaiting},
	{"Capped", testBacklogCapped},
	{"FollowsAttempts", testBacklogFollowsAttempts},
}

func (h *harness) backlog(now time.Time, limit int) store.Backlog {
	h.t.Helper()
	b, err := h.s.OutboxBacklog(h.ctx, now, limit)
	require.NoError(h.t, err, "OutboxBacklog")
	return b
}

// testBacklogCountsDueAndWaiting: OutboxBacklog counts the undelivered,
// unparked messages due at now (a leased one too, and one due exactly at
// now) and those waiting after it; never a delivered or a parked one. An
// empty store, and a limit of zero, count none.
func testBacklogCountsDueAndWaiting(t *testing.T, h *harness) {
	require.Equal(t, store.Backlog{}, h.backlog(t0, 100), "empty store")
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	delivered := newMessage("msg-delivered", p2, t0)
	delivered.DeliveredAt = t0.Add(time.Second)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{
		newMessage("msg-due-early", p2, t0.Add(-time.Hour)),
		newMessage("msg-due-now", p2, t0),
		newMessage("msg-leased", p2, t0.Add(-time.Minute)),
		newMessage("msg-waiting", p2, t0.Add(time.Nanosecond*1000)),
		newMessage("msg-waiting-long", p2, t0.Add(15*time.Hour)),
		delivered,
		parkedMessage("msg-parked", p2, t0.Add(-time.Hour)),
	}})
	require.Len(t, h.claim("d1", t0.Add(-time.Minute), time.Hour, 10), 2, "leases msg-due-early and msg-leased")
	require.Equal(t, store.Backlog{Due: 3, Waiting: 2}, h.backlog(t0, 100))
	require.Equal(t, store.Backlog{Due: 1, Waiting: 4}, h.backlog(t0.Add(-30*time.Minute), 100))
	require.Equal(t, store.Backlog{Due: 5, Waiting: 0}, h.backlog(t0.Add(15*time.Hour), 100))
	require.Equal(t, store.Backlog{}, h.backlog(t0, 0), "limit 0")
	require.Equal(t, store.Backlog{}, h.backlog(t0, -1), "a negative limit counts none (SQLite reads LIMIT -1 as no limit)")

	h.record(store.Delivery{MessageID: "msg-leased", Owner: "d1", At: t0, Delivered: true})
	require.Equal(t, store.Backlog{Due: 2, Waiting: 2}, h.backlog(t0, 100), "a delivered message leaves the backlog")
}

// testBacklogCapped: each count stops at limit.
func testBacklogCapped(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	var msgs []store.OutboxMessage
	for i := range 7 {
		due := t0.Add(time.Duration(i-3) * time.Minute) // 4 due at t0, 3 later
		msgs = append(msgs, newMessage(string(rune('a'+i))+"-msg", p2, due))
	}
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: msgs})
	require.Equal(t, store.Backlog{Due: 4, Waiting: 3}, h.backlog(t0, 7))
	require.Equal(t, store.Backlog{Due: 2, Waiting: 2}, h.backlog(t0, 2))
	require.Equal(t, store.Backlog{Due: 3, Waiting: 3}, h.backlog(t0, 3))
}

// testBacklogFollowsAttempts: a failed attempt moves a message from due to
// waiting, parking takes it out, a resend brings it back due.
func testBacklogFollowsAttempts(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{
		newMessage("msg-1", p2, t0), newMessage("msg-2", p2, t0),
	}})
	require.Equal(t, store.Backlog{Due: 2}, h.backlog(t0, 10))
	require.Len(t, h.claim("d1", t0, time.Minute, 10), 2)
	require.Equal(t, store.Backlog{Due: 2}, h.backlog(t0, 10), "leased messages are still due")

	h.record(store.Delivery{MessageID: "msg-1", Owner: "d1", At: t0, Error: "HTTP 500", NextAttemptAt: t0.Add(2 * time.Minute)})
	require.Equal(t, store.Backlog{Due: 1, Waiting: 1}, h.backlog(t0, 10), "a failed attempt waits for its retry")
	require.Equal(t, store.Backlog{Due: 2}, h.backlog(t0.Add(2*time.Minute), 10), "due again at its retry time")

	h.record(store.Delivery{MessageID: "msg-2", Owner: "d1", At: t0, Error: "HTTP 500", Park: true})
	require.Equal(t, store.Backlog{Waiting: 1}, h.backlog(t0, 10), "a parked message leaves the backlog")
	h.resend("msg-2", t0.Add(time.Second))
	require.Equal(t, store.Backlog{Due: 1, Waiting: 1}, h.backlog(t0.Add(time.Second), 10), "a resent message is due again")
	require.Equal(t, []string{"msg-2"}, ids(h.claim("d2", t0.Add(time.Second), time.Minute, 10)), "and claimed again")
}

func ids(msgs []store.OutboxMessage) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}
