package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var outboxTests = []test{
	{"ListInCreationOrder", testOutboxListInCreationOrder},
	{"ClaimDueEarliestFirst", testClaimDueEarliestFirst},
	{"LeaseExcludesOtherOwners", testLeaseExcludesOtherOwners},
	{"CommittedLeased", testCommittedLeased},
	{"RecordDeliveryOutcomes", testRecordDeliveryOutcomes},
	{"RecordDeliveryErrors", testRecordDeliveryErrors},
	{"ConcurrentClaims", testConcurrentClaims},
	{"ClaimSkipsPartners", testClaimSkipsPartners},
}

// testOutboxListInCreationOrder: Outbox lists a payment's messages, and
// only its own, in creation order (commit order, then order within the
// commit), whatever their ids and due times; none for a payment without
// messages or an unknown one.
func testOutboxListInCreationOrder(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(paid(newPayment("pay-2", "partner-a", "req-2")))
	require.Empty(t, h.outbox(p.ID))
	require.Empty(t, h.outbox("pay-unknown"))

	p2 := next(p)
	mc, ma := newMessage("msg-c", p2, t0.Add(time.Hour)), newMessage("msg-a", p2, t0)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{mc, ma}})
	q2 := next(q)
	mq := newMessage("msg-b0", q2, t0)
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{mq}})
	p3 := next(p2)
	mb := fullMessage("msg-b", p3)
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, Outbox: []store.OutboxMessage{mb}})

	require.Equal(t, norm([]store.OutboxMessage{mc, ma, mb}), h.outbox(p.ID))
	require.Equal(t, norm([]store.OutboxMessage{mq}), h.outbox(q.ID))
}

// testClaimDueEarliestFirst: ClaimOutbox leases due messages (NextAttemptAt
// at or before now) earliest due first, across payments, up to limit; it
// skips delivered, parked, leased and not yet due messages; the returned
// and the stored messages show the lease.
func testClaimDueEarliestFirst(t *testing.T, h *harness) {
	now := t0.Add(5 * time.Minute)
	lease := 30 * time.Second
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(paid(newPayment("pay-2", "partner-a", "req-2")))

	p2 := next(p)
	delivered := newMessage("msg-delivered", p2, t0)
	delivered.DeliveredAt, delivered.Attempts = t0.Add(time.Second), 1
	parked := newMessage("msg-parked", p2, t0)
	parked.Parked, parked.Attempts, parked.LastError = true, 8, "gave up"
	pMsgs := []store.OutboxMessage{
		newMessage("msg-late", p2, t0.Add(3*time.Minute)),
		newMessage("msg-future", p2, now.Add(time.Microsecond)),
		delivered,
		newMessage("msg-early", p2, t0.Add(time.Minute)),
		newMessage("msg-now", p2, now),
		parked,
		newMessage("msg-mid", p2, t0.Add(2*time.Minute)),
	}
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: pMsgs})
	q2 := next(q)
	qMsgs := []store.OutboxMessage{newMessage("msg-q", q2, t0.Add(90*time.Second))}
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, Outbox: qMsgs})
	written := map[string]store.OutboxMessage{}
	for _, m := range append(pMsgs, qMsgs...) {
		written[m.ID] = norm(m)
	}

	require.Empty(t, h.claim("a", t0.Add(time.Minute-time.Microsecond), lease, 10), "nothing due yet")

	got := h.claim("a", now, lease, 3)
	require.Equal(t, []string{"msg-early", "msg-q", "msg-mid"}, messageIDs(got), "earliest due first, limit 3")
	for _, m := range got {
		require.Equal(t, "a", m.LeaseOwner, m.ID)
		require.Equal(t, now.Add(lease), m.LeaseUntil, m.ID)
		require.Equal(t, written[m.ID], withoutLease(m), "claimed copy of %s", m.ID)
	}
	stored := h.message(p.ID, "msg-early")
	require.Equal(t, "a", stored.LeaseOwner)
	require.Equal(t, now.Add(lease), stored.LeaseUntil)

	got = h.claim("a", now, lease, 10)
	require.Equal(t, []string{"msg-late", "msg-now"}, messageIDs(got), "the rest; leased ones are not offered again, not even to their holder")
	require.Empty(t, h.claim("b", now, lease, 10), "everything due is leased")

	// Once every lease has expired, the same messages come back in the same
	// order; delivered, parked and future ones still do not.
	later := now.Add(lease + time.Microsecond)
	require.Equal(t, []string{"msg-early", "msg-q", "msg-mid", "msg-late", "msg-now", "msg-future"},
		messageIDs(h.claim("b", later, lease, 10)))
	require.Equal(t, []string{"msg-early", "msg-q", "msg-mid", "msg-late", "msg-now", "msg-future"},
		messageIDs(h.claim("c", t0.Add(24*time.Hour), lease, 10)), "a day later: the same, never the delivered or parked ones")
	stored = h.message(p.ID, "msg-delivered")
	require.Equal(t, written["msg-delivered"], stored, "a delivered message is never leased")
	stored = h.message(p.ID, "msg-parked")
	require.Equal(t, written["msg-parked"], stored, "a parked message is never leased")
}

