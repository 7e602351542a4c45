package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/paystate/paystate/store"
)

// Engine runs payment and refund commands against a store and a funds port.
// It keeps no state between commands: any number of Engines, in any number
// of processes, may share one store. All methods are safe for concurrent use.
type Engine struct {
	store      store.PaymentStore
	funds      Funds
	holds      Holds // funds' Holds, nil when it has none: no authorizations
	cfg        Config
	machine    transitioner
	currencies map[string]bool // nil: every ISO 4217 currency
}

// New returns an Engine over st and funds. It fails when st or funds is nil
// or cfg holds an invalid value; zero values in cfg take their defaults.
// The engine needs only the payments part of a store: any backend
// (memstore, sqlitestore, pgstore) is one.
func New(st store.PaymentStore, funds Funds, cfg Config) (*Engine, error) {
	if st == nil {
		return nil, errors.New("engine: New: store is nil")
	}
	if funds == nil {
		return nil, errors.New("engine: New: funds is nil")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Engine{store: st, funds: funds, cfg: cfg, machine: compiledMachine{}}
	e.holds, _ = funds.(Holds)
	if len(cfg.Currencies) > 0 {
		e.currencies = make(map[string]bool, len(cfg.Currencies))
		for _, c := range cfg.Currencies {
			e.currencies[c] = true
		}
	}
	return e, nil
}

// update loads a payment, lets decide build a plan from it and commits the
// plan, deciding again on a fresh load when another process committed first
// (at most Config.ConflictRetries+1 times). A non-nil hint is the payment as
// this command last committed it: the first attempt decides on it without
// a load. decide returns a nil plan when there is nothing to write. update
// returns the payment as it stands after the commit (or as loaded, when
// nothing was written) and decide's error. The payment is loaded without
// its refunds (see updateRefund).
func (e *Engine) update(ctx context.Context, paymentID string, hint *store.Snapshot, decide func(snap *store.Snapshot, now time.Time) (*plan, error)) (*store.Snapshot, error) {
	return e.updateRefund(ctx, paymentID, "", hint, decide)
}

// updateRefund is update for a decision about refund refundID of the
// payment: each load brings that one refund along (store.LoadPayment), so
// its cost does not grow with the payment's other refunds.
func (e *Engine) updateRefund(ctx context.Context, paymentID, refundID string, hint *store.Snapshot, decide func(snap *store.Snapshot, now time.Time) (*plan, error)) (*store.Snapshot, error) {
	snap, _, err := e.updatePlanned(ctx, paymentID, refundID, hint, decide)
	return snap, err
}

// updateAndFollow is update followed by the funds operations the
// committed plan started (see plan.followUps): the reversal or release it
// opened, the capture it created.
func (e *Engine) updateAndFollow(ctx context.Context, paymentID, refundID string, hint *store.Snapshot, decide func(snap *store.Snapshot, now time.Time) (*plan, error)) (*store.Snapshot, error) {
	snap, pl, err := e.updatePlanned(ctx, paymentID, refundID, hint, decide)
	if err != nil || pl == nil {
		return snap, err
	}
	return e.follow(ctx, snap, pl)
}

// updatePlanned is updateRefund that also returns the plan it committed
// (nil when it wrote nothing).
func (e *Engine) updatePlanned(ctx context.Context, paymentID, refundID string, hint *store.Snapshot, decide func(snap *store.Snapshot, now time.Time) (*plan, error)) (*store.Snapshot, *plan, error) {
	for attempt := 0; ; attempt++ {
		var snap store.Snapshot
		if hint != nil {
			snap, hint = *hint, nil
		} else {
			loaded, err := e.store.LoadPayment(ctx, paymentID, refundID)
			if err != nil {
				return nil, nil, e.loadError(err, paymentID)
			}
			snap = loaded
		}
		pl, err := decide(&snap, e.cfg.Now())
		if err != nil || pl == nil {
			return &snap, nil, err
		}
		err = e.commit(ctx, pl)
		if err == nil {
			return applied(&snap, pl), pl, nil
		}
		if refusal := usageRefusal(err); refusal != nil {
			return &snap, nil, refusal // nothing was written
		}
		if !errors.Is(err, store.ErrConflict) || attempt >= e.cfg.ConflictRetries+1 {
			return nil, nil, e.internal(err, "commit payment %s", paymentID)
		}
		e.cfg.Logger.DebugContext(ctx, "paystate: version conflict, deciding again", "payment", paymentID, "attempt", attempt+1)
		runtime.Gosched() // let the winner finish before reloading
	}
}

// commit writes pl in one store commit. The notifications it carries go
// to Config.Handoff, leased to it, as far as it has room for them; for the
// others it tells Config.OnOutbox.
func (e *Engine) commit(ctx context.Context, pl *plan) (err error) {
	handed := e.reserveHandoffs(pl)
	defer func() {
		if r := recover(); r != nil { // a panicking store gives the room back too
			e.releaseHandoffs(pl, handed)
			panic(r)
		}
		if err != nil {
			e.releaseHandoffs(pl, handed)
		}
	}()
	if err := e.store.Commit(ctx, pl.change()); err != nil {
		return err
	}
	for _, i := range handed {
		e.cfg.Handoff.Take(pl.outbox[i])
	}
	if len(pl.outbox) > len(handed) && e.cfg.OnOutbox != nil {
		e.cfg.OnOutbox()
	}
	return nil
}

// applied returns snap as it stands after pl was committed.
func applied(snap *store.Snapshot, pl *plan) *store.Snapshot {
	out := &store.Snapshot{Payment: pl.p, Refunds: make([]store.Refund, 0, len(snap.Refunds)+len(pl.newRefunds))}
	for _, r := range snap.Refunds {
		for _, u := range pl.updRefunds {
			if u.ID == r.ID {
				r = u
			}
		}
		out.Refunds = append(out.Refunds, r)
	}
	out.Refunds = append(out.Refunds, pl.newRefunds...)
	out.Captures = make([]store.Capture, 0, len(snap.Captures)+len(pl.newCaps))
	for _, c := range snap.Captures {
		for _, u := range pl.updCaps {
			if u.ID == c.ID {
				c = u
			}
		}
		out.Captures = append(out.Captures, c)
	}
	out.Captures = append(out.Captures, pl.newCaps...)
	return out
}

func (e *Engine) loadError(err error, paymentID string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errorf(CodePaymentNotFound, "no payment %s", paymentID)
	}
	return e.internal(err, "load payment %s", paymentID)
}

