package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var g0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

func groupPayment(id, request string) store.Payment {
	return store.Payment{ID: id, PartnerID: "shop", RequestID: request, Status: "SUCCESS",
		Currency: "USD", Amount: 1000, CreatedAt: g0, UpdatedAt: g0, Version: 1}
}

// queueBehindHeldSlot holds s's write slot, starts every write so that
// they queue in order, calls beforeRelease, and lets go of the slot: one of
// the queued writers then applies them all in one transaction. It returns
// where each write's answer arrives.
func queueBehindHeldSlot(t *testing.T, s *Store, writes []func() error, beforeRelease func()) []chan error {
	t.Helper()
	s.writeSlot <- struct{}{}
	results := make([]chan error, len(writes))
	for i, write := range writes {
		results[i] = make(chan error, 1)
		go func() { results[i] <- write() }()
		require.Eventually(t, func() bool {
			s.queueMu.Lock()
			defer s.queueMu.Unlock()
			return len(s.queue) == i+1
		}, 5*time.Second, time.Millisecond)
	}
	beforeRelease()
	<-s.writeSlot
	return results
}

// TestGroupCommitIsolatesFailures queues Changes behind a held write slot
// so that one transaction applies them all, and checks that each fails or
// succeeds exactly as it would alone: a failing Change is rolled back to
// its savepoint, including the writes it made before failing.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "group.db"), Options{})
	require.NoError(t, err)
	defer s.Close()

	base := groupPayment("pay-0", "req-0")
	refund := store.Refund{ID: "ref-0", PaymentID: "pay-0", PartnerID: "shop", RequestID: "rreq-0", Status: "INIT", Amount: 1}
	require.NoError(t, s.Commit(ctx, store.Change{Payment: base, NewRefunds: []store.Refund{refund}}))

	bumped := base
	bumped.Version, bumped.HeldAmount = 2, 99
	dupRefund := refund
	dupRefund.RequestID = "rreq-other" // same id: refused after the payment was updated
	cancelled, cancel := context.WithCancel(ctx)

	cases := []struct {
		name string
		ctx  context.Context
		c    store.Change
		want error // nil: applied
	}{
		{"create", ctx, store.Change{Payment: groupPayment("pay-1", "req-1"),
			Events: []store.Event{{PaymentID: "pay-1", Seq: 1, Name: "create"}}}, nil},
		{"twin of create", ctx, store.Change{Payment: groupPayment("pay-1b", "req-1")}, store.ErrAlreadyExists},
		{"update then duplicate refund", ctx, store.Change{Payment: bumped, ExpectedVersion: 1,
			NewRefunds: []store.Refund{dupRefund},
			Events:     []store.Event{{PaymentID: "pay-0", Seq: 2, Name: "refund"}}}, store.ErrAlreadyExists},
		{"create of a taken id", ctx, store.Change{Payment: groupPayment("pay-0", "req-x")}, store.ErrAlreadyExists},
		{"cancelled while queued", cancelled, store.Change{Payment: groupPayment("pay-3", "req-3")}, context.Canceled},
		{"update", ctx, store.Change{Payment: bumped, ExpectedVersion: 1,
			Outbox: []store.OutboxMessage{{ID: "msg-0", PaymentID: "pay-0"}}}, nil},
		{"update again from the old version", ctx, store.Change{Payment: bumped, ExpectedVersion: 1}, store.ErrConflict},
	}

	writes := make([]func() error, len(cases))
	for i, tc := range cases {
		writes[i] = func() error { return s.Commit(tc.ctx, tc.c) }
	}
	results := queueBehindHeldSlot(t, s, writes, cancel)

	for i, tc := range cases {
		err := <-results[i]
		if tc.want == nil {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorIs(t, err, tc.want, tc.name)
		}
	}

	snap, err := s.GetPayment(ctx, "pay-0")
	require.NoError(t, err)
	require.Equal(t, bumped, snap.Payment, "the later update landed, the failed one left nothing")
	require.Len(t, snap.Refunds, 1)
	require.Equal(t, "rreq-0", snap.Refunds[0].RequestID)
	hist, err := s.History(ctx, "pay-0")
	require.NoError(t, err)
	require.Empty(t, hist, "the failed Change's event was rolled back")
	msgs, err := s.Outbox(ctx, "pay-0")
	require.NoError(t, err)
	require.Len(t, msgs, 1)

	p1, err := s.GetPaymentByRequest(ctx, "shop", "req-1")
	require.NoError(t, err)
	require.Equal(t, "pay-1", p1.Payment.ID)
	for _, id := range []string{"pay-1b", "pay-3"} {
		_, err := s.GetPayment(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, id)
	}
}