// testCommittedLeased: a message committed already leased (an engine's
// Handoff) is stored with its lease, is not claimed while the lease runs,
// not even by its holder, is recorded by its holder as a claimed one would
// be, and is taken over by anyone once the lease ends, as when the process
// that held it died.
func testCommittedLeased(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	lease := time.Minute
	sent, lost := newMessage("msg-sent", p2, t0), newMessage("msg-lost", p2, t0)
	sent.LeaseOwner, sent.LeaseUntil = "A", t0.Add(lease)
	lost.LeaseOwner, lost.LeaseUntil = "A", t0.Add(lease)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{sent, lost}})

	require.Equal(t, sent, h.message(p.ID, "msg-sent"), "stored with its lease")
	require.Empty(t, h.claim("B", t0, lease, 10), "leased at birth: nobody claims it")
	require.Empty(t, h.claim("A", t0.Add(lease-time.Microsecond), lease, 10), "not even its holder")

	h.record(store.Delivery{MessageID: "msg-sent", Owner: "A", At: t0.Add(time.Second), Delivered: true})
	m := h.message(p.ID, "msg-sent")
	require.Equal(t, t0.Add(time.Second), m.DeliveredAt)
	require.Equal(t, 1, m.Attempts)
	require.Empty(t, m.LeaseOwner, "the lease is freed")

	got := h.claim("B", t0.Add(lease), lease, 10)
	require.Equal(t, []string{"msg-lost"}, messageIDs(got), "once the lease ends, the unsent one is anyone's")
	require.Equal(t, "B", got[0].LeaseOwner)
}

// testLeaseExcludesOtherOwners: a message leased by A is not claimed by B
// while the lease runs; from its LeaseUntil on B takes it over, and A's
// late delivery report is ErrLeaseLost and not counted.
func testLeaseExcludesOtherOwners(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{newMessage("msg-1", p2, t0)}})
	lease := time.Minute

	require.Equal(t, []string{"msg-1"}, messageIDs(h.claim("A", t0, lease, 10)))
	require.Empty(t, h.claim("B", t0, lease, 10))
	require.Empty(t, h.claim("B", t0.Add(lease-time.Microsecond), lease, 10), "lease still valid")
	m := h.message(p.ID, "msg-1")
	require.Equal(t, "A", m.LeaseOwner)
	require.Equal(t, t0.Add(lease), m.LeaseUntil)

	takeover := t0.Add(lease)
	got := h.claim("B", takeover, lease, 10)
	require.Equal(t, []string{"msg-1"}, messageIDs(got), "a lease expires at its LeaseUntil and is taken over")
	require.Equal(t, "B", got[0].LeaseOwner)
	require.Equal(t, takeover.Add(lease), got[0].LeaseUntil)
	require.Empty(t, h.claim("A", takeover, lease, 10), "A cannot claim it back while B holds it")

	err := h.s.RecordDelivery(h.ctx, store.Delivery{MessageID: "msg-1", Owner: "A", At: takeover, Delivered: true})
	require.ErrorIs(t, err, store.ErrLeaseLost)
	m = h.message(p.ID, "msg-1")
	require.Zero(t, m.Attempts, "a lost lease's attempt is not counted")
	require.True(t, m.DeliveredAt.IsZero())
	require.Equal(t, "B", m.LeaseOwner)

	h.record(store.Delivery{MessageID: "msg-1", Owner: "B", At: takeover.Add(time.Second), Delivered: true})
	m = h.message(p.ID, "msg-1")
	require.Equal(t, 1, m.Attempts)
	require.Equal(t, takeover.Add(time.Second), m.DeliveredAt)
}

