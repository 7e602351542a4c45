package worker

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// bubbleRig is a rig whose clock is the synctest bubble's fake time.
func bubbleRig(t *testing.T, wake bool) (*rig, *Worker, *scripted) {
	r := &rig{t: t, ctx: context.Background(), st: memstore.New(), ledger: memfunds.New()}
	r.ledger.SetBalance("alice", "USD", 1_000_000)
	r.ledger.AddAccessToken("tok-alice", "alice")
	n := newScripted(t, time.Now, always(nil))
	var w *Worker
	cfg := engine.Config{NewID: r.ids.Next}
	if wake {
		cfg.OnOutbox = func() { w.Wake() }
	}
	var err error
	r.eng, err = engine.New(r.st, r.ledger, cfg)
	require.NoError(t, err)
	w, err = New(Config{Engine: r.eng, Store: r.st, Notifier: n})
	require.NoError(t, err)
	return r, w, n
}

func TestRunSendsAtOnceWhenWokenByTheCommit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, w, n := bubbleRig(t, true)
		ctx, stop := context.WithCancel(r.ctx)
		done := make(chan error)
		go func() { done <- w.Run(ctx) }()
		time.Sleep(time.Hour) // idle polls for an hour of fake time
		synctest.Wait()
		polled := time.Now()

		p := r.paid("shop", "r1")
		synctest.Wait()
		require.Equal(t, 1, n.count())
		assert.Equal(t, polled, n.times(r.message(p.ID).ID)[0], "sent at the commit's instant, without waiting for a poll")
		assert.Equal(t, polled, r.message(p.ID).DeliveredAt)
		stop()
		require.NoError(t, <-done)
	})
}

func TestRunSendsWithinAPollWithoutWaking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, w, n := bubbleRig(t, false)
		ctx, stop := context.WithCancel(r.ctx)
		done := make(chan error)
		go func() { done <- w.Run(ctx) }()
		time.Sleep(10*time.Second + time.Millisecond) // off the poll's beat
		committed := time.Now()
		p := r.paid("shop", "r1")
		time.Sleep(time.Second)
		synctest.Wait()
		require.Equal(t, 1, n.count())
		lag := n.times(r.message(p.ID).ID)[0].Sub(committed)
		assert.LessOrEqual(t, lag, 500*time.Millisecond, "the default poll is 500 ms")

		// Expiry runs on its own in Run: a cashier payment is closed within
		// a second of its expiry time and its FAIL goes out.
		c := r.waiting("shop", "c1", time.Minute)
		expiry := time.Now().Add(time.Minute)
		time.Sleep(time.Minute + 2*time.Second)
		synctest.Wait()
		m := r.message(c.ID)
		assert.Equal(t, "FAIL", m.Status)
		assert.False(t, m.DeliveredAt.IsZero())
		assert.LessOrEqual(t, m.DeliveredAt.Sub(expiry), 1500*time.Millisecond)
		stop()
		require.NoError(t, <-done)
	})
}

func TestRunLetsASendInFlightFinishAndLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newRig(t, nil)
	started, release := make(chan struct{}), make(chan struct{})
	n := newScripted(t, r.clock.Now, func(m engine.Notification, _ int) error {
		close(started)
		<-release
		return nil
	})
	w := r.worker(n, func(c *Config) { c.Poll = time.Millisecond; c.SweepEvery = time.Millisecond })
	p := r.paid("shop", "r1")
	ctx, stop := context.WithCancel(r.ctx)
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	<-started
	stop()
	select {
	case <-done:
		t.Fatal("Run returned before the send in flight was recorded")
	default:
	}
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, start, r.message(p.ID).DeliveredAt, "the attempt under way when Run was stopped is recorded")
}

func TestRunRefusesASecondConcurrentRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newRig(t, nil)
	w := r.worker(newScripted(t, r.clock.Now, always(nil)), nil)
	ctx, stop := context.WithCancel(r.ctx)
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	for !w.running.Load() {
		runtime.Gosched()
	}
	assert.ErrorContains(t, w.Run(ctx), "already running")
	stop()
	require.NoError(t, <-done)
}
