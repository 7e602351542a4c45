package engine

import (
	"strconv"
	"time"

	"github.com/paystate/paystate/store"
)

// plan is the pure output of one decision: the payment as it will be, the
// refunds to insert or replace, the history and the notifications, ready to
// become one store.Change. Deciding code builds a plan from values and
// returns it; it does no I/O.
type plan struct {
	now        time.Time
	expected   int64
	p          store.Payment
	newRefunds []store.Refund
	updRefunds []store.Refund
	newCaps    []store.Capture
	updCaps    []store.Capture
	events     []store.Event
	outbox     []store.OutboxMessage
	counters   []store.CounterDelta
	machine    transitioner
	// followUps are funds operations this plan opened that nobody else
	// will issue: the caller that commits it with updateAndFollow calls
	// them at once (otherwise the reconciler finds them).
	followUps []followUp
}

// followUp names a funds operation a committed plan opened: the
// payment's pending reversal or release, or capture captureID.
type followUp struct {
	pending   string
	captureID string
}

// transitioner answers whether an event is allowed in a state and where it
// leads. The engine uses the compiled tables; the benchmark swaps in a naive
// looplab/fsm object per call to measure what the tables save.
type transitioner interface {
	payment(from PaymentState, ev PaymentEvent) (PaymentState, bool)
	refund(from RefundState, ev RefundEvent) (RefundState, bool)
	capture(from CaptureState, ev CaptureEvent) (CaptureState, bool)
}

type compiledMachine struct{}

func (compiledMachine) payment(from PaymentState, ev PaymentEvent) (PaymentState, bool) {
	return NextPaymentState(from, ev)
}

func (compiledMachine) refund(from RefundState, ev RefundEvent) (RefundState, bool) {
	return NextRefundState(from, ev)
}

func (compiledMachine) capture(from CaptureState, ev CaptureEvent) (CaptureState, bool) {
	return NextCaptureState(from, ev)
}

// newPaymentPlan starts a plan that creates payment p.
func newPaymentPlan(m transitioner, p store.Payment, now time.Time) *plan {
	p.Version = 1
	p.CreatedAt, p.UpdatedAt = now, now
	p.Status = PaymentNew.String()
	return &plan{now: now, p: p, machine: m}
}

// updatePlan starts a plan that changes the payment of snap.
func updatePlan(m transitioner, snap *store.Snapshot, now time.Time) *plan {
	p := snap.Payment
	p.Version++
	p.UpdatedAt = now
	return &plan{now: now, expected: snap.Payment.Version, p: p, machine: m}
}

func (pl *plan) change() store.Change {
	return store.Change{
		Payment: pl.p, ExpectedVersion: pl.expected,
		NewRefunds: pl.newRefunds, UpdatedRefunds: pl.updRefunds,
		NewCaptures: pl.newCaps, UpdatedCaptures: pl.updCaps,
		Events: pl.events, Outbox: pl.outbox, Counters: pl.counters,
	}
}

func paymentState(p *store.Payment) PaymentState {
	i, _ := enumIndex(paymentStateNames[:], p.Status)
	return PaymentState(i)
}

func refundState(r *store.Refund) RefundState {
	i, _ := enumIndex(refundStateNames[:], r.Status)
	return RefundState(i)
}

func captureState(c *store.Capture) CaptureState {
	i, _ := enumIndex(captureStateNames[:], c.Status)
	return CaptureState(i)
}

// move applies a payment event, or fails with CodeOrderStatusInvalid when
// the declaration does not allow it in the current state.
func (pl *plan) move(ev PaymentEvent, detail string) error {
	from := paymentState(&pl.p)
	to, ok := pl.machine.payment(from, ev)
	if !ok {
		return errorf(CodeOrderStatusInvalid, "payment %s is %s: %s not allowed", pl.p.ID, from, ev)
	}
	pl.p.Status = to.String()
	if to.Final() {
		pl.p.ClosedAt = pl.now
	}
	if to.Final() || ev == EventConfirmDeclined {
		pl.releaseUsage() // a payment that failed or was closed holds no room
	}
	pl.events = append(pl.events, store.Event{
		PaymentID: pl.p.ID, Seq: pl.p.Version, At: pl.now,
		Name: ev.String(), From: from.String(), To: to.String(), Detail: detail,
	})
	return nil
}

