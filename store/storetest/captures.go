package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var captureTests = []test{
	{"InCreationOrder", testCapturesInCreationOrder},
	{"DuplicateID", testDuplicateCaptureID},
	{"DuplicateRequest", testDuplicateCaptureRequest},
	{"RequestKeysOwnNamespace", testCaptureRequestKeysOwnNamespace},
	{"UpdateOfAnotherPayment", testUpdateCaptureOfAnotherPayment},
	{"DueExpiries", testDueAuthorizationExpiries},
	{"DueChecks", testDueCaptureChecks},
	{"NotFound", testCaptureNotFound},
}

// testCapturesInCreationOrder: a payment's captures come back in the order
// they were created (not by id), through GetPayment, GetPaymentByRequest
// and LoadPayment, with their updates; LoadPaymentByRequest reads none.
func testCapturesInCreationOrder(t *testing.T, h *harness) {
	p := h.create(authorized(newPayment("pay-1", "partner-a", "req-1")))
	p2 := next(p)
	c, a := newCapture("cap-c", p2, "creq-1", 100), newCapture("cap-a", p2, "creq-2", 200)
	p2.CaptureCount, p2.CapturingAmount = 2, 300
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewCaptures: []store.Capture{c, a}})

	p3 := next(p2)
	b := newCapture("cap-b", p3, "creq-3", 300)
	c.Status, c.FinishedAt, c.UpdatedAt = "SUCCESS", t0.Add(time.Hour), t0.Add(time.Hour)
	p3.CaptureCount, p3.CapturingAmount, p3.CapturedAmount = 3, 500, 100
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, NewCaptures: []store.Capture{b}, UpdatedCaptures: []store.Capture{c}})

	want := norm(store.Snapshot{Payment: p3, Captures: []store.Capture{c, a, b}})
	require.Equal(t, want, h.snapshot(p.ID))
	snap, err := h.s.GetPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	require.Equal(t, want, norm(snap))
	snap, err = h.s.LoadPayment(h.ctx, p.ID, "")
	require.NoError(t, err)
	require.Equal(t, want, norm(snap))
	snap, err = h.s.LoadPaymentByRequest(h.ctx, p.PartnerID, p.RequestID)
	require.NoError(t, err)
	require.Equal(t, norm(store.Snapshot{Payment: p3}), norm(snap))

	got, err := h.s.GetCaptureByRequest(h.ctx, "partner-a", "creq-1")
	require.NoError(t, err)
	require.Equal(t, norm(c), norm(got))
}

