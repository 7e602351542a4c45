package enginetest

import (
	"context"
	"errors"
	"fmt"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

// The checkers below are paystate's invariants, each written once, over what a
// store holds. Every test that holds a store against a rule calls them: the
// property test after every step, the scenarios after every command, the
// concurrency tests on every commit, the store suite of RunStore, the
// PostgreSQL two-pool test on every snapshot a reader gets, and the crash
// drills after every kill. Each returns nil or an error naming the payment
// and what is wrong, and never fails a test itself, so that it can run in
// any goroutine or under rapid.

var (
	stateSuccess = engine.PaymentSuccess.String()
	stateFail    = engine.PaymentFail.String()
	stateClosed  = engine.PaymentClosed.String()
	refundInit   = engine.RefundInit.String()
	refundOK     = engine.RefundSuccess.String()
	refundFailed = engine.RefundFail.String()
)

// CheckRefunds reports how a payment's snapshot breaks the refund rule, or
// nil. The rule: the successful refunds plus the refunds in flight (INIT)
// never exceed the paid amount; RefundedAmount is the sum of the
// successful refunds and HeldAmount the sum of the refunds in flight, plus
// the whole amount while a reversal is in flight; RefundCount is the
// number of its refunds; every
// refund that did not fail is in the payment's currency and refunds a
// SUCCESS payment. It reads nothing but snap, so it holds for every
// snapshot a reader gets, at any instant, under any concurrency.
func CheckRefunds(snap store.Snapshot) error {
	p := snap.Payment
	var succeeded, inFlight int64
	for _, r := range snap.Refunds {
		switch r.Status {
		case refundOK:
			succeeded += r.Amount
		case refundInit:
			inFlight += r.Amount
		case refundFailed:
			continue
		default:
			return fmt.Errorf("payment %s v%d: refund %s has status %q", p.ID, p.Version, r.ID, r.Status)
		}
		if r.Currency != p.Currency {
			return fmt.Errorf("payment %s v%d: %s refund %s in %s, payment in %s", p.ID, p.Version, r.Status, r.ID, r.Currency, p.Currency)
		}
		if p.Status != stateSuccess {
			return fmt.Errorf("payment %s v%d is %s but has the %s refund %s", p.ID, p.Version, p.Status, r.Status, r.ID)
		}
	}
	held := inFlight
	if p.PendingOp == engine.PendingReversal {
		held += p.Amount
	}
	switch {
	case succeeded+inFlight > p.Amount:
		return fmt.Errorf("payment %s v%d: successful refunds %d + in flight %d exceed the paid %d", p.ID, p.Version, succeeded, inFlight, p.Amount)
	case p.RefundedAmount != succeeded:
		return fmt.Errorf("payment %s v%d: refunded %d, successful refunds sum to %d", p.ID, p.Version, p.RefundedAmount, succeeded)
	case p.HeldAmount != held:
		return fmt.Errorf("payment %s v%d: held %d, refunds in flight sum to %d (pending %q)", p.ID, p.Version, p.HeldAmount, inFlight, p.PendingOp)
	case p.RefundCount != len(snap.Refunds):
		return fmt.Errorf("payment %s v%d: counts %d refunds, has %d", p.ID, p.Version, p.RefundCount, len(snap.Refunds))
	}
	return nil
}

// CheckNotifications reports how a payment's outbox breaks the
// notification part of the atomicity rule, or nil. The rule for the
// payment: with a notify URL it has exactly one payment_result message
// once its result is final, none before and never a second; the result is
// SUCCESS once it was paid (even if a cancel reversed it later: cancels are
// not notified) and FAIL when it failed or expired unpaid (a merchant's
// cancel of an unpaid payment is not notified); the message carries the
// payment's amount and, for FAIL, its fail reason. Without a notify URL it
// has no such message. The rule for each refund (checked by
// checkRefundNotifications): one refund_result message once it left
// flight, when it has a notify URL; none otherwise. events is the
// payment's history, which tells a refund that was in flight from one
// refused at once.
func CheckNotifications(snap store.Snapshot, events []store.Event, msgs []store.OutboxMessage) error {
	p := snap.Payment
	var results []store.OutboxMessage
	refundMsgs := make(map[string][]store.OutboxMessage)
	for _, m := range msgs {
		if m.Kind == engine.OutboxKindRefundResult {
			refundMsgs[m.RefundID] = append(refundMsgs[m.RefundID], m)
			continue
		}
		results = append(results, m)
	}
	return errors.Join(checkPaymentNotification(p, results), checkRefundNotifications(snap, events, refundMsgs))
}

func checkPaymentNotification(p store.Payment, msgs []store.OutboxMessage) error {
	want := ""
	switch {
	case p.NotifyURL == "":
	case !p.PaidAt.IsZero():
		want = stateSuccess
	case p.Status == stateFail, p.Status == stateClosed && p.FailReason == engine.CodeExpired.String():
		want = stateFail
	}
	if want == "" {
		if len(msgs) > 0 {
			return fmt.Errorf("payment %s (%s, %q): %d notifications, want none", p.ID, p.Status, p.FailReason, len(msgs))
		}
		return nil
	}
	if len(msgs) != 1 {
		return fmt.Errorf("payment %s (%s, %q): %d notifications, want one %s", p.ID, p.Status, p.FailReason, len(msgs), want)
	}
	m := msgs[0]
	switch {
	case m.Kind != engine.OutboxKindPaymentResult || m.Status != want:
		return fmt.Errorf("payment %s (%s, %q): notified %s %s, want payment_result %s", p.ID, p.Status, p.FailReason, m.Kind, m.Status, want)
	case m.Currency != p.Currency || m.Amount != p.Amount:
		return fmt.Errorf("payment %s: notified %d %s, payment of %d %s", p.ID, m.Amount, m.Currency, p.Amount, p.Currency)
	case want == stateFail && m.FailReason != p.FailReason:
		return fmt.Errorf("payment %s: notified fail reason %q, payment failed with %q", p.ID, m.FailReason, p.FailReason)
	}
	return nil
}

// checkRefundNotifications checks the refund_result messages of snap's
// refunds, by refund id.
func checkRefundNotifications(snap store.Snapshot, events []store.Event, byRefund map[string][]store.OutboxMessage) error {
	inFlight := make(map[string]bool)
	for _, e := range events {
		if e.RefundID != "" && e.To == refundInit {
			inFlight[e.RefundID] = true
		}
	}
	var errs []error
	for _, r := range snap.Refunds {
		msgs := byRefund[r.ID]
		delete(byRefund, r.ID)
		final := r.Status == refundOK || r.Status == refundFailed
		if r.NotifyURL == "" || !final || !inFlight[r.ID] {
			if len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("refund %s (%s, url %q): %d notifications, want none", r.ID, r.Status, r.NotifyURL, len(msgs)))
			}
			continue
		}
		if len(msgs) != 1 {
			errs = append(errs, fmt.Errorf("refund %s (%s): %d notifications, want one", r.ID, r.Status, len(msgs)))
			continue
		}
		m := msgs[0]
		switch {
		case m.Status != r.Status || m.RefundRequestID != r.RequestID || m.NotifyURL != r.NotifyURL:
			errs = append(errs, fmt.Errorf("refund %s (%s, %s): notified %s for %s to %s", r.ID, r.Status, r.RequestID, m.Status, m.RefundRequestID, m.NotifyURL))
		case m.Currency != r.Currency || m.Amount != r.Amount:
			errs = append(errs, fmt.Errorf("refund %s: notified %d %s, refund of %d %s", r.ID, m.Amount, m.Currency, r.Amount, r.Currency))
		case m.FailReason != r.FailReason:
			errs = append(errs, fmt.Errorf("refund %s: notified fail reason %q, refund has %q", r.ID, m.FailReason, r.FailReason))
		}
	}
	for id, msgs := range byRefund {
		errs = append(errs, fmt.Errorf("payment %s: %d notifications of refund %s, which it does not have", snap.Payment.ID, len(msgs), id))
	}
	return errors.Join(errs...)
}