// TestCommitFuncAndDeliveriesJoinGroupCommits queues writes of another
// table (CommitFunc, as the wallet's ledger does) and a RecordDelivery
// among Changes behind a held write slot, so that one transaction applies
// them all: each write's failure rolls back that write alone, including
// what it wrote before failing, and the caller of each learns its fate.
func TestCommitFuncAndDeliveriesJoinGroupCommits(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "group.db"), Options{})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.db.ExecContext(ctx, `CREATE TABLE ledger_rows (k TEXT PRIMARY KEY)`)
	require.NoError(t, err)
	insert := func(keys ...string) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			for _, k := range keys {
				if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_rows (k) VALUES (?)`, k); err != nil {
					return err
				}
			}
			return nil
		}
	}
	declined := errors.New("declined")
	errTakenKey := errors.New("taken key") // stands for SQLite's UNIQUE error
	cancelled, cancel := context.WithCancel(ctx)

	cases := []struct {
		name  string
		write func() error
		want  error // nil: applied
	}{
		{"commit", func() error { return s.Commit(ctx, store.Change{Payment: groupPayment("pay-1", "req-1")}) }, nil},
		{"ledger write", func() error { return s.CommitFunc(ctx, "debit a", insert("a", "a2")) }, nil},
		{"ledger write that declines after writing", func() error {
			return s.CommitFunc(ctx, "debit b", func(ctx context.Context, tx *sql.Tx) error {
				if err := insert("b")(ctx, tx); err != nil {
					return err
				}
				return declined
			})
		}, declined},
		{"ledger write of a taken key", func() error { return s.CommitFunc(ctx, "debit c", insert("c", "a")) }, errTakenKey},
		{"ledger write cancelled while queued", func() error { return s.CommitFunc(cancelled, "debit d", insert("d")) }, context.Canceled},
		{"delivery of an unknown message", func() error {
			return s.RecordDelivery(ctx, store.Delivery{MessageID: "msg-x", Owner: "w", Delivered: true, At: g0})
		}, store.ErrNotFound},
		{"another commit", func() error { return s.Commit(ctx, store.Change{Payment: groupPayment("pay-2", "req-2")}) }, nil},
	}

	writes := make([]func() error, len(cases))
	for i, tc := range cases {
		writes[i] = tc.write
	}
	results := queueBehindHeldSlot(t, s, writes, cancel)

	for i, tc := range cases {
		err := <-results[i]
		switch {
		case tc.want == errTakenKey:
			require.ErrorContains(t, err, "UNIQUE", tc.name)
		case tc.want == nil:
			require.NoError(t, err, tc.name)
		default:
			require.ErrorIs(t, err, tc.want, tc.name)
		}
	}

	var keys []string
	rows, err := s.db.QueryContext(ctx, `SELECT k FROM ledger_rows ORDER BY k`)
	require.NoError(t, err)
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		keys = append(keys, k)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"a", "a2"}, keys, "only the applied ledger write remains; c was rolled back with its failure")
	for _, id := range []string{"pay-1", "pay-2"} {
		_, err := s.GetPayment(ctx, id)
		require.NoError(t, err, id)
	}
}

// A write that panics inside a group commit aborts the batch: every write
// queued with it learns it was not applied, nothing of the batch remains,
// the panic reaches the goroutine that ran the batch, and the write slot
// is free again for the next Commit.
func TestCommitFuncPanicAbortsItsBatchAndFreesTheSlot(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "group.db"), Options{})
	require.NoError(t, err)
	defer s.Close()
	recovering := func(write func() error) func() error {
		return func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return write()
		}
	}
	writes := []func() error{
		recovering(func() error { return s.Commit(ctx, store.Change{Payment: groupPayment("pay-1", "req-1")}) }),
		recovering(func() error {
			return s.CommitFunc(ctx, "broken ledger", func(context.Context, *sql.Tx) error { panic("ledger bug") })
		}),
		recovering(func() error { return s.Commit(ctx, store.Change{Payment: groupPayment("pay-2", "req-2")}) }),
	}
	results := queueBehindHeldSlot(t, s, writes, func() {})
	for i := range writes {
		err := <-results[i]
		require.Error(t, err, "write %d", i)
		require.ErrorContains(t, err, "ledger bug", "write %d", i)
	}
	for _, id := range []string{"pay-1", "pay-2"} {
		_, err := s.GetPayment(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, id)
	}
	done := make(chan error, 1)
	go func() { done <- s.Commit(ctx, store.Change{Payment: groupPayment("pay-3", "req-3")}) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the write slot stayed taken after the panic")
	}
}
