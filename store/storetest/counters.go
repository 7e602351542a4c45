package storetest

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

// counterTests: Change.Counters move with their Commit, exactly, under any
// concurrency.
var counterTests = []test{
	{"StartAtZeroAndAdd", testCountersAdd},
	{"CapRefusesWholeChange", testCounterCapRefusesWholeChange},
	{"ExactUnderConcurrency", testCountersExactUnderConcurrency},
	{"RefusedOnConflictToo", testCountersNotAppliedOnConflict},
}

// counter reads a counter and requires success.
func (h *harness) counter(key string) int64 {
	h.t.Helper()
	v, err := h.s.Counter(h.ctx, key)
	require.NoError(h.t, err, "counter %q", key)
	return v
}

// testCountersAdd: an unknown counter reads 0; creations and updates add
// their deltas, negative ones included.
func testCountersAdd(t *testing.T, h *harness) {
	require.Zero(t, h.counter("user/u1/2026-12-06/USD"))
	p := newPayment("pay-1", "partner-a", "req-1")
	h.commit(store.Change{Payment: p, Counters: []store.CounterDelta{
		{Key: "user/u1/2026-12-06/USD", Delta: 1_000, Max: 10_000}, {Key: "user/u1/2026-12-06/count", Delta: 1},
	}})
	p2 := next(p)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Counters: []store.CounterDelta{
		{Key: "user/u1/2026-12-06/USD", Delta: 9_000, Max: 10_000},
	}})
	require.Equal(t, int64(10_000), h.counter("user/u1/2026-12-06/USD"))
	require.Equal(t, int64(1), h.counter("user/u1/2026-12-06/count"))
	p3 := next(p2)
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, Counters: []store.CounterDelta{
		{Key: "user/u1/2026-12-06/USD", Delta: -4_000}, {Key: "user/u1/2026-12-06/count", Delta: -1},
	}})
	require.Equal(t, int64(6_000), h.counter("user/u1/2026-12-06/USD"))
	require.Zero(t, h.counter("user/u1/2026-12-06/count"))
}

// testCounterCapRefusesWholeChange: a delta over its cap (on a new or an
// existing counter) refuses the Change with a *LimitError naming the
// counter, and nothing of it is applied: not the payment, not its other
// counters.
func testCounterCapRefusesWholeChange(t *testing.T, h *harness) {
	p := newPayment("pay-1", "partner-a", "req-1")
	err := h.s.Commit(h.ctx, store.Change{Payment: p, Counters: []store.CounterDelta{
		{Key: "a", Delta: 5, Max: 10}, {Key: "b", Delta: 11, Max: 10},
	}})
	var le *store.LimitError
	require.ErrorAs(t, err, &le)
	require.ErrorIs(t, err, store.ErrLimitExceeded)
	require.Equal(t, "b", le.Key)
	h.requireNoPayment(p.ID, p.PartnerID, p.RequestID)
	require.Zero(t, h.counter("a"))
	require.Zero(t, h.counter("b"))

	h.commit(store.Change{Payment: p, Events: []store.Event{event(p, "create", "", p.Status)},
		Counters: []store.CounterDelta{{Key: "a", Delta: 10, Max: 10}}})
	p2 := next(p)
	err = h.s.Commit(h.ctx, store.Change{Payment: p2, ExpectedVersion: 1,
		Events: []store.Event{event(p2, "more", p.Status, p.Status)}, Outbox: []store.OutboxMessage{newMessage("msg-1", p2, t0)},
		Counters: []store.CounterDelta{{Key: "b", Delta: 1}, {Key: "a", Delta: 1, Max: 10}}})
	require.ErrorAs(t, err, &le)
	require.Equal(t, "a", le.Key)
	require.Equal(t, int64(1), h.snapshot(p.ID).Payment.Version, "the payment is not updated")
	require.Equal(t, []string{"create"}, eventNames(h.history(p.ID)))
	require.Empty(t, h.outbox(p.ID))
	require.Equal(t, int64(10), h.counter("a"))
	require.Zero(t, h.counter("b"))
	// No cap: a delta goes through whatever the value.
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, Counters: []store.CounterDelta{{Key: "a", Delta: 1}}})
	require.Equal(t, int64(11), h.counter("a"))
}