// CheckHistory reports how a payment's history breaks the history part of
// the atomicity rule, or nil. The rule: every commit writes at least one
// event, numbered with the version it produces, so the events are in Seq
// order, the last one carries the payment's version, and the last event of
// the payment itself (not of a refund) ends in the payment's status.
func CheckHistory(p store.Payment, events []store.Event) error {
	if len(events) == 0 {
		return fmt.Errorf("payment %s v%d (%s) has no history", p.ID, p.Version, p.Status)
	}
	var last *store.Event
	for i := range events {
		e := &events[i]
		if i > 0 && e.Seq < events[i-1].Seq {
			return fmt.Errorf("payment %s: event %d (%s, seq %d) after seq %d", p.ID, i, e.Name, e.Seq, events[i-1].Seq)
		}
		if e.RefundID == "" {
			last = e
		}
	}
	if got := events[len(events)-1].Seq; got != p.Version {
		return fmt.Errorf("payment %s is at version %d but its last event has seq %d", p.ID, p.Version, got)
	}
	if last == nil || last.To != p.Status {
		return fmt.Errorf("payment %s is %s but its history ends in %+v", p.ID, p.Status, last)
	}
	return nil
}

// CheckExpiry reports how a payment breaks the expiry part of the
// final-state rule, or nil. The rule: nothing succeeds at or after its expiry time,
// so a payment that was paid was paid before it.
func CheckExpiry(p store.Payment) error {
	if !p.PaidAt.IsZero() && !p.PaidAt.Before(p.ExpiresAt) {
		return fmt.Errorf("payment %s paid at %s, at or after its expiry %s", p.ID, p.PaidAt, p.ExpiresAt)
	}
	return nil
}

