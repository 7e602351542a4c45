package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/memstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
)

// authorization is an authorization payment of id, holding 1,000 USD,
// AUTHORIZED until authExpires, version 1.
func authorization(id string, now, authExpires time.Time) store.Payment {
	p := testPayment(id, now)
	p.Status, p.PaidAt = "AUTHORIZED", time.Time{}
	p.Authorization, p.HoldID = true, id+"-hold"
	p.AuthorizedAt, p.AuthExpiresAt = now, authExpires
	p.AutoCapture, p.NotifyCaptures = true, true
	return p
}

// capture is a capture of p in INIT, due for a check at nextCheck.
func capture(id string, p *store.Payment, amount int64, nextCheck time.Time) store.Capture {
	return store.Capture{
		ID: id, PaymentID: p.ID, PartnerID: p.PartnerID, RequestID: "creq-" + id,
		Fingerprint: "fp-" + id, Currency: p.Currency, Amount: amount, Status: "INIT",
		Notify: true, ExtendInfo: `{"memo":"` + id + `"}`,
		CreatedAt: p.UpdatedAt, UpdatedAt: p.UpdatedAt, NextCheckAt: nextCheck, CheckAttempts: 1,
	}
}

// withRequest returns k with request id requestID.
func withRequest(k store.Capture, requestID string) store.Capture {
	k.RequestID = requestID
	return k
}

// same runs read on every store, requires it to succeed with equal
// answers, and returns the answer.
func same[T any](t *testing.T, stores []store.Store, what string, read func(s store.Store) (T, error)) T {
	t.Helper()
	var want T
	for i, s := range stores {
		got, err := read(s)
		require.NoError(t, err, "%s on %T", what, s)
		if i == 0 {
			want = got
			continue
		}
		require.Equal(t, want, got, "%s: %T differs from %T", what, s, stores[0])
	}
	return want
}

