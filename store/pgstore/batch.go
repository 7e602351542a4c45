package pgstore

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/paystate/paystate/store"
)

// Commit batching. With synchronous_commit on, every transaction's COMMIT
// waits for the server to flush its WAL to disk, and every transaction
// costs the server (and this process) a BEGIN, a COMMIT and their round
// trips. Commits of one Store that arrive while batchSlots transactions
// are already running therefore queue, and the next caller to get a slot
// applies up to maxBatch of the queued Changes in one transaction, each
// inside its own savepoint (batchtx.go): a Change that fails (a stale
// version, a taken key) is rolled back to its savepoint alone and only its
// caller gets the error; the others commit together. To every caller this
// is indistinguishable from committing alone, except when the shared
// COMMIT's outcome is unknown: then every caller whose Change was in it
// gets an error that matches no store sentinel (an unknown outcome), never
// a definite failure.

// maxBatch caps the Changes of one shared transaction. Each Change's
// savepoint is a subtransaction with an id of its own, and PostgreSQL keeps
// up to 64 of them per transaction in shared memory; past that every
// snapshot taken on the server gets slower. 32 stays well below, and
// bounds how long the first Change of a batch waits for the last.
const maxBatch = 32

// batchSlots is how many shared transactions of one Store run at once.
// Two let one batch's statements run while the other's COMMIT waits for
// its WAL flush; queued Changes wait for either.
const batchSlots = 2

// pendingCommit is a Change waiting in the queue for a shared transaction.
type pendingCommit struct {
	ctx  context.Context
	c    *store.Change
	done chan error // buffered; receives the one answer
}

// batcher is the queue of one Store's Commits and the slots of the
// transactions that apply them.
type batcher struct {
	mu    sync.Mutex
	queue []*pendingCommit
	slots chan struct{}
}

func newBatcher() *batcher {
	return &batcher{slots: make(chan struct{}, batchSlots)}
}

// commitQueued queues c and waits for its answer. While it waits it tries
// to take a slot; whoever gets one applies the oldest queued Changes.
//
// A caller whose ctx ends while its Change is still queued withdraws it
// and returns ctx's error: nothing of it was applied. Once a transaction
// has taken the Change the caller waits for the answer, so Commit never
// says "failed" about a Change that was applied.
func (s *Store) commitQueued(ctx context.Context, c *store.Change) error {
	q := s.batch
	p := &pendingCommit{ctx: ctx, c: c, done: make(chan error, 1)}
	q.mu.Lock()
	q.queue = append(q.queue, p)
	q.mu.Unlock()
	cancelled := ctx.Done()
	for {
		select {
		case err := <-p.done: // an answer already there comes first
			return err
		default:
		}
		select {
		case err := <-p.done:
			return err
		case q.slots <- struct{}{}:
			batch := q.take()
			if len(batch) > 0 {
				s.commitBatch(batch)
			}
			<-q.slots
			if len(batch) == 0 && !q.queued(p) {
				// Another transaction took p and nothing else waits:
				// block until it answers instead of taking empty slots.
				return <-p.done
			}
		case <-cancelled:
			if q.withdraw(p) {
				return ctx.Err()
			}
			cancelled = nil // taken by a transaction: wait for its answer
		}
	}
}

// take removes up to maxBatch of the oldest queued Changes.
func (q *batcher) take() []*pendingCommit {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := min(len(q.queue), maxBatch)
	batch := slices.Clone(q.queue[:n])
	q.queue = slices.Delete(q.queue, 0, n)
	return batch
}

// queued reports whether p still waits in the queue.
func (q *batcher) queued(p *pendingCommit) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Contains(q.queue, p)
}

// withdraw removes p from the queue and reports whether it was still
// there.
func (q *batcher) withdraw(p *pendingCommit) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := slices.Index(q.queue, p)
	if i < 0 {
		return false
	}
	q.queue = slices.Delete(q.queue, i, i+1)
	return true
}

// lockOrder sorts batch by payment id, the order in which its transaction
// takes row locks. Every batch of every process that batches takes them in
// the same order, so two of them never wait for each other in a cycle over
// payments they both change (which PostgreSQL would break only after
// deadlock_timeout).
func lockOrder(batch []*pendingCommit) {
	slices.SortStableFunc(batch, func(a, b *pendingCommit) int {
		return strings.Compare(a.c.Payment.ID, b.c.Payment.ID)
	})
}