// testCountersExactUnderConcurrency: 50 concurrent creations of payments of
// 10.00, each adding to one user's daily sum capped at 100.00 and to a
// count capped at 12, give exactly 10 payments; after 3 of them give their
// room back, 50 more concurrent attempts under a count cap of 8 give
// exactly 1, and every refusal is a *LimitError of the counter that was full.
func testCountersExactUnderConcurrency(t *testing.T, h *harness) {
	const sumKey, countKey = "user/u1/2026-12-06/USD", "user/u1/2026-12-06/count"
	attempt := func(round, n int, countCap int64) (ok int, stored []store.Payment, full map[string]int) {
		changes := make([]store.Change, n)
		for i := range changes {
			p := newPayment(fmt.Sprintf("pay-%d-%d", round, i), "partner-a", fmt.Sprintf("req-%d-%d", round, i))
			p.Amount, p.UserID, p.UsageDay = 1_000, "u1", "2026-12-06"
			changes[i] = store.Change{Payment: p, Events: []store.Event{event(p, "create", "", p.Status)},
				Counters: []store.CounterDelta{{Key: countKey, Delta: 1, Max: countCap}, {Key: sumKey, Delta: 1_000, Max: 10_000}}}
		}
		errs := make([]error, n)
		var wins atomic.Int64
		Parallel(n, func(i int) {
			errs[i] = h.s.Commit(h.ctx, changes[i])
			if errs[i] == nil {
				wins.Add(1)
			}
		})
		full = map[string]int{}
		for i, err := range errs {
			if err == nil {
				stored = append(stored, changes[i].Payment)
				continue
			}
			var le *store.LimitError
			require.True(t, errors.As(err, &le), "attempt %d: want a *LimitError, got %v", i, err)
			full[le.Key]++
			h.requireNoPayment(changes[i].Payment.ID, "partner-a", changes[i].Payment.RequestID)
		}
		return int(wins.Load()), stored, full
	}

	ok, stored, full := attempt(1, 50, 12)
	require.Equal(t, 10, ok, "50 pays of 10.00 against 100.00 a day")
	require.Equal(t, map[string]int{sumKey: 40}, full)
	require.Equal(t, int64(10_000), h.counter(sumKey))
	require.Equal(t, int64(10), h.counter(countKey))

	for _, p := range stored[:3] {
		c := next(p)
		c.Status, c.UsageDay = "CLOSED", ""
		h.commit(store.Change{Payment: c, ExpectedVersion: 1, Counters: []store.CounterDelta{
			{Key: sumKey, Delta: -1_000}, {Key: countKey, Delta: -1},
		}})
	}
	require.Equal(t, int64(7_000), h.counter(sumKey))

	// 7 held: room for 3 more by the sum, for 1 by a count capped at 8.
	ok, _, full = attempt(2, 50, 8)
	require.Equal(t, 1, ok)
	require.Equal(t, map[string]int{countKey: 49}, full)
	require.Equal(t, int64(8_000), h.counter(sumKey))
	require.Equal(t, int64(8), h.counter(countKey))
}

// testCountersNotAppliedOnConflict: a Change refused for its version
// leaves its counters alone.
func testCountersNotAppliedOnConflict(t *testing.T, h *harness) {
	p := h.create(newPayment("pay-1", "partner-a", "req-1"))
	stale := next(next(p))
	stale.Version = 3
	err := h.s.Commit(h.ctx, store.Change{Payment: stale, ExpectedVersion: 2, Counters: []store.CounterDelta{{Key: "a", Delta: 1}}})
	require.ErrorIs(t, err, store.ErrConflict)
	require.Zero(t, h.counter("a"))
}
