package pgstore

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A shared transaction applies the Changes of a batch in order, all in
// one pipeline: one round trip for BEGIN and every write of every Change,
// one for COMMIT. The first attempt sends the Changes without savepoints
// (a savepoint is a subtransaction: work for the server), which is right
// as long as none of them fails. When one does, that transaction is
// rolled back and the batch goes again, each Change after a savepoint of
// its own. These savepoints are nested (none is released), so that when
// Change k fails, on a guard that matched no row or on an error of the
// server, ROLLBACK TO its savepoint undoes k and everything sent after it
// in one statement; the Changes after k then go out again in another
// round, on top of those before k. Each failure thus costs two more round
// trips (the rollback, the next round).

// savepoint and rollbackTo are the statements that open and undo the
// savepoint of the Change at index i of a batch.
var savepoint, rollbackTo = func() (open, undo [maxBatch]string) {
	for i := range maxBatch {
		open[i] = "SAVEPOINT c" + strconv.Itoa(i)
		undo[i] = "ROLLBACK TO SAVEPOINT c" + strconv.Itoa(i)
	}
	return open, undo
}()

// commitBatch applies batch and answers every entry: a Change whose
// caller's ctx has ended is skipped with ctx's error, a batch of one
// Change is committed alone (exactly as with Options.SeparateCommits), and
// the rest share one transaction. No answer is sent before the shared
// COMMIT has returned, so a caller told of a conflict or a taken key
// reloads after the Change that won has committed.
func (s *Store) commitBatch(batch []*pendingCommit) {
	live := make([]*pendingCommit, 0, len(batch))
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.done <- err
			continue
		}
		live = append(live, p)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		live[0].done <- s.commitAlone(live[0].ctx, live[0].c)
		return
	}
	lockOrder(live)
	ctx, stop := batchContext(live)
	defer stop()
	answers := s.applyShared(ctx, live)
	for i, p := range live {
		p.done <- answers[i]
	}
}

// sharedTxTimeout bounds a shared transaction whatever its callers'
// contexts (a background sweep's never ends): a server that stopped
// answering without closing the connection (a host lost with its network)
// must not hold the batch slots, and every Commit queued behind them,
// until the kernel gives up on the socket. Past it the transaction is
// abandoned and its callers learn an unknown outcome (U), never a
// definite failure.
const sharedTxTimeout = 30 * time.Second