// TestCapturesMatchMemstore runs one script of authorizations, captures
// and capture messages on the in-memory reference store and on pgstore,
// and requires the same answer from both at every step: the reads of a
// payment with its captures, GetCaptureByRequest, the due listings
// (authorizations merged with ACCEPT payments by due time, captures with
// payments and refunds), guarded capture updates, refused captures, and
// capture messages through parking and resending.
func TestCapturesMatchMemstore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	stores := []store.Store{memstore.New(), pgstoretest.Open(t)}
	commit := func(what string, c store.Change) {
		t.Helper()
		same(t, stores, what, func(s store.Store) (bool, error) { return true, s.Commit(ctx, c) })
	}
	snapshot := func(what string, read func(s store.Store) (store.Snapshot, error)) store.Snapshot {
		t.Helper()
		return same(t, stores, what, read)
	}

	// pay-a: an authorization past its expiry a minute ago, not due to
	// expire because a capture is in flight (it ends the authorization
	// when it settles), with a hold check, that capture, a finished one and
	// a refund in flight, the three checks due at the same time.
	a := authorization("pay-a", now.Add(-time.Hour), now.Add(-time.Minute))
	a.PendingOp, a.OpID, a.NextCheckAt = "hold", "pay-a-hold", now.Add(-30*time.Second)
	a.CapturingAmount, a.CapturedAmount, a.CaptureCount, a.LastCaptureID = 300, 200, 2, "cap-a1"
	a1 := capture("cap-a1", &a, 300, now.Add(-30*time.Second))
	a1.Last = true
	a2 := capture("cap-a2", &a, 200, time.Time{})
	a2.Status, a2.FinishedAt = "SUCCESS", now.Add(-time.Hour)
	ra := store.Refund{ID: "ref-a", PaymentID: a.ID, PartnerID: "shop", RequestID: "rreq-a", Currency: "USD",
		Amount: 1, Status: "INIT", CreatedAt: now, UpdatedAt: now, NextCheckAt: now.Add(-30 * time.Second)}
	msg := store.OutboxMessage{ID: "msg-a", PaymentID: a.ID, PartnerID: a.PartnerID, RequestID: a.RequestID,
		Kind: "capture_result", NotifyURL: a.NotifyURL, Status: "SUCCESS", Currency: "USD", Amount: 200,
		CaptureID: a2.ID, CaptureRequestID: a2.RequestID, CreatedAt: now, NextAttemptAt: now}
	commit("create pay-a", store.Change{Payment: a, NewCaptures: []store.Capture{a1, a2}, NewRefunds: []store.Refund{ra},
		Outbox: []store.OutboxMessage{msg}})
	// pay-b: waiting for the user, expiring at the same time as pay-a and
	// pay-f, an authorization without captures.
	b := testPayment("pay-b", now)
	b.Status, b.PaidAt, b.ExpiresAt = "ACCEPT", time.Time{}, now.Add(-time.Minute)
	commit("create pay-b", store.Change{Payment: b})
	f := authorization("pay-f", now, now.Add(-time.Minute))
	commit("create pay-f", store.Change{Payment: f})
	// pay-c: an authorization without an expiry (due since forever);
	// pay-d: one not due yet; pay-e: one captured in full, no longer
	// AUTHORIZED, with its capture due for a check.
	c := authorization("pay-c", now, time.Time{})
	commit("create pay-c", store.Change{Payment: c})
	d := authorization("pay-d", now, now.Add(time.Minute))
	commit("create pay-d", store.Change{Payment: d})
	e := authorization("pay-e", now, now.Add(-time.Hour))
	e.Status, e.CaptureCount, e.CapturingAmount = "SUCCESS", 1, 1_000
	e1 := capture("cap-e1", &e, 1_000, now.Add(-2*time.Minute))
	commit("create pay-e", store.Change{Payment: e, NewCaptures: []store.Capture{e1}})

	snap := snapshot("GetPayment", func(s store.Store) (store.Snapshot, error) { return s.GetPayment(ctx, a.ID) })
	require.Equal(t, store.Snapshot{Payment: a, Refunds: []store.Refund{ra}, Captures: []store.Capture{a1, a2}}, snap)
	snap = snapshot("GetPaymentByRequest", func(s store.Store) (store.Snapshot, error) {
		return s.GetPaymentByRequest(ctx, a.PartnerID, a.RequestID)
	})
	require.Equal(t, []store.Capture{a1, a2}, snap.Captures)
	snap = snapshot("LoadPayment", func(s store.Store) (store.Snapshot, error) { return s.LoadPayment(ctx, a.ID, ra.ID) })
	require.Equal(t, store.Snapshot{Payment: a, Refunds: []store.Refund{ra}, Captures: []store.Capture{a1, a2}}, snap)
	snap = snapshot("LoadPayment without its refund", func(s store.Store) (store.Snapshot, error) { return s.LoadPayment(ctx, a.ID, "") })
	require.Equal(t, store.Snapshot{Payment: a, Refunds: []store.Refund{}, Captures: []store.Capture{a1, a2}}, snap)
	snap = snapshot("LoadPaymentByRequest", func(s store.Store) (store.Snapshot, error) {
		return s.LoadPaymentByRequest(ctx, a.PartnerID, a.RequestID)
	})
	require.Equal(t, store.Snapshot{Payment: a, Refunds: []store.Refund{}, Captures: []store.Capture{}}, snap)
	snap = snapshot("LoadPayment of an authorization without captures", func(s store.Store) (store.Snapshot, error) {
		return s.LoadPayment(ctx, c.ID, "")
	})
	require.Equal(t, store.Snapshot{Payment: c, Refunds: []store.Refund{}, Captures: []store.Capture{}}, snap)
	got := same(t, stores, "GetCaptureByRequest", func(s store.Store) (store.Capture, error) {
		return s.GetCaptureByRequest(ctx, "shop", a1.RequestID)
	})
	require.Equal(t, a1, got)
	same(t, stores, "GetCaptureByRequest of another partner", func(s store.Store) (bool, error) {
		_, err := s.GetCaptureByRequest(ctx, "other-shop", a1.RequestID)
		return errors.Is(err, store.ErrNotFound), nil
	})

	ids := same(t, stores, "DueExpiries", func(s store.Store) ([]string, error) { return s.DueExpiries(ctx, now, 10) })
	require.Equal(t, []string{"pay-c", "pay-b", "pay-f"}, ids)
	ids = same(t, stores, "DueExpiries limited", func(s store.Store) ([]string, error) { return s.DueExpiries(ctx, now, 2) })
	require.Equal(t, []string{"pay-c", "pay-b"}, ids)
	ids = same(t, stores, "DueExpiries at the zero time", func(s store.Store) ([]string, error) { return s.DueExpiries(ctx, time.Time{}, 10) })
	require.Equal(t, []string{"pay-c"}, ids)
	checks := same(t, stores, "DueChecks", func(s store.Store) ([]store.Check, error) { return s.DueChecks(ctx, now, 10) })
	require.Equal(t, []store.Check{
		{PaymentID: "pay-e", CaptureID: "cap-e1"},
		{PaymentID: "pay-a"}, {PaymentID: "pay-a", CaptureID: "cap-a1"}, {PaymentID: "pay-a", RefundID: "ref-a"},
	}, checks)
	checks = same(t, stores, "DueChecks limited", func(s store.Store) ([]store.Check, error) { return s.DueChecks(ctx, now, 2) })
	require.Len(t, checks, 2)

	// The capture in flight succeeds: a guarded update.
	a2v := a
	a2v.Version, a2v.Status, a2v.CapturingAmount, a2v.CapturedAmount, a2v.LastCaptureID = 2, "SUCCESS", 0, 500, ""
	a1done := a1
	a1done.Status, a1done.FinishedAt, a1done.UpdatedAt, a1done.NextCheckAt = "SUCCESS", now, now, time.Time{}
	commit("update capture", store.Change{Payment: a2v, ExpectedVersion: 1, UpdatedCaptures: []store.Capture{a1done}})
	snap = snapshot("GetPayment after the update", func(s store.Store) (store.Snapshot, error) { return s.GetPayment(ctx, a.ID) })
	require.Equal(t, store.Snapshot{Payment: a2v, Refunds: []store.Refund{ra}, Captures: []store.Capture{a1done, a2}}, snap)
	checks = same(t, stores, "DueChecks after the update", func(s store.Store) ([]store.Check, error) { return s.DueChecks(ctx, now, 10) })
	require.NotContains(t, checks, store.Check{PaymentID: "pay-a", CaptureID: "cap-a1"})
	ids = same(t, stores, "DueExpiries after the update", func(s store.Store) ([]string, error) { return s.DueExpiries(ctx, now, 10) })
	require.Equal(t, []string{"pay-c", "pay-b", "pay-f"}, ids)

	// Refused changes apply nothing.
	d2 := d
	d2.Version, d2.CaptureCount = 2, 1
	a3 := a2v
	a3.Version = 3
	for _, r := range []struct {
		name   string
		c      store.Change
		exists bool // the error matches store.ErrAlreadyExists
	}{
		{"capture id taken", store.Change{Payment: d2, ExpectedVersion: 1,
			NewCaptures: []store.Capture{withRequest(capture("cap-a1", &d2, 1, now), "creq-new")}}, true},
		{"capture request key taken", store.Change{Payment: d2, ExpectedVersion: 1,
			NewCaptures: []store.Capture{withRequest(capture("cap-d1", &d2, 1, now), a1.RequestID)}}, true},
		{"update of another payment's capture", store.Change{Payment: d2, ExpectedVersion: 1,
			UpdatedCaptures: []store.Capture{{ID: a1.ID, PaymentID: d2.ID, PartnerID: a1.PartnerID, RequestID: a1.RequestID}}}, false},
		{"update of an unknown capture", store.Change{Payment: d2, ExpectedVersion: 1,
			UpdatedCaptures: []store.Capture{capture("cap-d9", &d2, 1, now)}}, false},
		{"request key changed", store.Change{Payment: a3, ExpectedVersion: 2,
			UpdatedCaptures: []store.Capture{withRequest(a1done, "creq-other")}}, false},
	} {
		for _, s := range stores {
			err := s.Commit(ctx, r.c)
			require.Error(t, err, "%s on %T", r.name, s)
			require.Equal(t, r.exists, errors.Is(err, store.ErrAlreadyExists), "%s on %T: %v", r.name, s, err)
			require.False(t, errors.Is(err, store.ErrConflict), "%s on %T: %v", r.name, s, err)
		}
	}
	snap = snapshot("pay-a after the refused changes", func(s store.Store) (store.Snapshot, error) { return s.GetPayment(ctx, a.ID) })
	require.Equal(t, a2v, snap.Payment)
	snap = snapshot("pay-d after the refused changes", func(s store.Store) (store.Snapshot, error) { return s.GetPayment(ctx, d.ID) })
	require.Equal(t, store.Snapshot{Payment: d, Refunds: []store.Refund{}, Captures: []store.Capture{}}, snap)

	// A capture message keeps its capture through parking and resending.
	same(t, stores, "claim", func(s store.Store) ([]store.OutboxMessage, error) {
		return s.ClaimOutbox(ctx, "d", now, time.Minute, 10)
	})
	same(t, stores, "park", func(s store.Store) (bool, error) {
		return true, s.RecordDelivery(ctx, store.Delivery{MessageID: msg.ID, Owner: "d", At: now, Error: "HTTP 500", Park: true})
	})
	parked := same(t, stores, "ParkedOutbox", func(s store.Store) ([]store.OutboxMessage, error) { return s.ParkedOutbox(ctx, "", 10) })
	require.Len(t, parked, 1)
	require.Equal(t, [2]string{a2.ID, a2.RequestID}, [2]string{parked[0].CaptureID, parked[0].CaptureRequestID})
	resent := same(t, stores, "ResendOutbox", func(s store.Store) (store.OutboxMessage, error) { return s.ResendOutbox(ctx, msg.ID, now) })
	require.Equal(t, [2]string{a2.ID, a2.RequestID}, [2]string{resent.CaptureID, resent.CaptureRequestID})
	same(t, stores, "Outbox", func(s store.Store) ([]store.OutboxMessage, error) { return s.Outbox(ctx, a.ID) })
}

