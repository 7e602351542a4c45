package engine

import (
	"context"
	"time"

	"github.com/paystate/paystate/store"
)

// ExpireDue closes up to limit unpaid payments (ACCEPT) whose expiry time
// has passed, each with its FAIL notification to the merchant (fail reason
// CodeExpired), and ends the authorizations (AUTHORIZED) whose
// AuthExpiresAt has passed: what their holds have left is released, one
// with nothing captured is CLOSED with CodeAuthExpired and its merchant is
// told FAIL, one with captures becomes SUCCESS. It returns how many it
// closed or ended. A payment that changed in the meantime (confirmed,
// cancelled) is left as it is. Payments with a debit or hold in flight are
// not expired here: Reconcile settles them, and money that moves after
// expiry goes back. An authorization with a capture in flight ends when
// the capture settles.
func (e *Engine) ExpireDue(ctx context.Context, limit int) (int, error) {
	ids, err := e.store.DueExpiries(ctx, e.cfg.Now(), limit)
	if err != nil {
		return 0, e.internal(err, "list due expiries")
	}
	closed := 0
	for _, id := range ids {
		did := false
		_, err := e.updateAndFollow(ctx, id, "", nil, func(snap *store.Snapshot, now time.Time) (*plan, error) {
			did = false
			switch {
			case authExpiryDue(&snap.Payment, now):
				pl := updatePlan(e.machine, snap, now)
				did = true
				return pl, e.endAuthorization(pl, CodeAuthExpired)
			case paymentState(&snap.Payment) != PaymentAccept || now.Before(snap.Payment.ExpiresAt):
				return nil, nil
			}
			pl := updatePlan(e.machine, snap, now)
			did = true
			return pl, pl.expire()
		})
		if err != nil {
			return closed, err
		}
		if did {
			closed++
		}
	}
	return closed, nil
}