// batchContext returns the context of a shared transaction: it ends when
// the context of every Change in batch has ended (nobody waits for the
// answer any more), or after sharedTxTimeout. stop releases it.
func batchContext(batch []*pendingCommit) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTxTimeout)
	var left atomic.Int64
	left.Store(int64(len(batch)))
	stops := make([]func() bool, len(batch))
	for i, p := range batch {
		stops[i] = context.AfterFunc(p.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

// applyShared applies batch (at most maxBatch Changes) in one transaction
// and returns each Change's answer, in batch order.
func (s *Store) applyShared(ctx context.Context, batch []*pendingCommit) []error {
	answers := make([]error, len(batch))
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		for i, p := range batch {
			answers[i] = fmt.Errorf("pgstore: commit %q: %w", p.c.Payment.ID, err)
		}
		return answers
	}
	// Release closes a connection left inside a transaction, so the server
	// rolls back whatever a failure below left uncommitted.
	defer conn.Release()

	// Optimistically first: every Change without a savepoint, which
	// saves the server a subtransaction per Change. When one of them
	// fails, everything is rolled back and the batch goes again, each
	// Change in its savepoint.
	s.commitTxs.Add(1)
	r := s.sendRound(ctx, conn, nil, batch, 0, false)
	if roErr := readOnlyRefusal(r); roErr != nil {
		// A server that takes no writes refuses every Change alike, and
		// applied none: tell every caller at once, so that each Commit
		// retries on a new connection (commitRouted), rather than
		// learning it Change by Change in the isolated rounds.
		_ = r.tx.Rollback(ctx)
		for i, p := range batch {
			answers[i] = fmt.Errorf("pgstore: commit %q: not applied: %w", p.c.Payment.ID, roErr)
		}
		return answers
	}
	if r.broken != nil || r.failed >= 0 {
		_ = r.tx.Rollback(ctx)
		s.commitTxs.Add(1)
		r = s.applyIsolated(ctx, conn, batch, answers)
	}
	if r.broken != nil {
		// Nothing of this transaction can commit any more: COMMIT was
		// never sent.
		for i, a := range answers {
			if a == nil {
				answers[i] = fmt.Errorf("pgstore: commit %q: not applied, the transaction it shared failed: %w",
					batch[i].c.Payment.ID, r.broken)
			}
		}
		_ = r.tx.Rollback(ctx)
		return answers
	}

	applied := 0
	for _, a := range answers {
		if a == nil {
			applied++
		}
	}
	if applied == 0 {
		_ = r.tx.Rollback(ctx)
		return answers
	}
	if s.beforeSharedCommit != nil {
		s.beforeSharedCommit(conn.Conn().PgConn().PID())
	}
	if err := r.tx.Commit(ctx); err != nil {
		for i, a := range answers {
			if a == nil {
				answers[i] = fmt.Errorf("pgstore: commit %q: outcome unknown, the COMMIT of the transaction it shared failed: %w",
					batch[i].c.Payment.ID, err)
			}
		}
	}
	return answers
}

// applyIsolated begins a transaction on conn and applies batch in it,
// each Change in its own savepoint, in as many rounds as Changes fail. It
// sets the answer of every Change that failed and returns the last round:
// its tx is the transaction, open, with every other Change applied, unless
// broken is set.
func (s *Store) applyIsolated(ctx context.Context, conn *pgxpool.Conn, batch []*pendingCommit, answers []error) roundResult {
	r := s.sendRound(ctx, conn, nil, batch, 0, true)
	for r.broken == nil && r.failed >= 0 {
		answers[r.failed] = r.why
		// Undo the failed Change and everything sent after it. On its
		// own, in the simple protocol (pgx sends a statement without
		// arguments so): in a round, pgx would first prepare statements
		// it has not cached, which an aborted transaction refuses.
		if _, err := r.tx.Exec(ctx, rollbackTo[r.failed]); err != nil {
			r.broken = err
			break
		}
		if r.failed+1 == len(batch) {
			r.failed = -1
			break
		}
		r = s.sendRound(ctx, conn, r.tx, batch, r.failed+1, true)
	}
	return r
}

// roundResult is the outcome of one round of a shared transaction.
// readOnlyRefusal returns the error of round r when it is the server
// refusing writes (SQLSTATE 25006), else nil.
func readOnlyRefusal(r roundResult) error {
	for _, err := range []error{r.broken, r.why} {
		if err != nil && sqlState(err) == codeReadOnlyTransaction {
			return err
		}
	}
	return nil
}

type roundResult struct {
	tx     pgx.Tx // the transaction, begun by the first round
	failed int    // index of the first Change that failed, -1 for none
	why    error  // why it failed, in the store's vocabulary
	broken error  // set when the transaction cannot go on
}

// sendRound sends, in one pipeline, BEGIN when tx is nil, then the writes
// of every Change of batch from index from on, each after its savepoint
// when savepoints is set, and reports the first Change that failed. With
// savepoints, every Change before it is applied (inside the transaction)
// and it and the ones after it are not; without, the transaction can only
// be rolled back.
func (s *Store) sendRound(ctx context.Context, conn *pgxpool.Conn, tx pgx.Tx, batch []*pendingCommit, from int, savepoints bool) roundResult {
	b := &pgx.Batch{}
	owners := []int{} // the Change each queued statement belongs to
	if tx == nil {
		// READ COMMITTED whatever the server's default, as in commitAlone.
		b.BeginTx(pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		owners = append(owners, -1)
	}
	writes := make([]commitWrites, len(batch))
	for i := from; i < len(batch); i++ {
		c := batch[i].c
		writes[i].paymentID = c.Payment.ID
		if savepoints {
			b.Queue(savepoint[i])
		}
		s.queueWrites(b, c, &writes[i])
		for len(owners) < b.Len() {
			owners = append(owners, i)
		}
	}
	reached := -1 // the Change of the statement whose result is being read
	for k, qq := range b.QueuedQueries {
		check, owner := qq.Fn, owners[k]
		qq.Fn = func(br pgx.BatchResults) error {
			reached = owner
			if check != nil {
				return check(br)
			}
			_, err := br.Exec()
			return err
		}
	}

	var br pgx.BatchResults
	if tx == nil {
		br = conn.SendBatch(ctx, b)
		tx = br.Tx()
	} else {
		br = tx.SendBatch(ctx, b)
	}
	err := br.Close()

	out := roundResult{tx: tx, failed: -1}
	last := len(batch) // the Change the server failed on, if any
	if err != nil {
		if reached < 0 {
			out.broken = err
			return out
		}
		last = reached
	}
	for i := from; i < last; i++ {
		if writes[i].refused != nil {
			out.failed, out.why = i, writes[i].refused
			return out
		}
	}
	if err != nil {
		out.failed = last
		if out.why = writes[last].refused; out.why == nil {
			out.why = commitError(batch[last].c.Payment.ID, err)
		}
	}
	return out
}