// testClaimSkipsPartners: ClaimOutbox leaves the messages of the partners
// in skipPartners alone and does not count them against limit, even when
// they are due first: the limit fills with other partners' messages, in
// due order. Skipping an unknown partner, or none, changes nothing.
func testClaimSkipsPartners(t *testing.T, h *harness) {
	lease := time.Minute
	now := t0.Add(time.Hour)
	due := map[string][]time.Duration{ // minutes after t0, per partner
		"slow-shop": {1, 2, 3, 4, 5, 6},
		"shop-b":    {7, 9},
		"shop-c":    {8, 10},
	}
	for i, partner := range []string{"slow-shop", "shop-b", "shop-c"} {
		p := h.create(paid(newPayment(fmt.Sprintf("pay-%d", i), partner, fmt.Sprintf("req-%d", i))))
		p2 := next(p)
		var msgs []store.OutboxMessage
		for j, m := range due[partner] {
			msgs = append(msgs, newMessage(fmt.Sprintf("msg-%s-%d", partner, j), p2, t0.Add(m*time.Minute)))
		}
		h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: msgs})
	}

	got := h.claim("d1", now, lease, 3, "slow-shop")
	require.Equal(t, []string{"msg-shop-b-0", "msg-shop-c-0", "msg-shop-b-1"}, messageIDs(got),
		"the slow shop's six earlier messages neither claimed nor counted")
	require.Equal(t, []string{"msg-shop-c-1"}, messageIDs(h.claim("d2", now, lease, 3, "slow-shop", "shop-b")))
	require.Empty(t, h.claim("d2", now, lease, 3, "slow-shop", "shop-c"), "the rest is leased or skipped")
	for _, m := range h.outbox("pay-0") {
		require.Empty(t, m.LeaseOwner, "%s of a skipped partner is not leased", m.ID)
	}

	got = h.claim("d3", now, lease, 4, "unknown-shop")
	require.Equal(t, []string{"msg-slow-shop-0", "msg-slow-shop-1", "msg-slow-shop-2", "msg-slow-shop-3"}, messageIDs(got),
		"skipping an unknown partner skips nothing")
	got = h.claim("d4", now, lease, 10, []string{}...)
	require.Equal(t, []string{"msg-slow-shop-4", "msg-slow-shop-5"}, messageIDs(got), "an empty skip list skips nothing")
}

// testRecordDeliveryOutcomes: RecordDelivery by the holder counts the
// attempt, stores the error and frees the lease; delivered and parked
// messages are never claimed again; a failed attempt is claimable again
// exactly when its NextAttemptAt is due, even before the old lease would
// have run out.
func testRecordDeliveryOutcomes(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{
		newMessage("msg-delivered", p2, t0),
		newMessage("msg-retry", p2, t0.Add(time.Microsecond)),
		newMessage("msg-parked", p2, t0.Add(2*time.Microsecond)),
		newMessage("msg-soon", p2, t0.Add(3*time.Microsecond)),
	}})
	lease := time.Minute
	at := t0.Add(time.Second)
	require.Len(t, h.claim("d1", at, lease, 10), 4)

	h.record(store.Delivery{MessageID: "msg-delivered", Owner: "d1", At: at.Add(time.Millisecond), Delivered: true})
	retryAt := t0.Add(10 * time.Minute)
	h.record(store.Delivery{MessageID: "msg-retry", Owner: "d1", At: at, Error: "HTTP 500", NextAttemptAt: retryAt})
	h.record(store.Delivery{MessageID: "msg-parked", Owner: "d1", At: at, Error: "merchant answered F", Park: true,
		NextAttemptAt: t0.Add(time.Hour)}) // ignored when parking
	soon := at.Add(2 * time.Second) // well inside d1's old lease
	h.record(store.Delivery{MessageID: "msg-soon", Owner: "d1", At: at, Error: "timeout", NextAttemptAt: soon})

	m := h.message(p.ID, "msg-delivered")
	require.Equal(t, 1, m.Attempts)
	require.Equal(t, at.Add(time.Millisecond), m.DeliveredAt)
	require.Empty(t, m.LeaseOwner, "lease freed")
	require.False(t, m.Parked)

	m = h.message(p.ID, "msg-retry")
	require.Equal(t, 1, m.Attempts)
	require.Equal(t, "HTTP 500", m.LastError)
	require.Equal(t, retryAt, m.NextAttemptAt)
	require.True(t, m.DeliveredAt.IsZero())
	require.Empty(t, m.LeaseOwner, "lease freed")
	require.False(t, m.Parked)

	m = h.message(p.ID, "msg-parked")
	require.Equal(t, 1, m.Attempts)
	require.True(t, m.Parked)
	require.Equal(t, t0.Add(2*time.Microsecond), m.NextAttemptAt, "parking leaves NextAttemptAt alone")
	require.Equal(t, "merchant answered F", m.LastError)
	require.True(t, m.DeliveredAt.IsZero())
	require.Empty(t, m.LeaseOwner, "lease freed")

	// The freed lease lets another dispatcher retry msg-soon when due.
	require.Empty(t, h.claim("d2", soon.Add(-time.Microsecond), lease, 10), "nothing due before msg-soon")
	got := h.claim("d2", soon, lease, 10)
	require.Equal(t, []string{"msg-soon"}, messageIDs(got))
	require.Equal(t, 1, got[0].Attempts)
	h.record(store.Delivery{MessageID: "msg-soon", Owner: "d2", At: soon, Delivered: true})
	require.Equal(t, 2, h.message(p.ID, "msg-soon").Attempts)

	require.Empty(t, h.claim("d2", retryAt.Add(-time.Microsecond), lease, 10), "msg-retry not due yet")
	got = h.claim("d3", retryAt, lease, 10)
	require.Equal(t, []string{"msg-retry"}, messageIDs(got), "due exactly at NextAttemptAt")
	require.Equal(t, "HTTP 500", got[0].LastError)
	again := retryAt.Add(time.Hour)
	h.record(store.Delivery{MessageID: "msg-retry", Owner: "d3", At: retryAt, Error: "HTTP 502", NextAttemptAt: again})
	m = h.message(p.ID, "msg-retry")
	require.Equal(t, 2, m.Attempts)
	require.Equal(t, "HTTP 502", m.LastError)
	require.Equal(t, again, m.NextAttemptAt)

	// Far in the future only msg-retry is ever offered again.
	require.Equal(t, []string{"msg-retry"}, messageIDs(h.claim("d4", t0.Add(365*24*time.Hour), lease, 10)))
}

