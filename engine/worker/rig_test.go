package worker

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

// start is the fake clock's first reading in every test.
var start = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// rig is one engine, its memstore and ledger, on a fake clock.
type rig struct {
	t      testing.TB
	ctx    context.Context
	clock  *enginetest.Clock
	st     store.Store
	ledger *memfunds.Ledger
	eng    *engine.Engine
	ids    enginetest.IDs
}

func newRig(t testing.TB, st store.Store) *rig {
	if st == nil {
		st = memstore.New()
	}
	r := &rig{t: t, ctx: context.Background(), clock: enginetest.NewClock(start), st: st, ledger: memfunds.New()}
	r.ledger.Now = r.clock.Now
	r.ledger.SetBalance("alice", "USD", 1_000_000_000)
	r.ledger.AddAccessToken("tok-alice", "alice")
	var err error
	r.eng, err = engine.New(st, r.ledger, engine.Config{Now: r.clock.Now, NewID: r.ids.Next})
	require.NoError(t, err)
	return r
}

// worker returns a worker over the rig with fake time and no jitter,
// adjusted by tune.
func (r *rig) worker(n Notifier, tune func(*Config)) *Worker {
	cfg := Config{Engine: r.eng, Store: r.st, Notifier: n, Now: r.clock.Now, Jitter: -1, Owner: "w1"}
	if tune != nil {
		tune(&cfg)
	}
	w, err := New(cfg)
	require.NoError(r.t, err)
	return w
}

// paid creates a payment of partner that is paid at once (agreement pay),
// so its SUCCESS notification is due.
func (r *rig) paid(partner, req string) engine.Payment {
	r.t.Helper()
	p, err := r.eng.Pay(r.ctx, engine.PayRequest{
		PartnerID: partner, RequestID: req, Scenario: engine.ScenarioAgreement, AuthCode: "tok-alice",
		Amount: usd(1000), NotifyURL: "https://" + partner + ".example/notify",
	})
	require.NoError(r.t, err)
	require.Equal(r.t, engine.PaymentSuccess, p.State)
	return p
}

// waiting creates a cashier payment of partner that expires after d.
func (r *rig) waiting(partner, req string, d time.Duration) engine.Payment {
	r.t.Helper()
	p, err := r.eng.Pay(r.ctx, engine.PayRequest{
		PartnerID: partner, RequestID: req, Scenario: engine.ScenarioCashier, Amount: usd(500),
		NotifyURL: "https://" + partner + ".example/notify", ExpiresAt: r.now().Add(d),
	})
	require.NoError(r.t, err)
	require.Equal(r.t, engine.PaymentAccept, p.State)
	return p
}

// message returns the single notification of a payment.
func (r *rig) message(paymentID string) store.OutboxMessage {
	r.t.Helper()
	msgs, err := r.st.Outbox(r.ctx, paymentID)
	require.NoError(r.t, err)
	require.Len(r.t, msgs, 1)
	return msgs[0]
}

// now reads the rig's fake clock, or the synctest bubble's time when the
// rig has none.
func (r *rig) now() time.Time {
	if r.clock == nil {
		return time.Now()
	}
	return r.clock.Now()
}

func usd(minor int64) engine.Money { return engine.Money{Currency: "USD", Minor: minor} }

// scripted is a Notifier whose answers a test decides. It records every
// call and fails the test if one message is ever sent twice at once.
type scripted struct {
	t      testing.TB
	answer func(m engine.Notification, attempt int) error // attempt counts from 1

	now func() time.Time

	mu       sync.Mutex
	calls    []call
	inFlight map[string]bool
	perMsg   map[string]int
}

type call struct {
	id      string
	partner string
	at      time.Time
}

func newScripted(t testing.TB, now func() time.Time, answer func(m engine.Notification, attempt int) error) *scripted {
	s := &scripted{t: t, answer: answer, inFlight: map[string]bool{}, perMsg: map[string]int{}}
	s.now = now
	return s
}

func (s *scripted) Notify(ctx context.Context, m engine.Notification) error {
	s.mu.Lock()
	if s.inFlight[m.ID] {
		s.t.Errorf("message %s sent twice at the same time", m.ID)
	}
	s.inFlight[m.ID] = true
	s.perMsg[m.ID]++
	n := s.perMsg[m.ID]
	s.calls = append(s.calls, call{id: m.ID, partner: m.PartnerID, at: s.now()})
	s.mu.Unlock()
	err := s.answer(m, n)
	s.mu.Lock()
	delete(s.inFlight, m.ID)
	s.mu.Unlock()
	return err
}

// times returns when each attempt on message id was made.
func (s *scripted) times(id string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for _, c := range s.calls {
		if c.id == id {
			out = append(out, c.at)
		}
	}
	return out
}

// order returns the messages in the order they were first sent.
func (s *scripted) order() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	seen := map[string]bool{}
	for _, c := range s.calls {
		if !seen[c.id] {
			seen[c.id] = true
			out = append(out, c.id)
		}
	}
	return out
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func always(err error) func(engine.Notification, int) error {
	return func(engine.Notification, int) error { return err }
}

var errMerchant = fmt.Errorf("merchant answered U UNKNOWN_EXCEPTION")