// TestBatchedCapturesFailAlone: Commits creating captures that collide
// with each other or with stored ones, queued with others so that they
// share transactions: each colliding one fails alone with
// store.ErrAlreadyExists, one of two twins wins, and the rest are applied.
func TestBatchedCapturesFailAlone(t *testing.T) {
	s := pgstoretest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	stored := authorization("stored", now, now.Add(time.Hour))
	stored.CaptureCount = 1
	require.NoError(t, s.Commit(ctx, store.Change{Payment: stored, NewCaptures: []store.Capture{capture("cap-stored", &stored, 1, now)}}))

	var changes []store.Change
	want := map[string]error{} // payment id -> the error expected, nil when applied
	add := func(id string, k func(p *store.Payment) store.Capture, err error) {
		p := authorization(id, now, now.Add(time.Hour))
		p.CaptureCount = 1
		changes = append(changes, store.Change{Payment: p, NewCaptures: []store.Capture{k(&p)}})
		want[id] = err
	}
	for i := range 20 {
		add(fmt.Sprintf("new-%02d", i), func(p *store.Payment) store.Capture { return capture("cap-"+p.ID, p, 1, now) }, nil)
	}
	add("dup-id", func(p *store.Payment) store.Capture {
		return withRequest(capture("cap-stored", p, 1, now), "creq-fresh")
	}, store.ErrAlreadyExists)
	add("dup-request", func(p *store.Payment) store.Capture {
		return withRequest(capture("cap-dup-request", p, 1, now), "creq-cap-stored")
	}, store.ErrAlreadyExists)
	for i := range 3 {
		add(fmt.Sprintf("twin-%d", i), func(p *store.Payment) store.Capture {
			return withRequest(capture("cap-"+p.ID, p, 1, now), "creq-twin")
		}, store.ErrAlreadyExists)
	}

	errs := queueAll(t, s, changes)
	twinsApplied := 0
	for i, c := range changes {
		id := c.Payment.ID
		snap, getErr := s.GetPayment(ctx, id)
		if strings.HasPrefix(id, "twin-") && errs[i] == nil {
			twinsApplied++
			require.NoError(t, getErr)
			require.Equal(t, c.NewCaptures, snap.Captures)
			continue
		}
		if want[id] == nil {
			require.NoError(t, errs[i], id)
			require.NoError(t, getErr)
			require.Equal(t, c.NewCaptures, snap.Captures, id)
			continue
		}
		require.ErrorIs(t, errs[i], want[id], id)
		require.ErrorIs(t, getErr, store.ErrNotFound, "%s: nothing of a failed Commit is stored", id)
	}
	require.Equal(t, 1, twinsApplied, "one of the twins wins")
	k, err := s.GetCaptureByRequest(ctx, "shop", "creq-cap-stored")
	require.NoError(t, err)
	require.Equal(t, "cap-stored", k.ID)
}