// testRecordDeliveryErrors: RecordDelivery for an unknown message is
// ErrNotFound; by anyone who does not hold the lease (another owner, a
// former holder, an empty owner on a free message) it is ErrLeaseLost and
// changes nothing.
func testRecordDeliveryErrors(t *testing.T, h *harness) {
	p := h.create(paid(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: []store.OutboxMessage{
		newMessage("msg-free", p2, t0.Add(time.Hour)), newMessage("msg-1", p2, t0),
	}})

	err := h.s.RecordDelivery(h.ctx, store.Delivery{MessageID: "msg-unknown", Owner: "d1", At: t0, Delivered: true})
	require.ErrorIs(t, err, store.ErrNotFound)

	free := h.message(p.ID, "msg-free")
	for _, owner := range []string{"d1", ""} {
		err = h.s.RecordDelivery(h.ctx, store.Delivery{MessageID: "msg-free", Owner: owner, At: t0, Delivered: true})
		require.ErrorIs(t, err, store.ErrLeaseLost, "never leased, owner %q", owner)
	}
	require.Equal(t, free, h.message(p.ID, "msg-free"), "nothing recorded")

	require.Len(t, h.claim("d1", t0, time.Minute, 10), 1)
	leased := h.message(p.ID, "msg-1")
	for _, owner := range []string{"d2", ""} {
		err = h.s.RecordDelivery(h.ctx, store.Delivery{MessageID: "msg-1", Owner: owner, At: t0, Delivered: true})
		require.ErrorIs(t, err, store.ErrLeaseLost, "leased by d1, recorded by %q", owner)
	}
	require.Equal(t, leased, h.message(p.ID, "msg-1"), "nothing recorded")

	h.record(store.Delivery{MessageID: "msg-1", Owner: "d1", At: t0, Error: "timeout", NextAttemptAt: t0.Add(time.Hour)})
	err = h.s.RecordDelivery(h.ctx, store.Delivery{MessageID: "msg-1", Owner: "d1", At: t0, Delivered: true})
	require.ErrorIs(t, err, store.ErrLeaseLost, "the lease was freed by the first report")
	m := h.message(p.ID, "msg-1")
	require.Equal(t, 1, m.Attempts)
	require.True(t, m.DeliveredAt.IsZero())
}

