package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/store"
)

func TestAcknowledgedMessageIsDeliveredOnce(t *testing.T) {
	r := newRig(t, nil)
	n := newScripted(t, r.clock.Now, always(nil))
	w := r.worker(n, nil)
	var ids []string
	for i := range 3 {
		ids = append(ids, r.paid("shop", fmt.Sprint("req-", i)).ID)
	}
	require.NoError(t, w.DeliverDue(r.ctx))
	require.NoError(t, w.DeliverDue(r.ctx))
	r.clock.Advance(48 * time.Hour)
	require.NoError(t, w.DeliverDue(r.ctx))
	assert.Equal(t, 3, n.count(), "one send per message, never again after the acknowledgement")
	for _, id := range ids {
		m := r.message(id)
		assert.Equal(t, start, m.DeliveredAt, "delivered at the commit's time: the first send goes out at once")
		assert.Equal(t, 1, m.Attempts)
		assert.Equal(t, "", m.LeaseOwner, "the lease is freed")
	}
	assert.Equal(t, Stats{Attempts: 3, Delivered: 3}, w.Stats())
}

func TestFailedSendsFollowTheScheduleThenPark(t *testing.T) {
	r := newRig(t, nil)
	n := newScripted(t, r.clock.Now, always(errMerchant))
	w := r.worker(n, nil)
	id := r.paid("shop", "req-1").ID
	msgID := r.message(id).ID

	for {
		require.NoError(t, w.DeliverDue(r.ctx))
		m := r.message(id)
		if m.Parked {
			break
		}
		require.Less(t, m.Attempts, 20, "never parked")
		// Nothing goes out a moment before the next attempt is due.
		r.clock.Advance(m.NextAttemptAt.Sub(r.clock.Now()) - time.Nanosecond)
		before := n.count()
		require.NoError(t, w.DeliverDue(r.ctx))
		require.Equal(t, before, n.count(), "sent before its time")
		r.clock.Advance(time.Nanosecond)
	}
	// Antom's schedule: 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h.
	var offsets []time.Duration
	for _, at := range n.times(msgID) {
		offsets = append(offsets, at.Sub(start))
	}
	assert.Equal(t, []time.Duration{0, 2 * time.Minute, 12 * time.Minute, 22 * time.Minute,
		82 * time.Minute, 202 * time.Minute, 562 * time.Minute, 1462 * time.Minute}, offsets)
	m := r.message(id)
	assert.Equal(t, 8, m.Attempts)
	assert.True(t, m.DeliveredAt.IsZero())
	assert.Equal(t, errMerchant.Error(), m.LastError)
	assert.Equal(t, Stats{Attempts: 8, Failed: 7, Parked: 1}, w.Stats())

	r.clock.Advance(30 * 24 * time.Hour)
	require.NoError(t, w.DeliverDue(r.ctx))
	assert.Equal(t, 8, n.count(), "a parked message is not sent again by itself")
}

func TestParkedMessagesAreListedAndResentOnDemand(t *testing.T) {
	r := newRig(t, nil)
	fail := true
	var mu sync.Mutex
	n := newScripted(t, r.clock.Now, func(engine.Notification, int) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errMerchant
		}
		return nil
	})
	w := r.worker(n, func(c *Config) { c.Retries = []time.Duration{time.Minute} })
	a, b := r.paid("shop", "a").ID, r.paid("shop", "b").ID
	require.NoError(t, w.DeliverDue(r.ctx))
	r.clock.Advance(time.Minute)
	require.NoError(t, w.DeliverDue(r.ctx))

	parked, err := w.Parked(r.ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, parked, 2, "two sends each, then parked")
	assert.Equal(t, []string{r.message(a).ID, r.message(b).ID}, []string{parked[0].ID, parked[1].ID})
	page, err := w.Parked(r.ctx, parked[0].ID, 10)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, parked[1].ID, page[0].ID)

	// A resend that fails again parks again after its one attempt.
	_, err = w.Resend(r.ctx, parked[0].ID)
	require.NoError(t, err)
	require.NoError(t, w.DeliverDue(r.ctx))
	assert.True(t, r.message(a).Parked)
	assert.Equal(t, 3, r.message(a).Attempts)

	mu.Lock()
	fail = false
	mu.Unlock()
	resent, err := w.Resend(r.ctx, parked[0].ID)
	require.NoError(t, err)
	assert.False(t, resent.Parked)
	require.NoError(t, w.DeliverDue(r.ctx))
	assert.Equal(t, r.clock.Now(), r.message(a).DeliveredAt)
	assert.True(t, r.message(b).Parked, "only the message asked for is resent")

	_, err = w.Resend(r.ctx, parked[0].ID)
	assert.ErrorIs(t, err, store.ErrDelivered)
	_, err = w.Resend(r.ctx, "no-such-message")
	assert.ErrorIs(t, err, store.ErrNotFound)
	parked, err = w.Parked(r.ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, parked, 1)
}

