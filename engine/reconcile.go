package engine

import (
	"context"
	"time"

	"github.com/paystate/paystate/store"
)

// ReconcileReport counts what one Reconcile pass did.
type ReconcileReport struct {
	Checked  int // in-flight operations asked about
	Resolved int // of those, now settled (succeeded or declined)
	Unknown  int // of those, still without an answer: asked again later
}

// Reconcile asks the funds port about up to limit in-flight operations whose
// next check is due (debits and reversals of payments, credits of refunds)
// and records each answer exactly as if the original call had returned it:
// a debit that succeeded pays the payment (or, after its expiry, is
// reversed), a declined one fails it, an unknown one is asked again after
// the next delay of Config.ReconcileSchedule; holds, captures and releases
// of authorizations likewise. Every check is written to the
// payment's history. It never guesses an outcome.
func (e *Engine) Reconcile(ctx context.Context, limit int) (ReconcileReport, error) {
	var rep ReconcileReport
	checks, err := e.store.DueChecks(ctx, e.cfg.Now(), limit)
	if err != nil {
		return rep, e.internal(err, "list due checks")
	}
	for _, c := range checks {
		settled, asked, err := e.check(ctx, c)
		if err != nil {
			return rep, err
		}
		if !asked {
			continue
		}
		rep.Checked++
		if settled {
			rep.Resolved++
		} else {
			rep.Unknown++
		}
	}
	return rep, nil
}

// check asks the funds port about one operation and records the answer.
// asked is false when the operation was no longer in flight.
func (e *Engine) check(ctx context.Context, c store.Check) (settled, asked bool, err error) {
	snap, err := e.store.LoadPayment(ctx, c.PaymentID, c.RefundID)
	if err != nil {
		return false, false, e.loadError(err, c.PaymentID)
	}
	opID, decide := e.checkTarget(&snap, c)
	if decide == nil {
		return false, false, nil
	}
	res, ferr := e.funds.Inquire(ctx, opID)
	res = e.fundsAnswer(ctx, res, ferr, opID)
	// The answer may open operations (the reversal of a debit that
	// succeeded after expiry, another try at a declined reversal, the
	// release after a last capture, an automatic capture): they are
	// issued now.
	_, err = e.updateAndFollow(ctx, c.PaymentID, c.RefundID, nil, func(snap *store.Snapshot, now time.Time) (*plan, error) {
		return decide(snap, opID, res, now)
	})
	if err != nil {
		return false, true, err
	}
	return res.Status != FundsUnknown, true, nil
}

type decideFunc func(snap *store.Snapshot, opID string, res FundsResult, now time.Time) (*plan, error)

// checkTarget returns the operation id to ask about and how to record the
// answer, or a nil decideFunc when nothing is in flight.
func (e *Engine) checkTarget(snap *store.Snapshot, c store.Check) (string, decideFunc) {
	if c.CaptureID != "" {
		k := findCapture(snap, c.CaptureID)
		if k == nil || captureState(k) != CaptureInit {
			return "", nil
		}
		return k.ID, e.decideCaptureResult
	}
	if refundID := c.RefundID; refundID != "" {
		r := findRefund(snap, refundID)
		if r == nil || refundState(r) != RefundInit {
			return "", nil
		}
		return r.ID, func(snap *store.Snapshot, opID string, res FundsResult, now time.Time) (*plan, error) {
			return e.decideCreditResult(snap, opID, res, now)
		}
	}
	switch snap.Payment.PendingOp {
	case PendingDebit, PendingHold:
		return snap.Payment.OpID, e.decideDebitResult
	case PendingReversal:
		return snap.Payment.OpID, e.decideReversalResult
	case PendingRelease:
		return snap.Payment.OpID, e.decideReleaseResult
	}
	return "", nil
}

// farFuture is later than any next check the engine schedules.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Unresolved lists up to limit funds operations still in flight (debits and
// reversals of payments, credits of refunds whose outcome the funds port has
// not told yet), earliest next check first, whether or not their next check
// is due: what an operator watches. Reconcile settles them.
func (e *Engine) Unresolved(ctx context.Context, limit int) ([]store.Check, error) {
	checks, err := e.store.DueChecks(ctx, farFuture, limit)
	if err != nil {
		return nil, e.internal(err, "list unresolved operations")
	}
	return checks, nil
}
