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
		auth := Authorization(i)
		p, err := eng.Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("e%d", i), Scenario: engine.ScenarioCashier,
			Amount: engine.Money{Currency: "USD", Minor: 10_000}, OrderTitle: "Coffee beans",
			NotifyURL: "https://shop.example/notify", Authorization: auth,
		})
		if err != nil {
			return err
		}
		if !auth {
			if p, err = eng.Confirm(ctx, p.ID, "alice"); err != nil || p.State != engine.PaymentSuccess {
				return fmt.Errorf("confirm: %v %v", p.State, err)
			}
		} else {
			if p, err = eng.Confirm(ctx, p.ID, "alice"); err != nil || p.State != engine.PaymentAuthorized {
				return fmt.Errorf("confirm: %v %v", p.State, err)
			}
			for n, c := range []struct {
				minor int64
				last  bool
			}{{6_000, false}, {4_000, true}} {
				got, err := eng.Capture(ctx, engine.CaptureRequest{
					PartnerID: "shop", RequestID: fmt.Sprintf("e%d-%d", i, n+1), PaymentID: p.ID,
					Amount: engine.Money{Currency: "USD", Minor: c.minor}, Last: c.last,
				})
				if err != nil || got.State != engine.CaptureSuccess {
					return fmt.Errorf("capture %d: %v %v", n+1, got.State, err)
				}
			}
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

// Authorization reports whether lifecycle number i is an authorization
// (every fourth): pay with Authorization, confirm (the hold is placed:
// AUTHORIZED), capture 6,000 of the 10,000, capture the other 4,000 as
// the last capture (SUCCESS), refund 2,500. The others are cashier
// payments: pay, confirm (debit: SUCCESS), refund 2,500. Every mode of
// Run, and every baseline, runs the same kind for the same i.
func Authorization(i int64) bool { return i%4 == 0 }

// bareLifecycle makes the store calls the engine makes for one lifecycle,
// in the same order, with hand-built records (TestBareLifecycleCalls
// compares the two).
func bareLifecycle(ctx context.Context, s store.Store, i int64, now time.Time) error {
	// Request ids are the caller's; payment, capture and refund ids are
	// made like the engine's default (engine.TimeOrderedID), so both
	// insert into the same places of the id-keyed indexes.
	auth := Authorization(i)
	req, id := fmt.Sprintf("b%d", i), engine.TimeOrderedID(now)
	ev := func(p *store.Payment, name, from, to, childID, detail string) store.Event {
		return store.Event{PaymentID: p.ID, RefundID: childID, Seq: p.Version, At: now, Name: name, From: from, To: to, Detail: detail}
	}
	// pay: look the request key up, create the payment waiting for the user
	if _, err := s.LoadPaymentByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("pay lookup: %v", err)
	}
	p := store.Payment{
		ID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Scenario: "CASHIER", Status: "ACCEPT",
		Currency: "USD", Amount: 10_000, OrderTitle: "Coffee beans", NotifyURL: "https://shop.example/notify",
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(14 * time.Minute), Authorization: auth, Version: 1,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, Events: []store.Event{ev(&p, "accept", "NEW", "ACCEPT", "", "")}}); err != nil {
		return err
	}
	// confirm: load, start the debit (or the hold), record its success
	// with the notification
	snap, err := s.LoadPayment(ctx, id, "")
	if err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.Status, p.UserID, p.PendingOp, p.OpID, p.OpCount, p.NextCheckAt = "INIT", "alice", "debit", id+"-1", 1, now.Add(time.Minute)
	if auth {
		p.PendingOp = "hold"
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, Events: []store.Event{ev(&p, "confirm", "ACCEPT", "INIT", "", "user alice")}}); err != nil {
		return err
	}
	p.Version++
	succeeded := ev(&p, "debit_succeeded", "INIT", "SUCCESS", "", "")
	if auth {
		p.Status, p.HoldID, p.AuthorizedAt, p.AuthExpiresAt = "AUTHORIZED", p.OpID, now, now.Add(engine.DefaultAuthExpiry)
		succeeded = ev(&p, "hold_placed", "INIT", "AUTHORIZED", "", "")
	} else {
		p.Status, p.PaidAt = "SUCCESS", now
	}
	p.PendingOp, p.OpID, p.NextCheckAt = "", "", time.Time{}
	msg := store.OutboxMessage{
		ID: id + ".result", PaymentID: id, PartnerID: "shop", RequestID: req, Kind: "payment_result",
		NotifyURL: p.NotifyURL, Status: "SUCCESS", Currency: "USD", Amount: p.Amount,
		PaymentCreatedAt: now, PaymentTime: now, CreatedAt: now, NextAttemptAt: now,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1,
		Events: []store.Event{succeeded}, Outbox: []store.OutboxMessage{msg}}); err != nil {
		return err
	}
	if auth {
		// two captures: 6,000, then the other 4,000 as the last one
		if err := bareCapture(ctx, s, id, fmt.Sprintf("%s-1", req), 6_000, false, now, ev); err != nil {
			return err
		}
		if err := bareCapture(ctx, s, id, fmt.Sprintf("%s-2", req), 4_000, true, now, ev); err != nil {
			return err
		}
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
		ID: engine.TimeOrderedID(now), PaymentID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Currency: "USD",
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

// bareCapture makes the store calls of one capture of the authorization
// id, as bareLifecycle does for the rest: load the payment, look the
// request key up, open the capture, record its success (and, when it
// takes the rest of the hold, the payment's SUCCESS).
func bareCapture(ctx context.Context, s store.Store, id, req string, amount int64, last bool, now time.Time,
	ev func(p *store.Payment, name, from, to, childID, detail string) store.Event) error {
	snap, err := s.LoadPayment(ctx, id, "")
	if err != nil {
		return err
	}
	if _, err := s.GetCaptureByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("capture lookup: %v", err)
	}
	p := snap.Payment
	p.Version++
	p.CaptureCount++
	p.CapturingAmount += amount
	c := store.Capture{
		ID: engine.TimeOrderedID(now), PaymentID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Currency: "USD",
		Amount: amount, Last: last, Status: "INIT", CreatedAt: now, UpdatedAt: now, NextCheckAt: now.Add(time.Minute),
	}
	if last {
		p.LastCaptureID = c.ID
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, NewCaptures: []store.Capture{c},
		Events: []store.Event{ev(&p, "open_capture", "NEW", "INIT", c.ID, "")}}); err != nil {
		return err
	}
	p.Version++
	p.CapturingAmount -= amount
	p.CapturedAmount += amount
	p.LastCaptureID = ""
	if p.PaidAt.IsZero() {
		p.PaidAt = now
	}
	c.Status, c.FinishedAt, c.NextCheckAt = "SUCCESS", now, time.Time{}
	events := []store.Event{ev(&p, "capture_succeeded", "INIT", "SUCCESS", c.ID, "")}
	if p.CapturedAmount == p.Amount {
		p.Status = "SUCCESS"
		events = append(events, ev(&p, "capture_complete", "AUTHORIZED", "SUCCESS", "", "captured in full"))
	}
	return s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, UpdatedCaptures: []store.Capture{c}, Events: events})
}

