package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
)

var dueTests = []test{
	{"Expiries", testDueExpiries},
	{"Checks", testDueChecks},
}

// testDueExpiries: only ACCEPT payments whose ExpiresAt is at or before
// now, earliest first (by instant, whatever location the time was written
// in), up to limit.
func testDueExpiries(t *testing.T, h *harness) {
	now := t0.Add(time.Hour)
	east := time.FixedZone("UTC+8", 8*3600)
	west := time.FixedZone("UTC-9:30", -(9*3600 + 1800))
	add := func(id, status string, expires time.Time) store.Payment {
		p := newPayment(id, "partner-a", "req-"+id)
		p.Status, p.ExpiresAt = status, expires
		return h.create(p)
	}
	require.Empty(t, dueExpiries(h, now, 10), "empty store")

	add("exp-late", "ACCEPT", now.Add(-time.Minute).In(west))
	add("exp-exact", "ACCEPT", now)
	add("exp-future", "ACCEPT", now.Add(time.Microsecond))
	add("exp-early", "ACCEPT", now.Add(-50*time.Minute))
	add("exp-zone", "ACCEPT", now.Add(-30*time.Minute).In(east))
	for _, status := range []string{"INIT", "SUCCESS", "FAIL", "CLOSED"} {
		add("exp-"+status, status, now.Add(-2*time.Hour))
	}
	closed := add("exp-closed-later", "ACCEPT", now.Add(-3*time.Hour))
	c2 := next(closed)
	c2.Status, c2.ClosedAt = "CLOSED", now.Add(-time.Hour)
	h.commit(store.Change{Payment: c2, ExpectedVersion: 1})

	require.Equal(t, []string{"exp-early", "exp-zone", "exp-late", "exp-exact"}, dueExpiries(h, now, 10))
	require.Equal(t, []string{"exp-early", "exp-zone", "exp-late", "exp-exact"}, dueExpiries(h, now, 4))
	require.Equal(t, []string{"exp-early", "exp-zone"}, dueExpiries(h, now, 2))
	require.Equal(t, []string{"exp-early"}, dueExpiries(h, now, 1))
	require.Equal(t, []string{"exp-early", "exp-zone", "exp-late"}, dueExpiries(h, now.Add(-time.Microsecond), 10))
	require.Equal(t, []string{"exp-early", "exp-zone", "exp-late", "exp-exact", "exp-future"}, dueExpiries(h, now.Add(time.Microsecond), 10))
	require.Empty(t, dueExpiries(h, now.Add(-50*time.Minute-time.Microsecond), 10))
	require.Equal(t, []string{"exp-early"}, dueExpiries(h, now.Add(-50*time.Minute).In(east), 10), "now in another location")
}

func dueExpiries(h *harness, now time.Time, limit int) []string {
	h.t.Helper()
	ids, err := h.s.DueExpiries(h.ctx, now, limit)
	require.NoError(h.t, err, "DueExpiries(%s, %d)", now.Format(time.RFC3339Nano), limit)
	return ids
}

// testDueChecks: payments with a PendingOp and refunds in INIT whose
// NextCheckAt is at or before now, merged earliest first, up to limit;
// nothing else (no pending op, refunds SUCCESS or FAIL, not yet due), and
// an operation stops being due once settled.
func testDueChecks(t *testing.T, h *harness) {
	now := t0.Add(time.Hour)
	east := time.FixedZone("UTC+8", 8*3600)
	withOp := func(id, status, op string, at time.Time) store.Payment {
		p := newPayment(id, "partner-a", "req-"+id)
		p.Status, p.PendingOp, p.NextCheckAt = status, op, at
		if op != "" {
			p.OpID, p.OpCount = id+"-op-1", 1
		}
		return h.create(p)
	}
	require.Empty(t, dueChecks(h, now, 10), "empty store")

	debit := withOp("p-debit", "INIT", "debit", now.Add(-40*time.Minute))
	withOp("p-reversal", "CLOSED", "reversal", now)
	withOp("p-future", "INIT", "debit", now.Add(time.Microsecond))
	withOp("p-none", "SUCCESS", "", now.Add(-2*time.Hour)) // leftover NextCheckAt, nothing in flight
	host := withOp("p-host", "SUCCESS", "", time.Time{})

	h2 := next(host)
	refund := func(id, status string, at time.Time) store.Refund {
		r := newRefund(id, h2, "rreq-"+id, 100)
		r.Status, r.NextCheckAt = status, at
		if status != "INIT" {
			r.FinishedAt = t0
		}
		return r
	}
	early := refund("r-early", "INIT", now.Add(-50*time.Minute))
	h2.HeldAmount = 300
	h.commit(store.Change{Payment: h2, ExpectedVersion: 1, NewRefunds: []store.Refund{
		refund("r-future", "INIT", now.Add(time.Second)),
		refund("r-mid", "INIT", now.Add(-20*time.Minute).In(east)),
		refund("r-success", "SUCCESS", now.Add(-2*time.Hour)),
		early,
		refund("r-fail", "FAIL", now.Add(-2*time.Hour)),
	}})

	all := []store.Check{
		{PaymentID: "p-host", RefundID: "r-early"},
		{PaymentID: "p-debit"},
		{PaymentID: "p-host", RefundID: "r-mid"},
		{PaymentID: "p-reversal"},
	}
	require.Equal(t, all, dueChecks(h, now, 10))
	require.Equal(t, all, dueChecks(h, now, 4))
	require.Equal(t, all[:2], dueChecks(h, now, 2))
	require.Equal(t, all[:1], dueChecks(h, now, 1))
	require.Equal(t, all[:3], dueChecks(h, now.Add(-time.Microsecond), 10))
	require.Empty(t, dueChecks(h, now.Add(-50*time.Minute-time.Microsecond), 10))
	require.Equal(t, append(all[:4:4], store.Check{PaymentID: "p-future"}), dueChecks(h, now.Add(time.Microsecond), 10))

	// Settle the debit and the early refund: neither is due any more.
	d2 := next(debit)
	d2.Status, d2.PendingOp, d2.PaidAt = "SUCCESS", "", now
	h.commit(store.Change{Payment: d2, ExpectedVersion: 1})
	h3 := next(h2)
	h3.HeldAmount, h3.RefundedAmount = 200, 100
	early.Status, early.FinishedAt = "SUCCESS", now
	h.commit(store.Change{Payment: h3, ExpectedVersion: 2, UpdatedRefunds: []store.Refund{early}})
	require.Equal(t, []store.Check{
		{PaymentID: "p-host", RefundID: "r-mid"},
		{PaymentID: "p-reversal"},
	}, dueChecks(h, now, 10))
}

func dueChecks(h *harness, now time.Time, limit int) []store.Check {
	h.t.Helper()
	checks, err := h.s.DueChecks(h.ctx, now, limit)
	require.NoError(h.t, err, "DueChecks(%s, %d)", now.Format(time.RFC3339Nano), limit)
	if len(checks) == 0 {
		return nil
	}
	return checks
}
