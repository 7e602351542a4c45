package storetest

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var concurrencyTests = []test{
	{"TwinCreatesSameID", testTwinCreatesSameID},
	{"TwinCreatesSameRequest", testTwinCreatesSameRequest},
	{"TwinRefunds", testTwinRefunds},
	{"VersionedCommits", testVersionedCommits},
}

// twinRounds is how often each twin test races its goroutines.
func twinRounds() int { return rounds(8, 2) }

// testTwinCreatesSameID: 32 goroutines create the same payment (same id,
// same request key) with different content: exactly one wins, the others
// get ErrAlreadyExists, and only the winner's refund, event and message
// exist.
func testTwinCreatesSameID(t *testing.T, h *harness) {
	const twins = 32
	for round := range twinRounds() {
		id, req := fmt.Sprintf("pay-%d", round), fmt.Sprintf("req-%d", round)
		changes := make([]store.Change, twins)
		for i := range changes {
			p := paid(newPayment(id, "partner-a", req))
			p.UserID = fmt.Sprintf("user-%d", i)
			changes[i] = store.Change{
				Payment:    p,
				NewRefunds: []store.Refund{newRefund(fmt.Sprintf("ref-%d-%d", round, i), p, fmt.Sprintf("rreq-%d-%d", round, i), 1)},
				Events:     []store.Event{event(p, fmt.Sprintf("create-%d", i), "", "SUCCESS")},
				Outbox:     []store.OutboxMessage{newMessage(fmt.Sprintf("msg-%d-%d", round, i), p, t0)},
			}
		}
		winner := raceCommits(t, h, changes)

		w := changes[winner]
		want := norm(store.Snapshot{Payment: w.Payment, Refunds: w.NewRefunds})
		require.Equal(t, want, h.snapshot(id), "round %d: the winner's payment and refund", round)
		snap, err := h.s.GetPaymentByRequest(h.ctx, "partner-a", req)
		require.NoError(t, err)
		require.Equal(t, want, norm(snap))
		require.Equal(t, norm(w.Events), h.history(id), "round %d: only the winner's event", round)
		require.Equal(t, norm(w.Outbox), h.outbox(id), "round %d: only the winner's message", round)
		for i, c := range changes {
			if i != winner {
				h.requireNoRefund(c.NewRefunds[0])
			}
		}
	}
}

// testTwinCreatesSameRequest: 32 goroutines create payments with different
// ids under one request key: exactly one wins, nothing of the others is
// stored.
func testTwinCreatesSameRequest(t *testing.T, h *harness) {
	const twins = 32
	for round := range twinRounds() {
		req := fmt.Sprintf("req-%d", round)
		changes := make([]store.Change, twins)
		for i := range changes {
			p := newPayment(fmt.Sprintf("pay-%d-%d", round, i), "partner-a", req)
			changes[i] = store.Change{
				Payment: p,
				Events:  []store.Event{event(p, "create", "", "ACCEPT")},
				Outbox:  []store.OutboxMessage{newMessage(fmt.Sprintf("msg-%d-%d", round, i), p, t0)},
			}
		}
		winner := raceCommits(t, h, changes)

		snap, err := h.s.GetPaymentByRequest(h.ctx, "partner-a", req)
		require.NoError(t, err)
		require.Equal(t, norm(changes[winner].Payment), norm(snap.Payment), "round %d", round)
		require.Len(t, h.outbox(snap.Payment.ID), 1)
		for i, c := range changes {
			if i == winner {
				continue
			}
			_, err := h.s.GetPayment(h.ctx, c.Payment.ID)
			require.ErrorIs(t, err, store.ErrNotFound, "round %d: loser %s", round, c.Payment.ID)
			require.Empty(t, h.history(c.Payment.ID), "round %d: loser %s", round, c.Payment.ID)
			require.Empty(t, h.outbox(c.Payment.ID), "round %d: loser %s", round, c.Payment.ID)
		}
	}
}