func TestJitterSpreadsRetriesWithinItsFraction(t *testing.T) {
	r := newRig(t, nil)
	for _, c := range []struct {
		rand float64
		want time.Duration
	}{{0, 108 * time.Second}, {0.5, 120 * time.Second}, {0.999999, 132 * time.Second}} {
		w := r.worker(newScripted(t, r.clock.Now, always(nil)), func(cfg *Config) {
			cfg.Jitter = 0.1
			cfg.Rand = func() float64 { return c.rand }
		})
		next, park := w.nextAttempt(0, start)
		require.False(t, park)
		assert.InDelta(t, float64(c.want), float64(next.Sub(start)), float64(time.Millisecond), "rand %v", c.rand)
	}
}

func TestSlowMerchantHoldsBackOnlyItsOwnNotifications(t *testing.T) {
	r := newRig(t, nil)
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight, maxSlow, maxAll := map[string]int{}, 0, 0
	fastDone := make(chan string, 100)
	n := newScripted(t, r.clock.Now, func(m engine.Notification, _ int) error {
		mu.Lock()
		inFlight[m.PartnerID]++
		maxSlow = max(maxSlow, inFlight["slow"])
		all := 0
		for _, v := range inFlight {
			all += v
		}
		maxAll = max(maxAll, all)
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight[m.PartnerID]--
			mu.Unlock()
		}()
		if m.PartnerID == "slow" {
			<-release
			return nil
		}
		fastDone <- m.ID
		return nil
	})
	w := r.worker(n, func(c *Config) { c.Concurrency, c.PerPartner, c.Batch = 4, 2, 3 })
	for i := range 20 {
		r.paid("slow", fmt.Sprint("s", i)) // the oldest messages: first in claim order
	}
	for i := range 10 {
		r.paid("fast-a", fmt.Sprint("a", i))
		r.paid("fast-b", fmt.Sprint("b", i))
	}
	done := make(chan error)
	go func() { done <- w.DeliverDue(r.ctx) }()
	for range 20 {
		select {
		case <-fastDone:
		case <-time.After(10 * time.Second):
			t.Fatal("the fast merchants' notifications wait behind the slow merchant")
		}
	}
	close(release)
	require.NoError(t, <-done)
	assert.LessOrEqual(t, maxSlow, 2, "at most PerPartner sends to one partner")
	assert.LessOrEqual(t, maxAll, 4, "at most Concurrency sends")
	assert.Equal(t, int64(40), w.Stats().Delivered)
}

func TestTwoWorkersNeverSendOneMessageAtOnce(t *testing.T) {
	r := newRig(t, nil)
	checkTwoWorkers(t, r, r.st)
}

// checkTwoWorkers runs two workers, the second on other (the same store
// through another connection, or the same object), over 200 notifications
// of which some fail once: each attempt is made by one worker only, and
// every message is delivered.
func checkTwoWorkers(t *testing.T, r *rig, other store.Store) {
	n := newScripted(t, r.clock.Now, func(m engine.Notification, attempt int) error {
		if attempt == 1 && m.RequestID[len(m.RequestID)-1] == '7' {
			return errMerchant // some fail once, to be retried
		}
		return nil
	})
	w1 := r.worker(n, nil)
	w2 := r.worker(n, func(c *Config) { c.Owner, c.Store = "w2", other })
	var ids []string
	for i := range 200 {
		ids = append(ids, r.paid(fmt.Sprint("shop-", i%5), fmt.Sprint("req-", i)).ID)
	}
	for range 2 {
		var g sync.WaitGroup
		for _, w := range []*Worker{w1, w2, w1, w2} {
			g.Go(func() { assert.NoError(t, w.DeliverDue(r.ctx)) })
		}
		g.Wait()
		r.clock.Advance(3 * time.Minute)
	}
	for _, id := range ids {
		m := r.message(id)
		require.False(t, m.DeliveredAt.IsZero(), "message of %s not delivered", id)
		want := 1
		if m.RequestID[len(m.RequestID)-1] == '7' {
			want = 2
		}
		assert.Equal(t, want, m.Attempts, "message of %s", id)
		assert.Equal(t, want, n.perMsg[m.ID], "sends of the message of %s", id)
	}
	s1, s2 := w1.Stats(), w2.Stats()
	assert.Equal(t, int64(200), s1.Delivered+s2.Delivered)
	assert.Zero(t, s1.LeaseLost+s2.LeaseLost)
	t.Logf("worker 1 made %d attempts, worker 2 %d", s1.Attempts, s2.Attempts)
}

