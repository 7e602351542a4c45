package storebench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

// engineLifecycle returns a lifecycle run through an engine over s that
// reads the time from now (the time passed to the lifecycle is not used).
func engineLifecycle(b *testing.B, s store.Store, now func() time.Time) Lifecycle {
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<60)
	eng, err := engine.New(s, ledger, engine.Config{Now: now, ConflictRetries: 1 << 20})
	if err != nil {
		if b == nil {
			panic(err)
		}
		b.Fatal(err)
	}
	return func(ctx context.Context, i int64, _ time.Time) error {
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
// in the same order, with hand-built records (TestBareLifecycleCalls
// compares the two).
func bareLifecycle(ctx context.Context, s store.Store, i int64, now time.Time) error {
	// Request ids are the caller's; payment and refund ids are made like
	// the engine's default (engine.TimeOrderedID), so both insert into the
	// same places of the id-keyed indexes.
	req, id, refundID := fmt.Sprintf("b%d", i), engine.TimeOrderedID(now), engine.TimeOrderedID(now)
	ev := func(p *store.Payment, name, from, to, refundID, detail string) store.Event {
		return store.Event{PaymentID: p.ID, RefundID: refundID, Seq: p.Version, At: now, Name: name, From: from, To: to, Detail: detail}
	}
	// pay: look the request key up, create the payment waiting for the user
	if _, err := s.LoadPaymentByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("pay lookup: %v", err)
	}
	p := store.Payment{
		ID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Scenario: "CASHIER", Status: "ACCEPT",
		Currency: "USD", Amount: 10_000, OrderTitle: "Coffee beans", NotifyURL: "https://shop.example/notify",
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(14 * time.Minute), Version: 1,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, Events: []store.Event{ev(&p, "accept", "NEW", "ACCEPT", "", "")}}); err != nil {
		return err
	}
	// confirm: load, start the debit, record its success with the notification
	snap, err := s.LoadPayment(ctx, id, "")
	if err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.Status, p.UserID, p.PendingOp, p.OpID, p.OpCount, p.NextCheckAt = "INIT", "alice", "debit", id+"-1", 1, now.Add(time.Minute)
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, Events: []store.Event{ev(&p, "confirm", "ACCEPT", "INIT", "", "user alice")}}); err != nil {
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
		Events: []store.Event{ev(&p, "debit_succeeded", "INIT", "SUCCESS", "", "")}, Outbox: []store.OutboxMessage{msg}}); err != nil {
		return err
	}
	// refund: look the request key up, load the payment, hold, credit
	if _, err := s.GetRefundByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("refund lookup: %v", err)
	}
	if snap, err = s.LoadPayment(ctx, id, ""); err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.HeldAmount += 2_500
	p.RefundCount++
	r := store.Refund{
		ID: refundID, PaymentID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Currency: "USD",
		Amount: 2_500, Status: "INIT", CreatedAt: now, UpdatedAt: now, NextCheckAt: now.Add(time.Minute),
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, NewRefunds: []store.Refund{r},
		Events: []store.Event{ev(&p, "open_credit", "NEW", "INIT", r.ID, "")}}); err != nil {
		return err
	}
	p.Version++
	p.HeldAmount -= 2_500
	p.RefundedAmount += 2_500
	r.Status, r.FinishedAt = "SUCCESS", now // the engine leaves NextCheckAt as it was
	return s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, UpdatedRefunds: []store.Refund{r},
		Events: []store.Event{ev(&p, "credit_succeeded", "INIT", "SUCCESS", r.ID, "")}})
}

// Fingerprint is a request fingerprint as long as the engine's (a hex
// SHA-256), for baselines that build rows by hand.
var Fingerprint = strings.Repeat("f", 64)

// CheckLifecycle runs life (payment number 2, whose request id is
// requestID(2)) and an engine lifecycle (payment number 1) on s, and fails
// t when the two leave different payments, refunds, history or outbox
// messages behind, ids, request ids and fingerprints aside: a baseline of
// Run must write what the engine writes.
func CheckLifecycle(t *testing.T, s store.Store, life Lifecycle, requestID func(i int64) string) {
	t.Helper()
	ctx := context.Background()
	if err := engineLifecycle(nil, s, func() time.Time { return benchNow })(ctx, 1, benchNow); err != nil {
		t.Fatalf("engine lifecycle: %v", err)
	}
	if err := life(ctx, 2, benchNow); err != nil {
		t.Fatalf("lifecycle: %v", err)
	}
	want, err := storedLife(ctx, s, "e1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := storedLife(ctx, s, requestID(2))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the lifecycle stores\n%s\nthe engine stores\n%s", got, want)
	}
}

// storedLife prints what s holds about the payment of request id req with
// its ids, request id and fingerprints replaced by placeholders.
func storedLife(ctx context.Context, s store.Store, req string) (string, error) {
	snap, err := s.GetPaymentByRequest(ctx, "shop", req)
	if err != nil {
		return "", err
	}
	history, err := s.History(ctx, snap.Payment.ID)
	if err != nil {
		return "", err
	}
	msgs, err := s.Outbox(ctx, snap.Payment.ID)
	if err != nil {
		return "", err
	}
	// Ids, request ids and fingerprints are the lifecycle's own.
	p := snap.Payment
	pid := p.ID
	names := strings.NewReplacer(pid, "<payment>")
	p.ID, p.RequestID, p.Fingerprint, p.OpID = "<payment>", "<request>", "<fingerprint>", names.Replace(p.OpID)
	var b strings.Builder
	fmt.Fprintf(&b, "payment %+v\n", p)
	refunds := map[string]string{"": ""}
	for i, r := range snap.Refunds {
		refunds[r.ID] = fmt.Sprintf("<refund %d>", i+1)
		r.ID, r.PaymentID, r.RequestID, r.Fingerprint = refunds[r.ID], "<payment>", "<request>", "<fingerprint>"
		fmt.Fprintf(&b, "refund %+v\n", r)
	}
	for _, e := range history {
		e.PaymentID, e.RefundID = "<payment>", refunds[e.RefundID]
		fmt.Fprintf(&b, "event %+v\n", e)
	}
	for _, m := range msgs {
		m.ID, m.PaymentID, m.RequestID = names.Replace(m.ID), "<payment>", "<request>"
		fmt.Fprintf(&b, "message %+v\n", m)
	}
	out := b.String()
	return out, nil
}