// testConcurrentClaims: 8 dispatchers claim at once with distinct owners.
// While leases are valid no message is handed out twice and every due
// message is handed out; then, after the leases expired, they claim and
// deliver concurrently and every message is delivered exactly once.
func testConcurrentClaims(t *testing.T, h *harness) {
	const (
		dispatchers = 8
		payments    = 4
		perPayment  = 40
		limit       = 3
	)
	var all []string
	for i := range payments {
		p := h.create(paid(newPayment(fmt.Sprintf("pay-%d", i), "partner-a", fmt.Sprintf("req-%d", i))))
		p2 := next(p)
		msgs := make([]store.OutboxMessage, perPayment)
		for j := range msgs {
			id := fmt.Sprintf("msg-%d-%02d", i, j)
			msgs[j] = newMessage(id, p2, t0.Add(time.Duration(j*payments+i)*time.Microsecond))
			all = append(all, id)
		}
		h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Outbox: msgs})
	}

	// Phase 1: claim only, all with leases valid for the whole phase.
	now := t0.Add(time.Minute)
	lease := time.Hour
	claimed := make([][]string, dispatchers)
	var bad errorList
	Parallel(dispatchers, func(d int) {
		owner := fmt.Sprintf("dispatcher-%d", d)
		for {
			msgs, err := h.s.ClaimOutbox(h.ctx, owner, now, lease, limit)
			if err != nil {
				bad.add("%s: ClaimOutbox: %w", owner, err)
				return
			}
			if len(msgs) == 0 {
				return
			}
			if len(claimed[d])+len(msgs) > len(all) {
				bad.add("%s: claimed more messages than exist: leases are not honoured", owner)
				return
			}
			if len(msgs) > limit {
				bad.add("%s: ClaimOutbox returned %d messages, limit %d", owner, len(msgs), limit)
			}
			for _, m := range msgs {
				claimed[d] = append(claimed[d], m.ID)
				if m.LeaseOwner != owner {
					bad.add("%s: claimed %s shows lease owner %q", owner, m.ID, m.LeaseOwner)
				}
			}
		}
	})
	bad.require(t)
	owners := map[string]int{}
	for d, ids := range claimed {
		for _, id := range ids {
			prev, dup := owners[id]
			require.Falsef(t, dup, "message %s handed to dispatcher-%d and dispatcher-%d while both leases were valid", id, prev, d)
			owners[id] = d
		}
	}
	require.Len(t, owners, len(all), "every due message handed out")
	for i := range payments {
		for _, m := range h.outbox(fmt.Sprintf("pay-%d", i)) {
			require.Equal(t, fmt.Sprintf("dispatcher-%d", owners[m.ID]), m.LeaseOwner, "stored lease of %s", m.ID)
		}
	}

	// Phase 2: every lease has expired; claim and deliver concurrently.
	later := now.Add(lease + time.Second)
	delivered := make([][]string, dispatchers)
	Parallel(dispatchers, func(d int) {
		owner := fmt.Sprintf("courier-%d", d)
		taken := 0
		for {
			msgs, err := h.s.ClaimOutbox(h.ctx, owner, later, lease, limit)
			if err != nil {
				bad.add("%s: ClaimOutbox: %w", owner, err)
				return
			}
			if len(msgs) == 0 {
				return
			}
			if taken += len(msgs); taken > len(all) {
				bad.add("%s: claimed more messages than exist: deliveries or leases are not honoured", owner)
				return
			}
			for _, m := range msgs {
				err := h.s.RecordDelivery(h.ctx, store.Delivery{MessageID: m.ID, Owner: owner, At: later, Delivered: true})
				if err != nil {
					bad.add("%s: RecordDelivery(%s): %w", owner, m.ID, err)
					continue
				}
				delivered[d] = append(delivered[d], m.ID)
			}
		}
	})
	bad.require(t)
	seen := map[string]bool{}
	for _, ids := range delivered {
		for _, id := range ids {
			require.False(t, seen[id], "message %s delivered twice", id)
			seen[id] = true
		}
	}
	require.Len(t, seen, len(all), "every message delivered")
	for i := range payments {
		for _, m := range h.outbox(fmt.Sprintf("pay-%d", i)) {
			require.Equal(t, 1, m.Attempts, m.ID)
			require.Equal(t, later, m.DeliveredAt, m.ID)
			require.Empty(t, m.LeaseOwner, m.ID)
		}
	}
	require.Empty(t, h.claim("late", later.Add(24*time.Hour), lease, 10))
}