// moveRefund applies a refund event to r.
func (pl *plan) moveRefund(r *store.Refund, ev RefundEvent, detail string) error {
	from := refundState(r)
	to, ok := pl.machine.refund(from, ev)
	if !ok {
		return errorf(CodeOrderStatusInvalid, "refund %s is %s: %s not allowed", r.ID, from, ev)
	}
	r.Status = to.String()
	r.UpdatedAt = pl.now
	if to != RefundInit {
		r.FinishedAt = pl.now
	}
	pl.events = append(pl.events, store.Event{
		PaymentID: pl.p.ID, RefundID: r.ID, Seq: pl.p.Version, At: pl.now,
		Name: ev.String(), From: from.String(), To: to.String(), Detail: detail,
	})
	if from == RefundInit {
		pl.notifyRefundResult(r)
	}
	return nil
}

// moveCapture applies a capture event to c.
func (pl *plan) moveCapture(c *store.Capture, ev CaptureEvent, detail string) error {
	from := captureState(c)
	to, ok := pl.machine.capture(from, ev)
	if !ok {
		return errorf(CodeOrderStatusInvalid, "capture %s is %s: %s not allowed", c.ID, from, ev)
	}
	c.Status = to.String()
	c.UpdatedAt = pl.now
	if to != CaptureInit {
		c.FinishedAt = pl.now
		c.NextCheckAt = time.Time{}
	}
	pl.events = append(pl.events, store.Event{
		PaymentID: pl.p.ID, RefundID: c.ID, Seq: pl.p.Version, At: pl.now,
		Name: ev.String(), From: from.String(), To: to.String(), Detail: detail,
	})
	if from == CaptureInit {
		pl.notifyCaptureResult(c)
	}
	return nil
}

// note records a history entry that changes no state (a reconciler check,
// a reversal starting).
func (pl *plan) note(name, detail string) {
	s := pl.p.Status
	pl.events = append(pl.events, store.Event{
		PaymentID: pl.p.ID, Seq: pl.p.Version, At: pl.now, Name: name, From: s, To: s, Detail: detail,
	})
}

// fail records why the payment did not succeed.
func (pl *plan) fail(code Code, message string) {
	pl.p.FailReason = codeToRecord(code)
	pl.p.FailMessage = message
}

// startOp marks a funds operation in flight and returns its operation id.
// The reconciler first asks about it after the first scheduled delay.
func (pl *plan) startOp(kind string, firstCheck time.Duration) string {
	pl.p.OpCount++
	pl.p.PendingOp = kind
	pl.p.OpID = pl.p.ID + "-" + strconv.Itoa(pl.p.OpCount)
	pl.p.NextCheckAt = pl.now.Add(firstCheck)
	pl.p.CheckAttempts = 0
	if kind == PendingReversal || kind == PendingRelease {
		pl.followUps = append(pl.followUps, followUp{pending: kind})
	}
	return pl.p.OpID
}

func (pl *plan) endOp() {
	pl.p.PendingOp, pl.p.OpID = "", ""
	pl.p.NextCheckAt = time.Time{}
	pl.p.CheckAttempts = 0
}