// testTwinRefunds: 32 goroutines, each on its own payment (so no version
// conflict), create refunds that collide on the refund request key (first
// half of the rounds) or the refund id (second half): exactly one wins and
// the losers' payments stay at version 1.
func testTwinRefunds(t *testing.T, h *harness) {
	const twins = 32
	n := twinRounds()
	for round := range n {
		sameKey := round < (n+1)/2
		changes := make([]store.Change, twins)
		for i := range changes {
			p := paid(newPayment(fmt.Sprintf("pay-%d-%d", round, i), "partner-a", fmt.Sprintf("req-%d-%d", round, i)))
			h.create(p)
			p2 := next(p)
			p2.HeldAmount = 100
			id, req := fmt.Sprintf("ref-%d-%d", round, i), fmt.Sprintf("rreq-%d", round)
			if !sameKey {
				id, req = fmt.Sprintf("ref-%d", round), fmt.Sprintf("rreq-%d-%d", round, i)
			}
			changes[i] = store.Change{
				Payment: p2, ExpectedVersion: 1,
				NewRefunds: []store.Refund{newRefund(id, p2, req, 100)},
				Events:     []store.Event{event(p2, "open_credit", "NEW", "INIT")},
			}
		}
		winner := raceCommits(t, h, changes)

		for i, c := range changes {
			snap := h.snapshot(c.Payment.ID)
			if i == winner {
				require.Equal(t, norm(store.Snapshot{Payment: c.Payment, Refunds: c.NewRefunds}), snap, "round %d: winner", round)
				continue
			}
			require.Equal(t, int64(1), snap.Payment.Version, "round %d: loser %s", round, c.Payment.ID)
			require.Empty(t, snap.Refunds, "round %d: loser %s", round, c.Payment.ID)
			require.Len(t, h.history(c.Payment.ID), 1, "round %d: loser %s", round, c.Payment.ID)
		}
	}
}

// raceCommits commits all changes at once and requires that exactly one
// succeeds and every other one fails with ErrAlreadyExists. It returns the
// winner's index.
func raceCommits(t *testing.T, h *harness, changes []store.Change) int {
	t.Helper()
	errs := make([]error, len(changes))
	Parallel(len(changes), func(i int) { errs[i] = h.s.Commit(h.ctx, changes[i]) })
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "two twins committed: %d and %d", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, err, store.ErrAlreadyExists, "twin %d", i)
	}
	require.NotEqual(t, -1, winner, "no twin committed")
	return winner
}

// testVersionedCommits: 16 goroutines read, modify and commit one payment
// with version checks. Every commit either succeeds or is ErrConflict, and
// the payment ends at version 1 + successes with every successful change
// applied once.
func testVersionedCommits(t *testing.T, h *harness) {
	const workers = 16
	attempts := rounds(25, 8)
	p := h.create(newPayment("pay-1", "partner-a", "req-1"))
	var successes, conflicts atomic.Int64
	var bad errorList
	Parallel(workers, func(w int) {
		for range attempts {
			snap, err := h.s.GetPayment(h.ctx, p.ID)
			if err != nil {
				bad.add("worker %d: GetPayment: %w", w, err)
				return
			}
			u := snap.Payment
			expected := u.Version
			u.Version++
			u.CheckAttempts++ // counts applied commits independently of Version
			u.OrderData = append(u.OrderData, byte('a'+w))
			u.UpdatedAt = t0.Add(time.Duration(u.Version) * time.Millisecond)
			err = h.s.Commit(h.ctx, store.Change{
				Payment: u, ExpectedVersion: expected,
				Events: []store.Event{event(u, fmt.Sprintf("bump-%d", w), "ACCEPT", "ACCEPT")},
			})
			switch {
			case err == nil:
				successes.Add(1)
			case errors.Is(err, store.ErrConflict):
				conflicts.Add(1)
			default:
				bad.add("worker %d: Commit at version %d: %w", w, expected, err)
			}
			if _, err := h.s.History(h.ctx, p.ID); err != nil {
				bad.add("worker %d: History: %w", w, err)
			}
		}
	})
	bad.require(t)

	n := successes.Load()
	require.Positive(t, n)
	require.Equal(t, int64(workers*attempts), n+conflicts.Load())
	snap := h.snapshot(p.ID)
	require.Equal(t, 1+n, snap.Payment.Version, "version == 1 + successful commits")
	require.Equal(t, int(n), snap.Payment.CheckAttempts, "every successful change applied once")
	require.Len(t, snap.Payment.OrderData, len(p.OrderData)+int(n))
	require.Equal(t, t0.Add(time.Duration(1+n)*time.Millisecond), snap.Payment.UpdatedAt)
	events := h.history(p.ID)
	require.Len(t, events, 1+int(n), "one event per successful commit")
	for i, e := range events {
		require.Equal(t, int64(i+1), e.Seq, "event %d", i)
	}
}
