package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var parkedTests = []test{
	{"ListOldestFirst", testParkedListOldestFirst},
	{"ListPages", testParkedListPages},
	{"ListEmpty", testParkedListEmpty},
	{"ResendUnparks", testResendUnparks},
	{"ResendBringsForward", testResendBringsForward},
	{"ResendKeepsLease", testResendKeepsLease},
	{"ResendErrors", testResendErrors},
}

// parkedMessage returns a message of p that gave up after 8 attempts,
// created at created.
func parkedMessage(id string, p store.Payment, created time.Time) store.OutboxMessage {
	m := newMessage(id, p, created.Add(time.Hour))
	m.CreatedAt, m.Parked, m.Attempts, m.LastError = created, true, 8, "merchant answered F"
	return m
}

// seedParked commits, over three payments, parked messages created at
// various times (one at the zero time, three that tie on CreatedAt and
// were inserted out of ID order, one written in another location) among messages that are not listed:
// waiting, leased, delivered, and delivered although marked parked. It
// returns the parked, undelivered ones in listing order, as written.
func seedParked(h *harness) []store.OutboxMessage {
	h.t.Helper()
	east := time.FixedZone("UTC+8", 8*3600)
	var payments []store.Payment
	for i := range 3 {
		p := h.create(paid(newPayment(fmt.Sprintf("pay-%d", i), "partner-a", fmt.Sprintf("req-%d", i))))
		payments = append(payments, next(p))
	}
	p, q, r := payments[0], payments[1], payments[2]

	deliveredParked := parkedMessage("msg-delivered-parked", p, t0.Add(-time.Hour))
	deliveredParked.DeliveredAt = t0
	delivered := newMessage("msg-delivered", q, t0)
	delivered.CreatedAt, delivered.DeliveredAt, delivered.Attempts = t0.Add(-2*time.Hour), t0, 1
	leased := newMessage("msg-leased", r, t0)
	leased.LeaseOwner, leased.LeaseUntil = "d1", t0.Add(time.Minute)

	byID := map[string]store.OutboxMessage{}
	commit := func(p store.Payment, msgs ...store.OutboxMessage) {
		h.commit(store.Change{Payment: p, ExpectedVersion: 1, Outbox: msgs})
		for _, m := range msgs {
			byID[m.ID] = m
		}
	}
	commit(p,
		parkedMessage("msg-p-late", p, t0.Add(3*time.Minute)),
		deliveredParked,
		parkedMessage("msg-tie-z", p, t0.Add(time.Minute)),
		newMessage("msg-waiting", p, t0.Add(time.Hour)),
		parkedMessage("msg-p-zero", p, time.Time{}),
	)
	commit(q,
		parkedMessage("msg-tie-a", q, t0.Add(time.Minute)),
		delivered,
		parkedMessage("msg-q-early", q, t0.Add(-30*time.Minute).In(east)),
	)
	commit(r,
		leased,
		parkedMessage("msg-r-last", r, t0.Add(time.Hour)),
		parkedMessage("msg-tie-m", r, t0.Add(time.Minute)),
		parkedMessage("msg-r-first", r, t0.Add(-time.Hour)),
	)
	var want []store.OutboxMessage
	for _, id := range []string{
		"msg-p-zero", "msg-r-first", "msg-q-early",
		"msg-tie-a", "msg-tie-m", "msg-tie-z",
		"msg-p-late", "msg-r-last",
	} {
		want = append(want, byID[id])
	}
	return norm(want)
}

// testParkedListOldestFirst: ParkedOutbox lists the parked, undelivered
// messages of every payment, oldest CreatedAt first (by instant; the zero
// time first), ties by ID, up to limit, as stored; never a waiting,
// leased or delivered one, even one marked parked.
func testParkedListOldestFirst(t *testing.T, h *harness) {
	want := seedParked(h)
	require.Equal(t, want, h.parked("", 100))
	require.Equal(t, want[:3], h.parked("", 3), "limit")
	require.Equal(t, want[:1], h.parked("", 1), "limit 1")
}

// testParkedListPages: pages of ParkedOutbox, each starting after the last
// message of the previous one, list every parked message once, in order,
// and the page after the last message is empty. The cursor message need
// not be parked any more: an operator resends the last message of a page
// and asks for the next one.
func testParkedListPages(t *testing.T, h *harness) {
	want := seedParked(h)
	for _, size := range []int{1, 2, 3, len(want), len(want) + 1} {
		var got []store.OutboxMessage
		after := ""
		for pages := 0; ; pages++ {
			require.LessOrEqual(t, pages, len(want), "page size %d: too many pages", size)
			page := h.parked(after, size)
			require.LessOrEqual(t, len(page), size)
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			after = page[len(page)-1].ID
		}
		require.Equal(t, want, got, "page size %d", size)
	}
	require.Equal(t, want[4:], h.parked(want[3].ID, 100), "after a tie, the rest of the tie")
	require.Empty(t, h.parked(want[len(want)-1].ID, 100), "nothing after the last")

	h.resend(want[2].ID, t0.Add(2*time.Hour))
	require.Equal(t, want[3:5], h.parked(want[2].ID, 2), "after a message resent since it was listed")
	require.Equal(t, append(append([]store.OutboxMessage{}, want[:2]...), want[3:]...), h.parked("", 100),
		"a resent message is no longer listed")
}

