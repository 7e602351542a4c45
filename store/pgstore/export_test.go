package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/store"
)

// QueryCase is one statement of a Store with sample arguments, for tests
// that look at its plan.
type QueryCase struct {
	Name string
	SQL  string
	Args []any
}

// QueryCasesForTest returns every lookup, listing and guarded write the
// Store runs, with arguments of the right types.
func (s *Store) QueryCasesForTest() []QueryCase {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	q := s.q
	return []QueryCase{
		{"paymentByID", q.paymentByID, []any{"pay-1"}},
		{"paymentByRequest", q.paymentByRequest, []any{"shop", "req-1"}},
		{"loadPayment", q.loadPayment, []any{"pay-1", "ref-1"}},
		{"loadPaymentByReq", q.loadPaymentByReq, []any{"shop", "req-1"}},
		{"updateRefund", q.updateRefund, append([]any{"ref-1", "pay-1"}, refundValues(&store.Refund{ID: "ref-1", PaymentID: "pay-1"})[refundKeyColumns:]...)},
		{"refundByID", q.refundByID, []any{"ref-1"}},
		{"refundByRequest", q.refundByRequest, []any{"shop", "rreq-1"}},
		{"updateCapture", q.updateCapture, append([]any{"cap-1", "pay-1"}, captureValues(&store.Capture{ID: "cap-1", PaymentID: "pay-1"})[captureKeyColumns:]...)},
		{"captureByRequest", q.captureByRequest, []any{"shop", "creq-1"}},
		{"history", q.history, []any{"pay-1"}},
		{"outbox", q.outbox, []any{"pay-1"}},
		{"dueExpiries", q.dueExpiries, []any{dueTime(now), 10}},
		{"dueChecks", q.dueChecks, []any{dueTime(now), 10}},
		{"claimOutbox", q.claimOutbox, []any{"owner", nullTime(now.Add(time.Minute)), dueTime(now), 10, []string{"slow-shop"}}},
		{"recordDelivery", q.recordDelivery, []any{"msg-1", "owner", "", true, nullTime(now), false, dueTime(time.Time{})}},
		{"outboxLeaseOwner", q.outboxLeaseOwner, []any{"msg-1"}},
		{"parkedOutbox", q.parkedOutbox, []any{dueTime(now), "msg-1", 10}},
		{"outboxParkedKey", q.outboxParkedKey, []any{"msg-1"}},
		{"resendOutbox", q.resendOutbox, []any{"msg-1", dueTime(now)}},
		{"outboxDelivered", q.outboxDelivered, []any{"msg-1"}},
		{"outboxBacklog", q.outboxBacklog, []any{dueTime(now), 10}},
	}
}

// HoldCommitSlotsForTest takes every slot of s's shared transactions, so
// that Commits queue until release is called.
func (s *Store) HoldCommitSlotsForTest() (release func()) {
	for range cap(s.batch.slots) {
		s.batch.slots <- struct{}{}
	}
	return func() {
		for range cap(s.batch.slots) {
			<-s.batch.slots
		}
	}
}

// QueuedCommitsForTest returns how many Commits wait in s's queue.
func (s *Store) QueuedCommitsForTest() int {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return len(s.batch.queue)
}

// CommitTransactionsForTest returns how many transactions s's Commits
// have begun.
func (s *Store) CommitTransactionsForTest() int64 { return s.commitTxs.Load() }

// SetBeforeSharedCommitForTest makes s call hook with the backend process
// id of a shared transaction's connection just before its COMMIT.
func (s *Store) SetBeforeSharedCommitForTest(hook func(backendPID uint32)) {
	s.beforeSharedCommit = hook
}

// MigrateToForTest brings schema up to version (not beyond), as code of
// that version would.
func MigrateToForTest(ctx context.Context, pool *pgxpool.Pool, schema string, version int) error {
	return migrateTo(ctx, pool, schema, version)
}

// PaymentRowForTest returns the payments columns and p's values in their
// order, as Commit writes them.
func PaymentRowForTest(p *store.Payment) (columns []string, values []any) {
	return paymentColumns, paymentValues(p)
}

// OutboxRowForTest returns the outbox columns and m's values in their
// order, as Commit writes them.
func OutboxRowForTest(m *store.OutboxMessage) (columns []string, values []any) {
	return outboxColumns, outboxValues(m)
}
