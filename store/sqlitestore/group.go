package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Group commit. SQLite commits one transaction at a time and, with
// synchronous FULL, each commit waits for an fsync of the write-ahead log.
// Commits that arrive while another is in progress therefore queue, and
// the next writer to get the write slot applies everything queued in one
// transaction, each Change inside its own savepoint: a Change that fails
// (a stale version, a taken key) is rolled back to its savepoint alone and
// its caller gets the error, the others commit together and share one
// fsync. To every caller this is indistinguishable from committing alone,
// in queue order.
//
// Other writes join the same queue: RecordDelivery, and the writes of code
// that keeps its own tables in the Store's file (CommitFunc), such as a
// ledger. They too get a savepoint of their own and share the fsync.

// maxBatch caps the Changes of one group commit, which bounds how long the
// first of them waits for the last.
const maxBatch = 64

const (
	qSavepoint  = `SAVEPOINT change`
	qRelease    = `RELEASE change`
	qRollbackTo = `ROLLBACK TO change`
)

// pendingCommit is a write waiting for a group commit.
type pendingCommit struct {
	ctx context.Context
	// what names the write in error messages, e.g. `commit "pay-1"`.
	what func() string
	// apply writes in tx; an error rolls back to the write's savepoint.
	apply func(ctx context.Context, tx *sql.Tx) error
	done  chan error // buffered; receives the one answer
	// answered is set when done got its answer; only the writer holding
	// the slot touches it.
	answered bool
}

// answer sends p its one answer.
func (p *pendingCommit) answer(err error) {
	p.answered = true
	p.done <- err
}

// commitQueued queues the write apply and waits for its answer. While it
// waits it tries to take the write slot; whoever gets it commits the
// queue.
//
// A caller whose ctx ends while queued still waits for its answer (at most
// one batch away): its write is skipped with ctx's error if the batch has
// not reached it yet, and otherwise reported as it came out, so Commit
// never says "failed" about a write that was applied.
func (s *Store) commitQueued(ctx context.Context, what func() string, apply func(context.Context, *sql.Tx) error) error {
	p := &pendingCommit{ctx: ctx, what: what, apply: apply, done: make(chan error, 1)}
	s.queueMu.Lock()
	s.queue = append(s.queue, p)
	s.queueMu.Unlock()
	for {
		select {
		case err := <-p.done:
			return err
		case s.writeSlot <- struct{}{}:
			s.commitQueue()
		}
	}
}

// commitQueue commits a batch of the queue, holding the write slot, and
// gives the slot back even when a write panics.
func (s *Store) commitQueue() {
	defer func() { <-s.writeSlot }()
	if batch := s.takeBatch(); len(batch) > 0 {
		s.commitBatch(batch)
	}
}

// takeBatch removes up to maxBatch of the oldest queued writes.
func (s *Store) takeBatch() []*pendingCommit {
	s.queueMu.Lock()
	defer s.queueMu.Unlock()
	n := min(len(s.queue), maxBatch)
	batch := s.queue[:n:n]
	s.queue = s.queue[n:]
	return batch
}

// errTxBroken marks an error after which the transaction cannot go on.
var errTxBroken = errors.New("transaction aborted")

// commitBatch applies batch in one transaction and answers every entry.
// The caller holds the write slot. A write that panics aborts the
// transaction: every entry not yet answered is told it was not applied,
// and the panic goes on.
func (s *Store) commitBatch(batch []*pendingCommit) {
	defer func() {
		if r := recover(); r != nil {
			for _, p := range batch {
				if !p.answered {
					p.answer(fmt.Errorf("sqlitestore: %s: not applied, a write committed with it panicked: %v", p.what(), r))
				}
			}
			panic(r)
		}
	}()
	// The transaction serves many callers, so no one caller's context may
	// interrupt it; each caller's context is checked before its write.
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		for _, p := range batch {
			p.answer(fmt.Errorf("sqlitestore: %s: begin: %w", p.what(), err))
		}
		return
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	applied := make([]*pendingCommit, 0, len(batch))
	for i, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.answer(err)
			continue
		}
		err := s.applyInSavepoint(context.WithoutCancel(p.ctx), tx, p)
		if err == nil {
			applied = append(applied, p)
			continue
		}
		p.answer(err)
		if errors.Is(err, errTxBroken) {
			// Nothing of this transaction will be committed.
			for _, q := range append(applied, batch[i+1:]...) {
				q.answer(fmt.Errorf("sqlitestore: %s: not applied, a write committed with it (%s) failed: %w", q.what(), p.what(), err))
			}
			return
		}
	}
	if len(applied) == 0 {
		return
	}
	err = tx.Commit()
	for _, p := range applied {
		if err != nil {
			p.answer(fmt.Errorf("sqlitestore: %s: %w", p.what(), err))
		} else {
			p.answer(nil)
		}
	}
}

// applyInSavepoint runs p's write inside a savepoint of tx and releases
// it, or rolls back to it and returns why the write failed. When even the
// rollback fails the error wraps errTxBroken.
func (s *Store) applyInSavepoint(ctx context.Context, tx *sql.Tx, p *pendingCommit) error {
	if err := s.execTx(ctx, tx, qSavepoint); err != nil {
		return fmt.Errorf("sqlitestore: %s: savepoint: %w: %w", p.what(), errTxBroken, err)
	}
	err := p.apply(ctx, tx)
	if err == nil {
		err = s.execTx(ctx, tx, qRelease)
		if err == nil {
			return nil
		}
		err = fmt.Errorf("sqlitestore: %s: release savepoint: %w", p.what(), err)
	}
	if rbErr := s.execTx(ctx, tx, qRollbackTo); rbErr != nil {
		return fmt.Errorf("%w (rollback: %w: %w)", err, errTxBroken, rbErr)
	}
	if rbErr := s.execTx(ctx, tx, qRelease); rbErr != nil {
		return fmt.Errorf("%w (release: %w: %w)", err, errTxBroken, rbErr)
	}
	return err
}

// execTx runs one of allQueries without arguments in tx.
func (s *Store) execTx(ctx context.Context, tx *sql.Tx, query string) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx)
	return err
}