// testParkedListEmpty: ParkedOutbox is empty, not an error, on an empty
// store, when no message is parked, and with a limit of zero.
func testParkedListEmpty(t *testing.T, h *harness) {
	require.Empty(t, h.parked("", 10), "empty store")
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	delivered := parkedMessage("msg-delivered-parked", p2, t0)
	delivered.DeliveredAt = t0.Add(time.Minute)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{
		newMessage("msg-waiting", p2, t0), delivered,
	}})
	require.Empty(t, h.parked("", 10), "nothing parked and undelivered")
	require.Empty(t, h.parked("msg-waiting", 10), "nothing parked after a waiting message")

	p3 := next(p2)
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, Outbox: []store.OutboxMessage{parkedMessage("msg-parked", p3, t0)}})
	require.Empty(t, h.parked("", 0), "limit 0")
}

// testResendUnparks: ResendOutbox makes a parked message due at now: it is
// no longer parked, keeps its Attempts and LastError, is returned as
// stored, drops out of ParkedOutbox and is claimed again from now on. Its
// next attempt counts on from the old ones, and parking it again lists it
// again.
func testResendUnparks(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	m := parkedMessage("msg-1", p2, t0)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{m}})
	now := t0.Add(3 * time.Hour)
	require.Empty(t, h.claim("d1", now, time.Minute, 10), "parked: never claimed")

	got := h.resend("msg-1", now)
	want := norm(m)
	want.Parked, want.NextAttemptAt = false, now
	require.Equal(t, want, got, "unparked, due now, attempts and last error kept")
	require.Equal(t, got, h.message(p.ID, "msg-1"), "returned as stored")
	require.Empty(t, h.parked("", 10))

	require.Empty(t, h.claim("d1", now.Add(-time.Microsecond), time.Minute, 10), "due at now, not before")
	claimed := h.claim("d1", now, time.Minute, 10)
	require.Equal(t, []string{"msg-1"}, messageIDs(claimed))
	require.Equal(t, 8, claimed[0].Attempts)

	h.record(store.Delivery{MessageID: "msg-1", Owner: "d1", At: now, Error: "HTTP 503", Park: true})
	again := h.message(p.ID, "msg-1")
	require.Equal(t, 9, again.Attempts, "the extra attempt is counted")
	require.True(t, again.Parked)
	require.Equal(t, []store.OutboxMessage{again}, h.parked("", 10), "parked again, listed again")
}

// testResendBringsForward: ResendOutbox on a message waiting for a later
// attempt makes it due at now, changing nothing else; on a message that
// is already due it sets NextAttemptAt to now too.
func testResendBringsForward(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	waiting := newMessage("msg-waiting", p2, t0.Add(time.Hour))
	waiting.Attempts, waiting.LastError = 3, "timeout"
	overdue := newMessage("msg-overdue", p2, t0.Add(-time.Hour))
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{waiting, overdue}})
	now := t0.Add(time.Minute)

	got := h.resend("msg-waiting", now)
	want := norm(waiting)
	want.NextAttemptAt = now
	require.Equal(t, want, got)
	require.Equal(t, got, h.message(p.ID, "msg-waiting"))

	got = h.resend("msg-overdue", now)
	want = norm(overdue)
	want.NextAttemptAt = now
	require.Equal(t, want, got)

	require.ElementsMatch(t, []string{"msg-overdue", "msg-waiting"}, messageIDs(h.claim("d1", now, time.Minute, 10)),
		"both due at now")
}

// testResendKeepsLease: ResendOutbox on a message a dispatcher holds
// leaves the lease alone: nobody else claims it while the lease runs, and
// the holder still records its attempt.
func testResendKeepsLease(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{newMessage("msg-1", p2, t0)}})
	lease := time.Minute
	require.Len(t, h.claim("d1", t0, lease, 10), 1)

	now := t0.Add(10 * time.Second)
	got := h.resend("msg-1", now)
	require.Equal(t, "d1", got.LeaseOwner)
	require.Equal(t, t0.Add(lease), got.LeaseUntil)
	require.Equal(t, now, got.NextAttemptAt)
	require.Equal(t, got, h.message(p.ID, "msg-1"))
	require.Empty(t, h.claim("d2", now, lease, 10), "still leased to d1")

	h.record(store.Delivery{MessageID: "msg-1", Owner: "d1", At: now, Delivered: true})
	m := h.message(p.ID, "msg-1")
	require.Equal(t, now, m.DeliveredAt)
	require.Equal(t, 1, m.Attempts)
}

// testResendErrors: ResendOutbox of an unknown message is ErrNotFound; of
// a delivered one (even one marked parked) ErrDelivered, and nothing
// changes.
func testResendErrors(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	delivered := newMessage("msg-delivered", p2, t0)
	delivered.DeliveredAt, delivered.Attempts = t0.Add(time.Second), 1
	deliveredParked := parkedMessage("msg-delivered-parked", p2, t0)
	deliveredParked.DeliveredAt = t0.Add(time.Second)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{delivered, deliveredParked}})
	before := h.state(p.ID)

	_, err := h.s.ResendOutbox(h.ctx, "msg-unknown", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	for _, id := range []string{"msg-delivered", "msg-delivered-parked"} {
		_, err = h.s.ResendOutbox(h.ctx, id, t0.Add(time.Hour))
		require.ErrorIs(t, err, store.ErrDelivered, id)
		require.NotErrorIs(t, err, store.ErrNotFound, id)
	}
	require.Equal(t, before, h.state(p.ID), "nothing changed")
}
