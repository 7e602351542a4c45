package worker

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

// Worker delivers notifications, expires payments and reconciles unknown
// outcomes in the background (see the package documentation). Its methods
// are safe for concurrent use.
type Worker struct {
	cfg     Config
	d       *dispatcher
	wake    chan struct{}
	running atomic.Bool
	stats   counters
}

// New returns a Worker, or an error naming every invalid field of cfg.
func New(cfg Config) (*Worker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	w := &Worker{cfg: cfg, wake: make(chan struct{}, 1)}
	w.d = newDispatcher(w)
	return w, nil
}

// Owner is the name this worker leases outbox messages under.
func (w *Worker) Owner() string { return w.cfg.Owner }

// Wake asks the worker to look for due notifications now rather than at
// its next poll. It never blocks; set it as engine.Config.OnOutbox.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Reserve, Take and Release make the Worker an engine.Handoff: set it as
// engine.Config.Handoff and the engine leases the notifications it commits
// to this Worker in the same commit and hands them over, so that they are
// sent without a claim (one store transaction less per notification).
// Reserve promises room only while Run is working, no claim has left due
// messages behind (older messages go first), and neither
// Config.Concurrency nor the partner's Config.PerPartner is all busy or
// spoken for; otherwise the message is left to claims.
func (w *Worker) Reserve(partnerID string) (owner string, leaseUntil time.Time, ok bool) {
	if !w.d.reserve(partnerID) {
		return "", time.Time{}, false
	}
	return w.cfg.Owner, w.cfg.Now().Add(w.cfg.Lease), true
}

// Take sends m, which an engine committed leased to this Worker after
// Reserve, as if it had claimed it.
func (w *Worker) Take(m store.OutboxMessage) { w.d.take(m) }

// Release ends a reservation whose message was not committed.
func (w *Worker) Release(partnerID string) { w.d.release(partnerID) }

// Run works until ctx is done: it delivers due notifications, closes
// expired payments and reconciles due unknown outcomes, each on its own
// schedule. When ctx is done it starts nothing new, waits for the sends in
// flight to finish and be recorded (at most Config.AttemptTimeout), and
// returns nil. Messages claimed but not yet sent stay leased until
// Config.Lease runs out, then any worker takes them. Run may be called once
// at a time per Worker; errors of single steps are logged, not returned.
func (w *Worker) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("worker: Run called while already running")
	}
	defer w.running.Store(false)
	w.d.setTaking(true)
	var loops sync.WaitGroup
	loops.Go(func() { w.deliveryLoop(ctx) })
	loops.Go(func() { w.sweepLoop(ctx) })
	loops.Wait()
	w.d.setTaking(false) // no handed message starts a send after this
	w.d.sends.Wait()
	return nil
}

func (w *Worker) deliveryLoop(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	more := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		case <-w.d.freed:
			if !more {
				continue // room to send, but nothing was left over to claim
			}
		}
		var err error
		if more, err = w.d.dispatch(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.ErrorContext(ctx, "paystate: cannot claim notifications", "error", err)
		}
		t.Reset(w.cfg.Poll)
	}
}

func (w *Worker) sweepLoop(ctx context.Context) {
	t := time.NewTicker(w.cfg.SweepEvery)
	defer t.Stop()
	for {
		w.Sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue sends every notification due now and waits until each has
// been attempted and recorded: one synchronous round of what Run does in
// the background, for tests, tools and shutdown hooks. Messages that fail
// are due again later and are not retried in this round.
func (w *Worker) DeliverDue(ctx context.Context) error {
	for {
		more, err := w.d.dispatch(ctx)
		if err != nil || !more || ctx.Err() != nil {
			w.d.waitSent()
			return cmp.Or(err, ctx.Err())
		}
		// Full, or some partners busy: claim again once a slot frees.
		w.d.waitOne()
	}
}

// maxSweepRounds bounds the batches one sweep takes of each kind, so that
// a huge backlog cannot starve the other kind.
const maxSweepRounds = 10

// Sweep closes the payments whose expiry time has passed and asks the
// funds port about the unknown outcomes whose next check is due, in
// batches of Config.Batch. Errors are logged and counted in Stats; the
// next sweep tries again.
func (w *Worker) Sweep(ctx context.Context) {
	for range maxSweepRounds {
		n, err := w.cfg.Engine.ExpireDue(ctx, w.cfg.Batch)
		w.stats.expired.Add(int64(n))
		if err != nil {
			w.sweepFailed(ctx, "expire payments", err)
			break
		}
		if n < w.cfg.Batch {
			break
		}
	}
	for range maxSweepRounds {
		rep, err := w.cfg.Engine.Reconcile(ctx, w.cfg.Batch)
		w.stats.resolved.Add(int64(rep.Resolved))
		w.stats.stillUnknown.Add(int64(rep.Unknown))
		if err != nil {
			w.sweepFailed(ctx, "reconcile unknown outcomes", err)
			break
		}
		if rep.Checked < w.cfg.Batch {
			break
		}
	}
}

func (w *Worker) sweepFailed(ctx context.Context, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	w.stats.sweepErrors.Add(1)
	w.cfg.Logger.ErrorContext(ctx, "paystate: cannot "+what, "error", err)
}

// Parked lists up to limit notifications given up after their last
// scheduled attempt, oldest first, after the message with id after ("" for
// the first page).
func (w *Worker) Parked(ctx context.Context, after string, limit int) ([]store.OutboxMessage, error) {
	return w.cfg.Store.ParkedOutbox(ctx, after, limit)
}

// Resend makes an undelivered notification due now (a parked one gets one
// more attempt) and wakes the worker. It returns the message as stored,
// store.ErrNotFound for an unknown id, store.ErrDelivered for one the
// merchant already acknowledged.
func (w *Worker) Resend(ctx context.Context, messageID string) (store.OutboxMessage, error) {
	m, err := w.cfg.Store.ResendOutbox(ctx, messageID, w.cfg.Now())
	if err == nil {
		w.Wake()
	}
	return m, err
}

// A Worker takes the notifications an engine commits (engine.Config.Handoff).
var _ engine.Handoff = (*Worker)(nil)