func TestNewNamesEveryBadField(t *testing.T) {
	_, err := New(Config{Jitter: 1.5, Retries: []time.Duration{-time.Second}, Concurrency: -1, Lease: time.Second, AttemptTimeout: 2 * time.Second})
	require.Error(t, err)
	for _, want := range []string{"Engine", "Store", "Notifier", "Jitter", "Retries[0]", "Concurrency", "Lease"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.False(t, errors.Is(err, store.ErrNotFound))
}

// A message that waited in the queue until what is left of its lease
// cannot hold a whole attempt is not sent: another worker may claim it
// before the attempt would end. It is left for the next claim.
func TestSendStartsOnlyWhenTheAttemptFitsTheLease(t *testing.T) {
	r := newRig(t, nil)
	release := make(chan struct{})
	started := make(chan string, 2)
	n := newScripted(t, r.clock.Now, func(m engine.Notification, _ int) error {
		started <- m.RequestID
		if m.RequestID == "first" {
			<-release
		}
		return nil
	})
	w := r.worker(n, func(c *Config) {
		c.Concurrency, c.PerPartner, c.Lease, c.AttemptTimeout = 2, 1, time.Minute, 15*time.Second // both claimed at once; the second queues
	})
	r.paid("shop", "first")
	second := r.paid("shop", "second")
	done := make(chan error)
	go func() { done <- w.DeliverDue(r.ctx) }()
	require.Equal(t, "first", <-started)
	r.clock.Advance(46 * time.Second) // 14 s of the second's lease left: less than one attempt
	close(release)
	require.NoError(t, <-done)
	select {
	case id := <-started:
		t.Fatalf("%s was sent with 14 s of lease left and a 15 s attempt timeout", id)
	default:
	}
	assert.Equal(t, int64(1), w.Stats().LeaseLost)
	m := r.message(second.ID)
	assert.Zero(t, m.Attempts, "no attempt recorded")
	assert.True(t, m.DeliveredAt.IsZero())

	r.clock.Advance(15 * time.Second) // the lease ran out: the next claim sends it
	require.NoError(t, w.DeliverDue(r.ctx))
	assert.Equal(t, "second", <-started)
	assert.False(t, r.message(second.ID).DeliveredAt.IsZero())
}

// An attempt that uses all of its AttemptTimeout (the merchant never
// answers) is recorded like any failure: counted, its error kept, retried
// on the schedule, and parked in the end.
func TestTimedOutAttemptIsRecorded(t *testing.T) {
	r := newRig(t, nil)
	w := r.worker(hangingNotifier{}, func(c *Config) { c.AttemptTimeout, c.Retries = 20*time.Millisecond, []time.Duration{time.Minute} })
	p := r.paid("shop", "hanging")
	require.NoError(t, w.DeliverDue(r.ctx))
	m := r.message(p.ID)
	assert.Equal(t, 1, m.Attempts, "the timed-out attempt counts")
	assert.Contains(t, m.LastError, "deadline exceeded")
	assert.Empty(t, m.LeaseOwner, "the lease is freed")
	assert.Equal(t, start.Add(time.Minute), m.NextAttemptAt)
	assert.Zero(t, w.Stats().RecordErrors)

	r.clock.Advance(time.Minute)
	require.NoError(t, w.DeliverDue(r.ctx))
	m = r.message(p.ID)
	assert.Equal(t, 2, m.Attempts)
	assert.True(t, m.Parked, "parked after the last attempt")
}

// hangingNotifier is a merchant that never answers.
type hangingNotifier struct{}

func (hangingNotifier) Notify(ctx context.Context, _ engine.Notification) error {
	<-ctx.Done()
	return ctx.Err()
}

// A stored message the engine cannot read as a notification is never
// handed to the notifier: each attempt fails with what is wrong with it,
// and it parks after the schedule like any failed message.
func TestUnreadableMessageFailsItsAttemptsWithoutASend(t *testing.T) {
	r := newRig(t, nil)
	p := r.paid("shop", "a")
	snap, err := r.st.GetPayment(r.ctx, p.ID)
	require.NoError(t, err)
	good := r.message(p.ID)
	bad := good
	bad.ID, bad.Kind = p.ID+".other", "other_kind"
	next := snap.Payment
	next.Version++
	require.NoError(t, r.st.Commit(r.ctx, store.Change{Payment: next, ExpectedVersion: snap.Payment.Version,
		Events: []store.Event{{PaymentID: p.ID, Seq: next.Version, At: r.clock.Now(), Name: "test", From: next.Status, To: next.Status}},
		Outbox: []store.OutboxMessage{bad}}))

	var sent []string
	var mu sync.Mutex
	n := newScripted(t, r.clock.Now, func(m engine.Notification, _ int) error {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, m.ID)
		return nil
	})
	w := r.worker(n, func(c *Config) { c.Retries = []time.Duration{time.Minute} })
	require.NoError(t, w.DeliverDue(r.ctx))
	r.clock.Advance(time.Minute)
	require.NoError(t, w.DeliverDue(r.ctx))

	assert.Equal(t, []string{good.ID}, sent, "only the readable message reaches the notifier")
	msgs, err := r.st.Outbox(r.ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	got := msgs[1]
	require.Equal(t, bad.ID, got.ID)
	assert.Equal(t, 2, got.Attempts)
	assert.True(t, got.Parked, "parked after its scheduled attempts")
	assert.Contains(t, got.LastError, `kind "other_kind"`)
	assert.True(t, got.DeliveredAt.IsZero())
}
