package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
	"github.com/paystate/paystate/store/storetest"
)

// TestConformanceSeparateCommits runs the conformance suite on the path
// with one transaction per Commit (Options.SeparateCommits).
func TestConformanceSeparateCommits(t *testing.T) {
	pgstoretest.DSN(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return pgstoretest.OpenWith(t, pgstore.Options{SeparateCommits: true})
	})
}

// created is a Change that creates payment id (request key shop/request)
// with its first event.
func created(id, request string, now time.Time) store.Change {
	p := testPayment(id, now)
	p.RequestID = request
	return store.Change{Payment: p,
		Events: []store.Event{{PaymentID: id, Seq: 1, At: now, Name: "debit_succeeded", From: "INIT", To: "SUCCESS"}}}
}

// message is an outbox message of payment p with the given id.
func message(id string, p *store.Payment) store.OutboxMessage {
	return store.OutboxMessage{ID: id, PaymentID: p.ID, PartnerID: p.PartnerID, RequestID: p.RequestID,
		Kind: "payment_result", NotifyURL: p.NotifyURL, Status: "SUCCESS", Currency: p.Currency, Amount: p.Amount,
		CreatedAt: p.CreatedAt, NextAttemptAt: p.CreatedAt}
}

// queueAll runs every Change's Commit at once while s's shared
// transactions are held, lets them go only when all of them wait in the
// queue, and returns their errors in order.
func queueAll(t *testing.T, s *pgstore.Store, changes []store.Change) []error {
	t.Helper()
	release := s.HoldCommitSlotsForTest()
	errs := make([]error, len(changes))
	var wg sync.WaitGroup
	for i, c := range changes {
		wg.Go(func() { errs[i] = s.Commit(context.Background(), c) })
	}
	require.Eventually(t, func() bool { return s.QueuedCommitsForTest() == len(changes) },
		10*time.Second, time.Millisecond, "every Commit waits in the queue")
	release()
	wg.Wait()
	return errs
}

// TestBatchedCommitsFailAlone queues Commits that conflict, collide on
// keys or break a rule of the Change among many that do not, all at once
// so that they share transactions: each failing Commit fails alone with
// its own error, every other one is applied exactly once, and nothing of
// a failed one is stored.
func TestBatchedCommitsFailAlone(t *testing.T) {
	s := pgstoretest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	hot := created("hot", "req-hot", now)
	taken := created("taken", "req-taken", now)
	taken.Outbox = []store.OutboxMessage{message("taken.msg", &taken.Payment)}
	require.NoError(t, s.Commit(ctx, hot))
	require.NoError(t, s.Commit(ctx, taken))

	type want struct {
		c        store.Change
		err      error // nil: applied
		oneOfTwo bool  // one of its group is applied, the others fail with err
	}
	var cases []want
	for i := range 30 { // more than one transaction holds
		cases = append(cases, want{c: created(fmt.Sprintf("new-%02d", i), fmt.Sprintf("req-new-%02d", i), now)})
	}
	for i := range 4 { // the same version of one payment, updated 4 times
		p := hot.Payment
		p.Version, p.UpdatedAt = 2, now.Add(time.Second)
		cases = append(cases, want{c: store.Change{Payment: p, ExpectedVersion: 1, Events: []store.Event{{
			PaymentID: p.ID, Seq: 2, At: p.UpdatedAt, Name: "note", Detail: fmt.Sprintf("writer %d", i)}}},
			err: store.ErrConflict, oneOfTwo: true})
	}
	for i := range 3 { // twins: one request key, three payment ids
		cases = append(cases, want{c: created(fmt.Sprintf("twin-%d", i), "req-twin", now), err: store.ErrAlreadyExists, oneOfTwo: true})
	}
	// A stored request key, a stored outbox message id, a stale version.
	cases = append(cases, want{c: created("dup-request", "req-taken", now), err: store.ErrAlreadyExists})
	dupMessage := created("dup-message", "req-dup-message", now)
	dupMessage.Outbox = []store.OutboxMessage{message("taken.msg", &dupMessage.Payment)}
	cases = append(cases, want{c: dupMessage, err: store.ErrAlreadyExists})
	stale := taken.Payment
	stale.Version = 8
	cases = append(cases, want{c: store.Change{Payment: stale, ExpectedVersion: 7}, err: store.ErrConflict})
	// A Change that breaks a rule of its own shape is refused before it
	// queues, and fails alone too.
	invalid := created("invalid", "req-invalid", now)
	invalid.ExpectedVersion = 5
	cases = append(cases, want{c: invalid, err: store.ErrInvalidChange})

	changes := make([]store.Change, 0, len(cases))
	for _, w := range cases {
		if w.err != store.ErrInvalidChange {
			changes = append(changes, w.c)
		}
	}
	txBefore := s.CommitTransactionsForTest()
	errs := queueAll(t, s, changes)
	require.ErrorIs(t, s.Commit(ctx, invalid), store.ErrInvalidChange)
	txs := s.CommitTransactionsForTest() - txBefore
	require.Less(t, txs, int64(len(changes))/4, "%d Commits queued together shared transactions", len(changes))

	won := map[error]int{}
	for i, w := range cases {
		if w.err == store.ErrInvalidChange {
			continue
		}
		err := errs[i]
		id := w.c.Payment.ID
		switch {
		case w.oneOfTwo && err == nil:
			won[w.err]++
		case w.err == nil:
			require.NoError(t, err, "Commit of %s", id)
			snap, err := s.GetPayment(ctx, id)
			require.NoError(t, err, "the applied payment %s is stored", id)
			require.Equal(t, w.c.Payment.Version, snap.Payment.Version)
			history, err := s.History(ctx, id)
			require.NoError(t, err)
			require.Len(t, history, 1, "payment %s's event is stored once", id)
		default:
			require.ErrorIs(t, err, w.err, "Commit of %s", id)
			if w.c.ExpectedVersion == 0 && id != "dup-request" {
				_, err := s.GetPayment(ctx, id)
				require.ErrorIs(t, err, store.ErrNotFound, "nothing of the failed create %s is stored", id)
			}
		}
	}
	require.Equal(t, 1, won[store.ErrConflict], "exactly one of the updates of one version is applied")
	require.Equal(t, 1, won[store.ErrAlreadyExists], "exactly one of the twins is applied")

	snap, err := s.GetPayment(ctx, "hot")
	require.NoError(t, err)
	require.Equal(t, int64(2), snap.Payment.Version)
	history, err := s.History(ctx, "hot")
	require.NoError(t, err)
	require.Len(t, history, 2, "one creation and the one update applied")
	twin, err := s.GetPaymentByRequest(ctx, "shop", "req-twin")
	require.NoError(t, err)
	history, err = s.History(ctx, twin.Payment.ID)
	require.NoError(t, err)
	require.Len(t, history, 1)
	msgs, err := s.Outbox(ctx, "taken")
	require.NoError(t, err)
	require.Len(t, msgs, 1, "the stored message is untouched")
	snap, err = s.GetPayment(ctx, "taken")
	require.NoError(t, err)
	require.Equal(t, int64(1), snap.Payment.Version, "the stale update changed nothing")
}

