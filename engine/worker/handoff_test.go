package worker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// claimCounter is a store that counts the messages its claims return and
// can refuse the commits of one payment request that carry a notification
// (a failed commit).
type claimCounter struct {
	store.Store
	mu        sync.Mutex
	claimed   int
	refuseReq string
	panicReq  string
}

func (c *claimCounter) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int, skip ...string) ([]store.OutboxMessage, error) {
	msgs, err := c.Store.ClaimOutbox(ctx, owner, now, lease, limit, skip...)
	c.mu.Lock()
	c.claimed += len(msgs)
	c.mu.Unlock()
	return msgs, err
}

func (c *claimCounter) Commit(ctx context.Context, ch store.Change) error {
	if ch.Payment.RequestID == c.refuseReq && len(ch.Outbox) > 0 {
		return errors.New("disk full")
	}
	if ch.Payment.RequestID == c.panicReq && len(ch.Outbox) > 0 {
		panic("store bug")
	}
	return c.Store.Commit(ctx, ch)
}

func (c *claimCounter) claims() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claimed
}

// reservedNow is how much room the worker has promised and not settled.
func reservedNow(w *Worker) int {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	return w.d.reservedTotal
}

// handoffRig is a rig in a synctest bubble whose engine hands its
// notifications to the worker (engine.Config.Handoff), which runs.
func handoffRig(t *testing.T, n Notifier, tune func(*Config)) (*rig, *Worker, *claimCounter, func()) {
	st := &claimCounter{Store: memstore.New()}
	r := &rig{t: t, ctx: context.Background(), st: st, ledger: memfunds.New()}
	r.ledger.SetBalance("alice", "USD", 1_000_000)
	r.ledger.AddAccessToken("tok-alice", "alice")
	var w *Worker
	var err error
	r.eng, err = engine.New(st, r.ledger, engine.Config{NewID: r.ids.Next, OnOutbox: func() { w.Wake() }, Handoff: lateHandoff{&w}})
	require.NoError(t, err)
	cfg := Config{Engine: r.eng, Store: st, Notifier: n, Jitter: -1, Owner: "w1"}
	if tune != nil {
		tune(&cfg)
	}
	w, err = New(cfg)
	require.NoError(t, err)
	ctx, stop := context.WithCancel(r.ctx)
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	synctest.Wait()
	return r, w, st, func() { stop(); require.NoError(t, <-done) }
}

// lateHandoff forwards to a Worker made after the engine.
type lateHandoff struct{ w **Worker }

func (h lateHandoff) Reserve(p string) (string, time.Time, bool) { return (*h.w).Reserve(p) }
func (h lateHandoff) Take(m store.OutboxMessage)                 { (*h.w).Take(m) }
func (h lateHandoff) Release(p string)                           { (*h.w).Release(p) }

// A notification the engine hands over is sent at the commit's instant
// and recorded, and no claim ever returned it.
func TestHandoffSendsWithoutAClaim(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newScripted(t, time.Now, always(nil))
		r, _, st, stop := handoffRig(t, n, nil)
		defer stop()
		committed := time.Now()
		p := r.paid("shop", "r1")
		synctest.Wait()
		m := r.message(p.ID)
		require.Equal(t, 1, n.count())
		assert.Equal(t, committed, n.times(m.ID)[0])
		assert.Equal(t, committed, m.DeliveredAt)
		assert.Equal(t, 1, m.Attempts)
		assert.Empty(t, m.LeaseOwner, "the delivery freed the lease")
		assert.Zero(t, st.claims(), "sent without a claim")
	})
}

// With every slot busy the worker promises no room: the message is
// committed free, and claimed and sent once a slot frees.
func TestHandoffLeavesMessagesToClaimsWhenFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		n := newScripted(t, time.Now, func(m engine.Notification, attempt int) error {
			if m.RequestID == "r1" {
				<-release
			}
			return nil
		})
		r, _, st, stop := handoffRig(t, n, func(c *Config) { c.Concurrency = 1 })
		defer stop()
		r.paid("shop", "r1")
		synctest.Wait() // r1's send holds the only slot
		p2 := r.paid("shop", "r2")
		assert.Empty(t, r.message(p2.ID).LeaseOwner, "no room: committed without a lease")
		close(release)
		time.Sleep(time.Second)
		synctest.Wait()
		assert.Equal(t, 2, n.count())
		assert.False(t, r.message(p2.ID).DeliveredAt.IsZero())
		assert.Equal(t, 1, st.claims(), "the second one was claimed")
	})
}

// A commit that fails gives its reservation back: the worker's room is
// whole again, and the next payment's notification is handed over.
func TestHandoffReleasedWhenTheCommitFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newScripted(t, time.Now, always(nil))
		r, w, st, stop := handoffRig(t, n, nil)
		defer stop()
		st.refuseReq = "r1"
		_, err := r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: "shop", RequestID: "r1", Scenario: engine.ScenarioAgreement,
			AuthCode: "tok-alice", Amount: usd(1000), NotifyURL: "https://shop.example/notify"})
		require.Error(t, err, "the outcome's commit failed")
		assert.Zero(t, reservedNow(w))

		st.panicReq = "r3"
		assert.Panics(t, func() {
			_, _ = r.eng.Pay(r.ctx, engine.PayRequest{PartnerID: "shop", RequestID: "r3", Scenario: engine.ScenarioAgreement,
				AuthCode: "tok-alice", Amount: usd(1000), NotifyURL: "https://shop.example/notify"})
		})
		assert.Zero(t, reservedNow(w), "a panicking commit gives its room back too")
		p := r.paid("shop", "r2")
		synctest.Wait()
		assert.False(t, r.message(p.ID).DeliveredAt.IsZero())
		assert.Zero(t, st.claims())
	})
}

// A worker that is not running promises nothing: the message is left free
// for whoever claims it.
func TestHandoffWithoutRunLeavesMessagesFree(t *testing.T) {
	r := newRig(t, nil)
	w := r.worker(newScripted(t, r.clock.Now, always(nil)), nil)
	_, _, ok := w.Reserve("shop")
	assert.False(t, ok)
}

// While due messages may wait in the store (the last claim was full, or
// there was no room to claim), new ones are not handed over: they queue
// behind the older ones. A claim that comes back short ends that; a
// stopped worker takes nothing.
func TestHandoffRefusedBehindABacklog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newScripted(t, time.Now, always(nil))
		r, w, st, stop := handoffRig(t, n, nil)
		w.d.mu.Lock()
		w.d.backlog = true // as a full claim leaves it
		w.d.mu.Unlock()
		r.paid("shop", "r1")
		synctest.Wait() // woken by the commit, a claim sends it and comes back short
		assert.Equal(t, 1, n.count())
		assert.Equal(t, 1, st.claims(), "not handed over past a backlog: claimed")
		r.paid("shop", "r2")
		synctest.Wait()
		assert.Equal(t, 2, n.count())
		assert.Equal(t, 1, st.claims(), "handed over again once a claim came back short")
		stop()
		_, _, ok := w.Reserve("shop")
		assert.False(t, ok, "a stopped worker takes nothing")
	})
}
