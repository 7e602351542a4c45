package memstore_test

// What memstore promises beyond the store contract, which the conformance
// suite (conformance_test.go) checks for every backend: its tie-breaks, its
// empty slices, its context errors, and that its copies stay deep.

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newPayment(id, status string) store.Payment {
	return store.Payment{
		ID: id, PartnerID: "partner-a", RequestID: "req-" + id, Fingerprint: "fp-" + id, Scenario: "CASHIER",
		Status: status, Currency: "USD", Amount: 1000, NotifyURL: "https://merchant.example/notify",
		CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute), Version: 1,
	}
}

func create(t *testing.T, s *memstore.Store, c store.Change) {
	t.Helper()
	require.NoError(t, s.Commit(context.Background(), c))
}

// TestTieBreaks: the contract orders the due lists and claims by time
// only; memstore breaks ties as its doc comments say, as the SQL stores'
// indexes do: expiries by payment id, checks by payment id and then refund
// id (a payment's own check first), claims by CreatedAt and then message
// id (the order of its claim index).
func TestTieBreaks(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	now := t0.Add(time.Hour)

	for _, id := range []string{"tie-b", "tie-a", "early"} {
		p := newPayment(id, "ACCEPT")
		p.ExpiresAt = now.Add(-30 * time.Minute)
		if id == "early" {
			p.ExpiresAt = now.Add(-time.Hour)
		}
		create(t, s, store.Change{Payment: p})
	}
	ids, err := s.DueExpiries(ctx, now, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"early", "tie-a", "tie-b"}, ids)

	tie := now.Add(-10 * time.Minute)
	debit := newPayment("p-debit", "INIT")
	debit.PendingOp, debit.OpID, debit.NextCheckAt = "debit", "p-debit-1", tie
	create(t, s, store.Change{Payment: debit})
	host := newPayment("p-host", "SUCCESS")
	host.PendingOp, host.OpID, host.NextCheckAt = "reversal", "p-host-1", tie
	refund := func(id string) store.Refund {
		return store.Refund{ID: id, PaymentID: host.ID, PartnerID: host.PartnerID, RequestID: "rreq-" + id,
			Currency: "USD", Amount: 100, Status: "INIT", CreatedAt: t0, UpdatedAt: t0, NextCheckAt: tie}
	}
	create(t, s, store.Change{Payment: host, NewRefunds: []store.Refund{refund("r-b"), refund("r-a")}})
	checks, err := s.DueChecks(ctx, now, 10)
	require.NoError(t, err)
	assert.Equal(t, []store.Check{
		{PaymentID: "p-debit"}, {PaymentID: "p-host"}, {PaymentID: "p-host", RefundID: "r-a"}, {PaymentID: "p-host", RefundID: "r-b"},
	}, checks)

	msg := func(id string, due, created time.Time) store.OutboxMessage {
		return store.OutboxMessage{ID: id, PaymentID: "outbox", PartnerID: "partner-a", Kind: "payment_result",
			Status: "SUCCESS", CreatedAt: created, NextAttemptAt: due}
	}
	create(t, s, store.Change{Payment: newPayment("outbox", "SUCCESS"), Outbox: []store.OutboxMessage{
		msg("msg-b", t0, t0),
		msg("msg-late-created", t0, t0.Add(time.Second)),
		msg("msg-a", t0, t0),
		msg("msg-early-due", t0.Add(-time.Minute), t0.Add(time.Hour)),
	}})
	claimed, err := s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10)
	require.NoError(t, err)
	var got []string
	for _, m := range claimed {
		got = append(got, m.ID)
	}
	assert.Equal(t, []string{"msg-early-due", "msg-a", "msg-b", "msg-late-created"}, got)
}

// TestEmptySlicesAreNotNil: memstore answers "none" with an empty slice,
// never nil, as its doc comments say (the contract lets a backend return
// either).
func TestEmptySlicesAreNotNil(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	create(t, s, store.Change{Payment: newPayment("pay-1", "ACCEPT")})

	snap, err := s.GetPayment(ctx, "pay-1")
	require.NoError(t, err)
	assert.NotNil(t, snap.Refunds, "refunds of a payment without any")
	for _, id := range []string{"pay-1", "unknown"} {
		events, err := s.History(ctx, id)
		require.NoError(t, err)
		assert.NotNil(t, events, "history of %s", id)
		msgs, err := s.Outbox(ctx, id)
		require.NoError(t, err)
		assert.NotNil(t, msgs, "outbox of %s", id)
	}
	claimed, err := s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10)
	require.NoError(t, err)
	assert.NotNil(t, claimed, "nothing to claim")
}

// TestCancelledContextIsReturned: with a cancelled context every method
// returns the context's own error (the contract asks only for an error).
func TestCancelledContextIsReturned(t *testing.T) {
	s := memstore.New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"GetPayment":          func() error { _, err := s.GetPayment(ctx, "pay-1"); return err },
		"GetPaymentByRequest": func() error { _, err := s.GetPaymentByRequest(ctx, "partner-a", "req-1"); return err },
		"GetRefund":           func() error { _, err := s.GetRefund(ctx, "x"); return err },
		"GetRefundByRequest":  func() error { _, err := s.GetRefundByRequest(ctx, "partner-a", "x"); return err },
		"Commit":              func() error { return s.Commit(ctx, store.Change{Payment: newPayment("pay-2", "ACCEPT")}) },
		"History":             func() error { _, err := s.History(ctx, "pay-1"); return err },
		"DueExpiries":         func() error { _, err := s.DueExpiries(ctx, t0, 10); return err },
		"DueChecks":           func() error { _, err := s.DueChecks(ctx, t0, 10); return err },
		"ClaimOutbox":         func() error { _, err := s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10); return err },
		"RecordDelivery":      func() error { return s.RecordDelivery(ctx, store.Delivery{MessageID: "x", Owner: "d1"}) },
		"Outbox":              func() error { _, err := s.Outbox(ctx, "pay-1"); return err },
		"ParkedOutbox":        func() error { _, err := s.ParkedOutbox(ctx, "", 10); return err },
		"ResendOutbox":        func() error { _, err := s.ResendOutbox(ctx, "x", t0); return err },
		"OutboxBacklog":       func() error { _, err := s.OutboxBacklog(ctx, t0, 10); return err },
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), context.Canceled, name)
	}
}

// TestRecordsHaveNoHiddenReferences guards the copy logic: memstore copies
// Payment.OrderData explicitly and relies on every other record field being
// a plain value. A new slice, map or pointer field must get a deep copy.
func TestRecordsHaveNoHiddenReferences(t *testing.T) {
	allowed := map[string]bool{"Payment.OrderData": true}
	for _, v := range []any{store.Payment{}, store.Refund{}, store.Event{}, store.OutboxMessage{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func:
				assert.True(t, allowed[typ.Name()+"."+f.Name], "%s.%s needs a deep copy in memstore", typ.Name(), f.Name)
			}
		}
	}
}