// TestBatchedCommitCancelledWhileQueued: a Commit whose context ends while
// it waits in the queue returns the context's error and is never applied;
// the Commit queued beside it is.
func TestBatchedCommitCancelledWhileQueued(t *testing.T) {
	s := pgstoretest.Open(t)
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	release := s.HoldCommitSlotsForTest()
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error, 1)
	go func() { cancelled <- s.Commit(ctx, created("gone", "req-gone", now)) }()
	kept := make(chan error, 1)
	go func() { kept <- s.Commit(context.Background(), created("kept", "req-kept", now)) }()
	require.Eventually(t, func() bool { return s.QueuedCommitsForTest() == 2 }, 10*time.Second, time.Millisecond)

	cancel()
	require.ErrorIs(t, <-cancelled, context.Canceled)
	require.Equal(t, 1, s.QueuedCommitsForTest(), "the cancelled Commit left the queue")
	release()
	require.NoError(t, <-kept)

	_, err := s.GetPayment(context.Background(), "gone")
	require.ErrorIs(t, err, store.ErrNotFound, "the cancelled Commit was not applied")
	_, err = s.GetPayment(context.Background(), "kept")
	require.NoError(t, err)
}

// TestBatchedCommitOutcomeUnknown: when the connection of a shared
// transaction is lost while its COMMIT is on the way, every Commit in it
// gets an error that says nothing definite (no store sentinel, so the
// engine answers "unknown" and never "failed"), and a reload tells the
// truth.
func TestBatchedCommitOutcomeUnknown(t *testing.T) {
	s := pgstoretest.Open(t)
	dsn := pgstoretest.DSN(t)
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	killer := connect(t, dsn)
	var once sync.Once
	s.SetBeforeSharedCommitForTest(func(pid uint32) {
		once.Do(func() {
			_, err := killer.Exec(context.Background(), "SELECT pg_terminate_backend($1)", pid)
			require.NoError(t, err)
		})
	})
	var changes []store.Change
	for i := range 5 {
		changes = append(changes, created(fmt.Sprintf("lost-%d", i), fmt.Sprintf("req-lost-%d", i), now))
	}
	for i, err := range queueAll(t, s, changes) {
		require.Error(t, err, "Commit %d", i)
		for _, sentinel := range []error{store.ErrConflict, store.ErrAlreadyExists, store.ErrInvalidChange, store.ErrNotFound} {
			require.NotErrorIs(t, err, sentinel, "an unknown outcome is never a definite failure")
		}
		require.NotErrorIs(t, err, pgx.ErrNoRows)
		_, lookup := s.GetPayment(context.Background(), changes[i].Payment.ID)
		require.ErrorIs(t, lookup, store.ErrNotFound, "this COMMIT never reached the server")
	}

	// The Store goes on: the next Commits succeed.
	s.SetBeforeSharedCommitForTest(nil)
	for i, err := range queueAll(t, s, changes) {
		require.NoError(t, err, "Commit %d again", i)
	}
}