// Fingerprint is a request fingerprint as long as the engine's (a hex
// SHA-256), for baselines that build rows by hand.
var Fingerprint = strings.Repeat("f", 64)

// CheckLifecycle runs life and the engine's lifecycle on s, for each kind
// of lifecycle (see Authorization): life as payment numbers 2 and 8
// (request ids requestID(2) and requestID(8)), the engine as payment
// numbers 1 and 4. It fails t when the two leave different payments,
// refunds, captures, history or outbox messages behind, ids, request ids
// and fingerprints aside: a baseline of Run must write what the engine
// writes.
func CheckLifecycle(t *testing.T, s store.Store, life Lifecycle, requestID func(i int64) string) {
	t.Helper()
	ctx := context.Background()
	eng := engineLifecycle(nil, s, func() time.Time { return benchNow })
	for _, n := range []struct{ engine, life int64 }{{1, 2}, {4, 8}} {
		kind := "cashier"
		if Authorization(n.life) {
			kind = "authorization"
		}
		if err := eng(ctx, n.engine, benchNow); err != nil {
			t.Fatalf("engine %s lifecycle: %v", kind, err)
		}
		if err := life(ctx, n.life, benchNow); err != nil {
			t.Fatalf("%s lifecycle: %v", kind, err)
		}
		want, err := storedLife(ctx, s, fmt.Sprintf("e%d", n.engine))
		if err != nil {
			t.Fatal(err)
		}
		got, err := storedLife(ctx, s, requestID(n.life))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("the %s lifecycle stores\n%s\nthe engine stores\n%s", kind, got, want)
		}
	}
}

// storedLife prints what s holds about the payment of request id req with
// its ids, request ids and fingerprints, and those of its refunds and
// captures, replaced by placeholders.
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
	// Ids, request ids and fingerprints are the lifecycle's own. Refunds
	// and captures share the events' RefundID (their ids are unique
	// together).
	children := map[string]string{"": ""}
	for i, r := range snap.Refunds {
		children[r.ID] = fmt.Sprintf("<refund %d>", i+1)
	}
	for i, c := range snap.Captures {
		children[c.ID] = fmt.Sprintf("<capture %d>", i+1)
	}
	p := snap.Payment
	pid := p.ID
	names := strings.NewReplacer(pid, "<payment>")
	p.ID, p.RequestID, p.Fingerprint, p.OpID, p.HoldID = "<payment>", "<request>", "<fingerprint>", names.Replace(p.OpID), names.Replace(p.HoldID)
	p.LastCaptureID = children[p.LastCaptureID]
	var b strings.Builder
	fmt.Fprintf(&b, "payment %+v\n", p)
	for _, r := range snap.Refunds {
		r.ID, r.PaymentID, r.RequestID, r.Fingerprint = children[r.ID], "<payment>", "<request>", "<fingerprint>"
		fmt.Fprintf(&b, "refund %+v\n", r)
	}
	for i, c := range snap.Captures {
		c.ID, c.PaymentID, c.RequestID, c.Fingerprint = children[c.ID], "<payment>", fmt.Sprintf("<capture request %d>", i+1), "<fingerprint>"
		fmt.Fprintf(&b, "capture %+v\n", c)
	}
	for _, e := range history {
		e.PaymentID, e.RefundID = "<payment>", children[e.RefundID]
		fmt.Fprintf(&b, "event %+v\n", e)
	}
	for _, m := range msgs {
		m.ID, m.PaymentID, m.RequestID, m.RefundID, m.CaptureID = names.Replace(m.ID), "<payment>", "<request>", children[m.RefundID], children[m.CaptureID]
		fmt.Fprintf(&b, "message %+v\n", m)
	}
	return b.String(), nil
}