// TestLoadPaymentReadsNoCapturesWhenNoneCounted: LoadPayment of a payment
// whose CaptureCount is 0 never scans the captures (store.PaymentStore
// promises it), as the executed plan shows; with a count it reads them.
func TestLoadPaymentReadsNoCapturesWhenNoneCounted(t *testing.T) {
	s := pgstoretest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, count := range []int{0, 1} {
		p := authorization(fmt.Sprintf("pay-%d", i), now, now.Add(time.Hour))
		p.CaptureCount = count
		c := store.Change{Payment: p}
		if count > 0 {
			c.NewCaptures = []store.Capture{capture(fmt.Sprintf("cap-%d", i), &p, 1, now)}
		}
		require.NoError(t, s.Commit(ctx, c))
	}
	var loadPayment string
	for _, c := range s.QueryCasesForTest() {
		if c.Name == "loadPayment" {
			loadPayment = c.SQL
		}
	}
	require.NotEmpty(t, loadPayment)
	capturesScan := func(paymentID string) string {
		rows, err := s.Pool().Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "+loadPayment, paymentID, "")
		require.NoError(t, err)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		for _, line := range lines {
			if strings.Contains(line, "captures") && strings.Contains(line, "Scan") {
				return line
			}
		}
		require.Fail(t, "no scan of captures in the plan", strings.Join(lines, "\n"))
		return ""
	}
	require.Contains(t, capturesScan("pay-0"), "never executed")
	require.Contains(t, capturesScan("pay-1"), "rows=1")
}