// CheckPayment loads a payment, its history and its outbox from st and
// runs CheckRefunds, CheckExpiry, CheckNotifications and CheckHistory on
// them: every rule a store must keep for a payment at rest, whatever
// happened to the process that wrote it.
func CheckPayment(ctx context.Context, st store.Store, paymentID string) error {
	snap, err := st.GetPayment(ctx, paymentID)
	if err != nil {
		return fmt.Errorf("payment %s: %w", paymentID, err)
	}
	events, err := st.History(ctx, paymentID)
	if err != nil {
		return fmt.Errorf("payment %s: history: %w", paymentID, err)
	}
	msgs, err := st.Outbox(ctx, paymentID)
	if err != nil {
		return fmt.Errorf("payment %s: outbox: %w", paymentID, err)
	}
	return errors.Join(CheckRefunds(snap), CheckExpiry(snap.Payment),
		CheckNotifications(snap, events, msgs), CheckHistory(snap.Payment, events))
}

// Moved returns the user a memfunds ledger moved money for a payment from
// or to, and the net minor units it took from them: the payment's debits
// and reversals (operation ids "<payment id>-1" to "-<OpCount>") minus its
// refunds' credits (operation id the refund id). The user is "" when the
// ledger moved nothing.
func Moved(snap store.Snapshot, ledger *memfunds.Ledger) (user string, net int64) {
	add := func(opID string) {
		u, m := ledger.Applied(opID)
		if u != "" {
			user = u
		}
		net += m
	}
	for n := 1; n <= snap.Payment.OpCount; n++ {
		add(fmt.Sprintf("%s-%d", snap.Payment.ID, n))
	}
	for _, r := range snap.Refunds {
		add(r.ID)
	}
	return user, net
}

// CheckFunds reports how the money a memfunds ledger moved for a payment
// disagrees with the payment's records, or nil. The rule: a successful
// refund was credited to the payer exactly once; a failed one credited
// nothing; one in flight credited nothing or exactly its amount (its
// answer may have been lost); and once nothing is in flight (no pending
// operation, no refund in INIT) the ledger kept exactly what the payment
// says the wallet kept: the amount minus the refunds when SUCCESS, nothing
// otherwise.
func CheckFunds(snap store.Snapshot, ledger *memfunds.Ledger) error {
	p := snap.Payment
	settled := p.PendingOp == ""
	for _, r := range snap.Refunds {
		user, net := ledger.Applied(r.ID)
		credited := -net
		switch {
		case r.Status == refundOK && (credited != r.Amount || user != p.UserID):
			return fmt.Errorf("payment %s: refund %s of %d succeeded, the ledger credited %d to %q (payer %q)", p.ID, r.ID, r.Amount, credited, user, p.UserID)
		case r.Status == refundFailed && credited != 0:
			return fmt.Errorf("payment %s: refund %s failed, the ledger credited %d", p.ID, r.ID, credited)
		case r.Status == refundInit && credited != 0 && credited != r.Amount:
			return fmt.Errorf("payment %s: refund %s of %d in flight, the ledger credited %d", p.ID, r.ID, r.Amount, credited)
		}
		settled = settled && r.Status != refundInit
	}
	if !settled {
		return nil
	}
	want := int64(0)
	if p.Status == stateSuccess {
		want = p.Amount - p.RefundedAmount
	}
	if _, got := Moved(snap, ledger); got != want {
		return fmt.Errorf("payment %s (%s, refunded %d): the ledger kept %d, want %d", p.ID, p.Status, p.RefundedAmount, got, want)
	}
	return nil
}
