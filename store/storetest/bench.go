package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

// Benchmark measures a backend under the engine: each operation is one
// payment's life (cashier pay, confirm, one partial refund), at 1 and 8
// concurrent workers, once through engine.Engine and once as a bare
// baseline that makes exactly the same store calls with records built by
// hand and no engine. The ratio of the two is the engine's own cost.
// newStore must return an empty (or pre-seeded) store for each sub-benchmark
// run; it may be called several times.
func Benchmark(b *testing.B, newStore func(b *testing.B) store.Store) {
	for _, workers := range []int{1, 8} {
		for _, mode := range []string{"bare", "engine"} {
			b.Run(fmt.Sprintf("workers=%d/%s", workers, mode), func(b *testing.B) {
				s := newStore(b)
				life := bareLifecycle
				if mode == "engine" {
					life = engineLifecycle(b, s)
				}
				runLifecycles(b, s, workers, life)
			})
		}
	}
}

// lifecycle runs the life of payment number i against s.
type lifecycle func(ctx context.Context, s store.Store, i int64, now time.Time) error

var benchRun atomic.Int64 // distinguishes ids across runs on one store

func runLifecycles(b *testing.B, s store.Store, workers int, life lifecycle) {
	ctx := context.Background()
	run := benchRun.Add(1) << 32
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := life(ctx, s, run+i, now); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "lifecycles/s")
}

// engineLifecycle returns a lifecycle run through an engine over s.
func engineLifecycle(b *testing.B, s store.Store) lifecycle {
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<60)
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	eng, err := engine.New(s, ledger, engine.Config{Now: func() time.Time { return now }, ConflictRetries: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context, _ store.Store, i int64, _ time.Time) error {
		p, err := eng.Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("e%d", i), Scenario: engine.ScenarioCashier,
			Amount: engine.Money{Currency: "USD", Minor: 10_000}, OrderTitle: "Coffee beans",
			NotifyURL: "https://shop.example/notify",
		})
		if err != nil {
			return err
		}
		if p, err = eng.Confirm(ctx, p.ID, "alice"); err != nil || p.State != engine.PaymentSuccess {
			return fmt.Errorf("confirm: %v %v", p.State, err)
		}
		r, err := eng.Refund(ctx, engine.RefundRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("e%d", i), PaymentID: p.ID,
			Amount: engine.Money{Currency: "USD", Minor: 2_500},
		})
		if err != nil || r.State != engine.RefundSuccess {
			return fmt.Errorf("refund: %v %v", r.State, err)
		}
		return nil
	}
}

// bareLifecycle makes the store calls the engine makes for one lifecycle,
// in the same order, with hand-built records.
func bareLifecycle(ctx context.Context, s store.Store, i int64, now time.Time) error {
	// Request ids are the caller's; payment and refund ids are scattered
	// over the key space like the engine's (engine.Config.NewID defaults to
	// 32 random hex digits), so both insert into the same places of the
	// id-keyed indexes.
	req, id, refundID := fmt.Sprintf("b%d", i), randomID(), randomID()
	ev := func(p *store.Payment, name, from, to, refundID string) store.Event {
		return store.Event{PaymentID: p.ID, RefundID: refundID, Seq: p.Version, At: now, Name: name, From: from, To: to}
	}
	// pay: look the request key up, create the payment waiting for the user
	if _, err := s.GetPaymentByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("pay lookup: %v", err)
	}
	p := store.Payment{
		ID: id, PartnerID: "shop", RequestID: req, Fingerprint: fingerprint, Scenario: "CASHIER", Status: "ACCEPT",
		Currency: "USD", Amount: 10_000, OrderTitle: "Coffee beans", NotifyURL: "https://shop.example/notify",
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(14 * time.Minute), Version: 1,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, Events: []store.Event{ev(&p, "accept", "NEW", "ACCEPT", "")}}); err != nil {
		return err
	}
	// confirm: load, start the debit, record its success with the notification
	snap, err := s.GetPayment(ctx, id)
	if err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.Status, p.UserID, p.PendingOp, p.OpID, p.OpCount, p.NextCheckAt = "INIT", "alice", "debit", id+"-1", 1, now.Add(time.Minute)
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, Events: []store.Event{ev(&p, "confirm", "ACCEPT", "INIT", "")}}); err != nil {
		return err
	}
	p.Version++
	p.Status, p.PendingOp, p.OpID, p.NextCheckAt, p.PaidAt = "SUCCESS", "", "", time.Time{}, now
	msg := store.OutboxMessage{
		ID: id + ".result", PaymentID: id, PartnerID: "shop", RequestID: req, Kind: "payment_result",
		NotifyURL: p.NotifyURL, Status: "SUCCESS", Currency: "USD", Amount: p.Amount,
		PaymentCreatedAt: now, PaymentTime: now, CreatedAt: now, NextAttemptAt: now,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1,
		Events: []store.Event{ev(&p, "debit_succeeded", "INIT", "SUCCESS", "")}, Outbox: []store.OutboxMessage{msg}}); err != nil {
		return err
	}
	// refund: look the request key up, load the payment, hold, credit
	if _, err := s.GetRefundByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("refund lookup: %v", err)
	}
	if snap, err = s.GetPayment(ctx, id); err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.HeldAmount += 2_500
	r := store.Refund{
		ID: refundID, PaymentID: id, PartnerID: "shop", RequestID: req, Fingerprint: fingerprint, Currency: "USD",
		Amount: 2_500, Status: "INIT", CreatedAt: now, UpdatedAt: now, NextCheckAt: now.Add(time.Minute),
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, NewRefunds: []store.Refund{r},
		Events: []store.Event{ev(&p, "open_credit", "NEW", "INIT", r.ID)}}); err != nil {
		return err
	}
	p.Version++
	p.HeldAmount -= 2_500
	p.RefundedAmount += 2_500
	r.Status, r.FinishedAt, r.NextCheckAt = "SUCCESS", now, time.Time{}
	return s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, UpdatedRefunds: []store.Refund{r},
		Events: []store.Event{ev(&p, "credit_succeeded", "INIT", "SUCCESS", r.ID)}})
}

// fingerprint is as long as the engine's (a hex SHA-256).
var fingerprint = strings.Repeat("f", 64)

// randomID is an id like the engine's default: 32 random hex digits.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