// notifyResult queues the merchant's notifyPayment for the final result the
// payment just reached (SUCCESS, or FAIL for declines and expiry), when the
// merchant gave a notify URL. The message id is derived from the payment id,
// so it is stable and unique: a payment announces one result only.
func (pl *plan) notifyResult(status string) {
	if pl.p.NotifyURL == "" {
		return
	}
	at := pl.p.ClosedAt
	if status == PaymentSuccess.String() {
		at = pl.p.PaidAt
		if pl.p.Authorization {
			at = pl.p.AuthorizedAt // an authorization's result is the hold
		}
	}
	pl.outbox = append(pl.outbox, store.OutboxMessage{
		ID: pl.p.ID + ".result", PaymentID: pl.p.ID, PartnerID: pl.p.PartnerID, RequestID: pl.p.RequestID,
		Kind: OutboxKindPaymentResult, NotifyURL: pl.p.NotifyURL, Status: status,
		FailReason: pl.p.FailReason, FailMsg: pl.p.FailMessage,
		Currency: pl.p.Currency, Amount: pl.p.Amount,
		PaymentCreatedAt: pl.p.CreatedAt, PaymentTime: at, ExtendInfo: pl.p.ExtendInfo,
		CreatedAt: pl.now, NextAttemptAt: pl.now,
	})
}

// notifyRefundResult queues the merchant's notifyRefund for the final
// result refund r just reached from in flight (SUCCESS, or FAIL for a
// declined credit), when the refund request gave a notify URL. A refund
// refused by the rules never was in flight: its F answer, given at once
// and to every repeat, is its only announcement. The message id is derived
// from the refund id, so a refund announces one result only.
func (pl *plan) notifyRefundResult(r *store.Refund) {
	if r.NotifyURL == "" {
		return
	}
	pl.outbox = append(pl.outbox, store.OutboxMessage{
		ID: r.ID + ".result", PaymentID: pl.p.ID, PartnerID: pl.p.PartnerID, RequestID: pl.p.RequestID,
		Kind: OutboxKindRefundResult, NotifyURL: r.NotifyURL, Status: r.Status,
		FailReason: r.FailReason, FailMsg: r.FailMessage,
		Currency: r.Currency, Amount: r.Amount,
		PaymentCreatedAt: pl.p.CreatedAt, PaymentTime: r.FinishedAt,
		RefundID: r.ID, RefundRequestID: r.RequestID,
		CreatedAt: pl.now, NextAttemptAt: pl.now,
	})
}

// notifyCaptureResult queues the merchant's notifyCapture for the final
// result capture c just reached from in flight, when the authorization
// asked for capture notifications and has a notify URL. The message id is
// derived from the capture id: a capture announces one result only.
func (pl *plan) notifyCaptureResult(c *store.Capture) {
	if !c.Notify || pl.p.NotifyURL == "" {
		return
	}
	pl.outbox = append(pl.outbox, store.OutboxMessage{
		ID: c.ID + ".result", PaymentID: pl.p.ID, PartnerID: pl.p.PartnerID, RequestID: pl.p.RequestID,
		Kind: OutboxKindCaptureResult, NotifyURL: pl.p.NotifyURL, Status: c.Status,
		FailReason: c.FailReason, FailMsg: c.FailMessage,
		Currency: c.Currency, Amount: c.Amount,
		PaymentCreatedAt: pl.p.CreatedAt, PaymentTime: c.FinishedAt,
		CaptureID: c.ID, CaptureRequestID: c.RequestID,
		CreatedAt: pl.now, NextAttemptAt: pl.now,
	})
}

// notifyAuthExpired queues notifyPayment FAIL for an authorization that
// expired with nothing captured. Its result S ("authorized") was announced
// under the payment's own message id, so this one has its own.
func (pl *plan) notifyAuthExpired() {
	if pl.p.NotifyURL == "" {
		return
	}
	pl.outbox = append(pl.outbox, store.OutboxMessage{
		ID: pl.p.ID + ".expired", PaymentID: pl.p.ID, PartnerID: pl.p.PartnerID, RequestID: pl.p.RequestID,
		Kind: OutboxKindPaymentResult, NotifyURL: pl.p.NotifyURL, Status: PaymentFail.String(),
		FailReason: pl.p.FailReason, FailMsg: pl.p.FailMessage,
		Currency: pl.p.Currency, Amount: pl.p.Amount,
		PaymentCreatedAt: pl.p.CreatedAt, PaymentTime: pl.p.ClosedAt, ExtendInfo: pl.p.ExtendInfo,
		CreatedAt: pl.now, NextAttemptAt: pl.now,
	})
}