// internal wraps a store or bug error: the caller sees CodeInternal (an
// unknown outcome), the cause stays available to logs through Unwrap.
func (e *Engine) internal(err error, format string, args ...any) error {
	var ee *Error
	if errors.As(err, &ee) {
		return err
	}
	return &Error{Code: CodeInternal, Message: fmt.Sprintf(format, args...), Err: err}
}

// view converts a stored payment, with the captures snap holds, to the
// engine's answer.
func (e *Engine) view(snap *store.Snapshot) (Payment, error) {
	p, err := paymentFromRecord(&snap.Payment)
	if err != nil {
		return Payment{}, &Error{Code: CodeInternal, Message: "stored payment is corrupt", Err: err}
	}
	for i := range snap.Captures {
		c, err := captureView(&snap.Captures[i])
		if err != nil {
			return Payment{}, err
		}
		p.Captures = append(p.Captures, c)
	}
	return p, nil
}

func captureView(c *store.Capture) (Capture, error) {
	v, err := captureFromRecord(c)
	if err != nil {
		return Capture{}, &Error{Code: CodeInternal, Message: "stored capture is corrupt", Err: err}
	}
	return v, nil
}

func findCapture(snap *store.Snapshot, captureID string) *store.Capture {
	for i := range snap.Captures {
		if snap.Captures[i].ID == captureID {
			return &snap.Captures[i]
		}
	}
	return nil
}

func refundView(r *store.Refund) (Refund, error) {
	v, err := refundFromRecord(r)
	if err != nil {
		return Refund{}, &Error{Code: CodeInternal, Message: "stored refund is corrupt", Err: err}
	}
	return v, nil
}

func findRefund(snap *store.Snapshot, refundID string) *store.Refund {
	for i := range snap.Refunds {
		if snap.Refunds[i].ID == refundID {
			return &snap.Refunds[i]
		}
	}
	return nil
}