// testDuplicateCaptureID: capture ids are unique across all payments, also
// within one change; a refused change leaves everything as it was.
func testDuplicateCaptureID(t *testing.T, h *harness) {
	p := h.create(authorized(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(authorized(newPayment("pay-2", "partner-a", "req-2")))
	p2 := next(p)
	p2.CaptureCount = 1
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewCaptures: []store.Capture{newCapture("cap-1", p2, "creq-1", 100)}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	for _, target := range []store.Payment{p2, q} {
		u := next(target)
		u.CaptureCount++
		err := h.s.Commit(h.ctx, store.Change{
			Payment: u, ExpectedVersion: target.Version,
			NewCaptures: []store.Capture{newCapture("cap-1", u, "creq-fresh", 200)},
			Events:      []store.Event{event(u, "capture", "NEW", "INIT")},
		})
		require.ErrorIs(t, err, store.ErrAlreadyExists, "capture id of payment pay-1 reused on %s", target.ID)
	}
	u := next(q)
	err := h.s.Commit(h.ctx, store.Change{Payment: u, ExpectedVersion: 1, NewCaptures: []store.Capture{
		newCapture("cap-2", u, "creq-2", 10), newCapture("cap-2", u, "creq-3", 20)}})
	require.ErrorIs(t, err, store.ErrAlreadyExists, "capture id twice in one change")

	require.Equal(t, beforeP, h.state(p.ID))
	require.Equal(t, beforeQ, h.state(q.ID))
	_, err = h.s.GetCaptureByRequest(h.ctx, "partner-a", "creq-fresh")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// testDuplicateCaptureRequest: (partner, capture request id) is unique
// across all payments of the partner, also within one change.
func testDuplicateCaptureRequest(t *testing.T, h *harness) {
	p := h.create(authorized(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(authorized(newPayment("pay-2", "partner-a", "req-2")))
	p2 := next(p)
	p2.CaptureCount = 1
	k := newCapture("cap-1", p2, "creq-1", 100)
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewCaptures: []store.Capture{k}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	for _, target := range []store.Payment{p2, q} {
		u := next(target)
		err := h.s.Commit(h.ctx, store.Change{Payment: u, ExpectedVersion: target.Version,
			NewCaptures: []store.Capture{newCapture("cap-fresh", u, "creq-1", 200)}})
		require.ErrorIs(t, err, store.ErrAlreadyExists, "capture request creq-1 reused on %s", target.ID)
	}
	u := next(q)
	err := h.s.Commit(h.ctx, store.Change{Payment: u, ExpectedVersion: 1, NewCaptures: []store.Capture{
		newCapture("cap-2", u, "creq-2", 10), newCapture("cap-3", u, "creq-2", 20)}})
	require.ErrorIs(t, err, store.ErrAlreadyExists, "capture request twice in one change")

	require.Equal(t, beforeP, h.state(p.ID))
	require.Equal(t, beforeQ, h.state(q.ID))
	got, err := h.s.GetCaptureByRequest(h.ctx, "partner-a", "creq-1")
	require.NoError(t, err)
	require.Equal(t, norm(k), norm(got))
}

// testCaptureRequestKeysOwnNamespace: a capture request id may equal a
// refund request id of the same partner, and another partner's capture
// request id.
func testCaptureRequestKeysOwnNamespace(t *testing.T, h *harness) {
	a := h.create(paid(newPayment("pay-a", "partner-a", "req-1")))
	a2 := next(a)
	h.commit(store.Change{Payment: a2, ExpectedVersion: 1, NewRefunds: []store.Refund{newRefund("ref-1", a2, "key-1", 10)}})

	b := h.create(authorized(newPayment("pay-b", "partner-a", "req-2")))
	c := h.create(authorized(newPayment("pay-c", "partner-b", "req-2")))
	b2, c2 := next(b), next(c)
	b2.CaptureCount, c2.CaptureCount = 1, 1
	kb, kc := newCapture("cap-b", b2, "key-1", 10), newCapture("cap-c", c2, "key-1", 20)
	h.commit(store.Change{Payment: b2, ExpectedVersion: 1, NewCaptures: []store.Capture{kb}})
	h.commit(store.Change{Payment: c2, ExpectedVersion: 1, NewCaptures: []store.Capture{kc}})

	got, err := h.s.GetCaptureByRequest(h.ctx, "partner-a", "key-1")
	require.NoError(t, err)
	require.Equal(t, norm(kb), norm(got))
	got, err = h.s.GetCaptureByRequest(h.ctx, "partner-b", "key-1")
	require.NoError(t, err)
	require.Equal(t, norm(kc), norm(got))
	r, err := h.s.GetRefundByRequest(h.ctx, "partner-a", "key-1")
	require.NoError(t, err)
	require.Equal(t, "ref-1", r.ID)
}

// testUpdateCaptureOfAnotherPayment: a change may update only captures its
// own payment holds; naming another payment's capture (or none stored) is
// refused whole.
func testUpdateCaptureOfAnotherPayment(t *testing.T, h *harness) {
	p := h.create(authorized(newPayment("pay-1", "partner-a", "req-1")))
	q := h.create(authorized(newPayment("pay-2", "partner-a", "req-2")))
	q2 := next(q)
	q2.CaptureCount = 1
	h.commit(store.Change{Payment: q2, ExpectedVersion: 1, NewCaptures: []store.Capture{newCapture("cap-q", q2, "creq-q", 100)}})
	beforeP, beforeQ := h.state(p.ID), h.state(q.ID)

	p2 := next(p)
	stolen := newCapture("cap-q", p2, "creq-q", 100) // PaymentID says p: Validate cannot tell
	stolen.Status = "SUCCESS"
	require.Error(t, h.s.Commit(h.ctx, store.Change{Payment: p2, ExpectedVersion: 1, UpdatedCaptures: []store.Capture{stolen}}))
	missing := newCapture("cap-none", p2, "creq-none", 100)
	require.Error(t, h.s.Commit(h.ctx, store.Change{Payment: p2, ExpectedVersion: 1, UpdatedCaptures: []store.Capture{missing}}))
	rekeyed := newCapture("cap-q", q2, "creq-other", 100)
	require.Error(t, h.s.Commit(h.ctx, store.Change{Payment: next(q2), ExpectedVersion: 2, UpdatedCaptures: []store.Capture{rekeyed}}))

	require.Equal(t, beforeP, h.state(p.ID))
	require.Equal(t, beforeQ, h.state(q.ID))
}

// testDueAuthorizationExpiries: authorizations awaiting capture are due by
// AuthExpiresAt (their ExpiresAt no longer matters), merged with payments
// in ACCEPT due by ExpiresAt, earliest first; an authorization captured,
// voided or with a capture in flight is not due.
func testDueAuthorizationExpiries(t *testing.T, h *harness) {
	now := t0.Add(time.Hour)
	east := time.FixedZone("UTC+8", 8*3600)
	accept := func(id string, expires time.Time) {
		p := newPayment(id, "partner-a", "req-"+id)
		p.ExpiresAt = expires
		h.create(p)
	}
	auth := func(id, status string, authExpires time.Time) {
		p := authorized(newPayment(id, "partner-a", "req-"+id))
		p.Status, p.ExpiresAt, p.AuthExpiresAt = status, now.Add(-3*time.Hour), authExpires
		h.create(p)
	}
	accept("a-early", now.Add(-40*time.Minute))
	accept("a-late", now)
	auth("z-auth-first", "AUTHORIZED", now.Add(-50*time.Minute).In(east))
	auth("b-auth-mid", "AUTHORIZED", now.Add(-20*time.Minute))
	auth("b-auth-future", "AUTHORIZED", now.Add(time.Microsecond))
	auth("b-auth-tie", "AUTHORIZED", now)
	auth("c-captured", "SUCCESS", now.Add(-2*time.Hour))
	auth("c-voided", "CLOSED", now.Add(-2*time.Hour))
	capturing := authorized(newPayment("c-capturing", "partner-a", "req-c-capturing"))
	capturing.AuthExpiresAt, capturing.CapturingAmount, capturing.CaptureCount = now.Add(-2*time.Hour), 100, 1
	h.create(capturing) // its capture in flight ends it when it settles

	all := []string{"z-auth-first", "a-early", "b-auth-mid", "a-late", "b-auth-tie"}
	require.Equal(t, all, dueExpiries(h, now, 10))
	require.Equal(t, all[:3], dueExpiries(h, now, 3))
	require.Equal(t, append(all[:5:5], "b-auth-future"), dueExpiries(h, now.Add(time.Microsecond), 10))
}

// testDueCaptureChecks: captures in INIT whose NextCheckAt is at or before
// now are due, merged with the other checks earliest first (a payment's
// own check, then its captures by id on ties); settled captures are not.
func testDueCaptureChecks(t *testing.T, h *harness) {
	now := t0.Add(time.Hour)
	p := authorized(newPayment("p-auth", "partner-a", "req-1"))
	p.PendingOp, p.OpID, p.NextCheckAt = "hold", p.HoldID, now.Add(-30*time.Minute)
	h.create(p)
	p2 := next(p)
	capture := func(id, status string, at time.Time) store.Capture {
		k := newCapture(id, p2, "creq-"+id, 100)
		k.Status, k.NextCheckAt = status, at
		if status != "INIT" {
			k.FinishedAt = t0
		}
		return k
	}
	tie := capture("k-tie", "INIT", now.Add(-30*time.Minute))
	p2.CaptureCount, p2.CapturingAmount = 5, 300
	h.commit(store.Change{Payment: p2, ExpectedVersion: 1, NewCaptures: []store.Capture{
		capture("k-late", "INIT", now),
		capture("k-future", "INIT", now.Add(time.Microsecond)),
		capture("k-done", "SUCCESS", now.Add(-2*time.Hour)),
		tie,
		capture("k-early", "INIT", now.Add(-50*time.Minute)),
	}})

	all := []store.Check{
		{PaymentID: "p-auth", CaptureID: "k-early"},
		{PaymentID: "p-auth"},
		{PaymentID: "p-auth", CaptureID: "k-tie"},
		{PaymentID: "p-auth", CaptureID: "k-late"},
	}
	require.Equal(t, all, dueChecks(h, now, 10))
	require.Equal(t, all[:2], dueChecks(h, now, 2))
	require.Equal(t, append(all[:4:4], store.Check{PaymentID: "p-auth", CaptureID: "k-future"}), dueChecks(h, now.Add(time.Microsecond), 10))

	p3 := next(p2)
	tie.Status, tie.FinishedAt = "SUCCESS", now
	p3.CapturingAmount, p3.CapturedAmount = 200, 100
	h.commit(store.Change{Payment: p3, ExpectedVersion: 2, UpdatedCaptures: []store.Capture{tie}})
	require.Equal(t, []store.Check{all[0], all[1], all[3]}, dueChecks(h, now, 10))
}

// testCaptureNotFound: an unknown capture request key is ErrNotFound.
func testCaptureNotFound(t *testing.T, h *harness) {
	_, err := h.s.GetCaptureByRequest(h.ctx, "partner-a", "creq-none")
	require.ErrorIs(t, err, store.ErrNotFound)
}
