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
	stateAuth    = engine.PaymentAuthorized.String()
	captureInit  = engine.CaptureInit.String()
	captureOK    = engine.CaptureSuccess.String()
	captureFail  = engine.CaptureFail.String()
)

// paid is what a payment's refunds may give back: the amount, or for an
// authorization what was captured.
func paid(p *store.Payment) int64 {
	if p.Authorization {
		return p.CapturedAmount
	}
	return p.Amount
}

// CheckRefunds reports how a payment's snapshot breaks the refund rule, or
// nil. The rule: the successful refunds plus the refunds in flight (INIT)
// never exceed the paid amount (an authorization's captured money);
// RefundedAmount is the sum of the successful refunds and HeldAmount the
// sum of the refunds in flight, plus what was paid while a reversal is in
// flight; RefundCount is the number of its refunds; every refund that did
// not fail is in the payment's currency and refunds a SUCCESS payment or
// an AUTHORIZED authorization. It reads nothing but snap, so it holds for every
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
		if p.Status != stateSuccess && (p.Status != stateAuth || !p.Authorization) {
			return fmt.Errorf("payment %s v%d is %s but has the %s refund %s", p.ID, p.Version, p.Status, r.Status, r.ID)
		}
	}
	held := inFlight
	if p.PendingOp == engine.PendingReversal {
		held += paid(&p)
	}
	switch {
	case succeeded+inFlight > paid(&p):
		return fmt.Errorf("payment %s v%d: successful refunds %d + in flight %d exceed the paid %d", p.ID, p.Version, succeeded, inFlight, paid(&p))
	case p.RefundedAmount != succeeded:
		return fmt.Errorf("payment %s v%d: refunded %d, successful refunds sum to %d", p.ID, p.Version, p.RefundedAmount, succeeded)
	case p.HeldAmount != held:
		return fmt.Errorf("payment %s v%d: held %d, refunds in flight sum to %d (pending %q)", p.ID, p.Version, p.HeldAmount, inFlight, p.PendingOp)
	case p.RefundCount != len(snap.Refunds):
		return fmt.Errorf("payment %s v%d: counts %d refunds, has %d", p.ID, p.Version, p.RefundCount, len(snap.Refunds))
	}
	return nil
}

// CheckCaptures reports how a payment's snapshot breaks the capture rule,
// or nil. The rule: the succeeded captures plus those in flight never
// exceed the authorized amount; CapturedAmount and CapturingAmount are
// their sums and CaptureCount the number of captures; only an
// authorization has captures that did not fail, in its currency; a last
// capture in flight (LastCaptureID) is the only capture in flight; an
// AUTHORIZED payment has its hold, and a completed one (SUCCESS) was
// captured in full or ended with captured money. Like CheckRefunds it
// reads nothing but snap.
func CheckCaptures(snap store.Snapshot) error {
	p := snap.Payment
	var captured, capturing int64
	var inFlight []string
	for _, c := range snap.Captures {
		switch c.Status {
		case captureOK:
			captured += c.Amount
		case captureInit:
			capturing += c.Amount
			inFlight = append(inFlight, c.ID)
		case captureFail:
			continue
		default:
			return fmt.Errorf("payment %s v%d: capture %s has status %q", p.ID, p.Version, c.ID, c.Status)
		}
		if !p.Authorization || c.Currency != p.Currency {
			return fmt.Errorf("payment %s v%d (authorization %v, %s): %s capture %s in %s", p.ID, p.Version, p.Authorization, p.Currency, c.Status, c.ID, c.Currency)
		}
	}
	switch {
	case captured+capturing > p.Amount:
		return fmt.Errorf("payment %s v%d: captured %d + capturing %d exceed the authorized %d", p.ID, p.Version, captured, capturing, p.Amount)
	case p.CapturedAmount != captured || p.CapturingAmount != capturing:
		return fmt.Errorf("payment %s v%d: records captured %d capturing %d, captures sum to %d and %d", p.ID, p.Version, p.CapturedAmount, p.CapturingAmount, captured, capturing)
	case p.CaptureCount != len(snap.Captures):
		return fmt.Errorf("payment %s v%d: counts %d captures, has %d", p.ID, p.Version, p.CaptureCount, len(snap.Captures))
	case p.LastCaptureID != "" && (len(inFlight) != 1 || inFlight[0] != p.LastCaptureID):
		return fmt.Errorf("payment %s v%d: last capture %s in flight beside %v", p.ID, p.Version, p.LastCaptureID, inFlight)
	case capturing > 0 && p.Status != stateAuth:
		return fmt.Errorf("payment %s v%d is %s with captures in flight", p.ID, p.Version, p.Status)
	case p.Status == stateAuth && (!p.Authorization || p.HoldID == "" || p.AuthorizedAt.IsZero() || p.AuthExpiresAt.IsZero()):
		return fmt.Errorf("payment %s v%d is AUTHORIZED without a hold (%q, authorized %s, expires %s)", p.ID, p.Version, p.HoldID, p.AuthorizedAt, p.AuthExpiresAt)
	case p.Authorization && p.Status == stateSuccess && captured == 0:
		return fmt.Errorf("payment %s v%d: a completed authorization with nothing captured", p.ID, p.Version)
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
	var results, expired []store.OutboxMessage
	refundMsgs := make(map[string][]store.OutboxMessage)
	captureMsgs := make(map[string][]store.OutboxMessage)
	for _, m := range msgs {
		switch {
		case m.Kind == engine.OutboxKindRefundResult:
			refundMsgs[m.RefundID] = append(refundMsgs[m.RefundID], m)
		case m.Kind == engine.OutboxKindCaptureResult:
			captureMsgs[m.CaptureID] = append(captureMsgs[m.CaptureID], m)
		case m.ID == p.ID+".expired":
			expired = append(expired, m)
		default:
			results = append(results, m)
		}
	}
	return errors.Join(checkPaymentNotification(p, results), checkAuthExpiredNotification(p, expired),
		checkRefundNotifications(snap, events, refundMsgs), checkCaptureNotifications(snap, events, captureMsgs))
}

// checkAuthExpiredNotification: an authorization that expired with
// nothing captured announces it once (FAIL, auth_expired), when it has a
// notify URL; no other payment has such a message.
func checkAuthExpiredNotification(p store.Payment, msgs []store.OutboxMessage) error {
	want := p.NotifyURL != "" && p.Status == stateClosed && p.FailReason == engine.CodeAuthExpired.String()
	switch {
	case !want && len(msgs) > 0:
		return fmt.Errorf("payment %s (%s, %q): %d expiry notifications, want none", p.ID, p.Status, p.FailReason, len(msgs))
	case want && (len(msgs) != 1 || msgs[0].Status != stateFail || msgs[0].FailReason != p.FailReason):
		return fmt.Errorf("payment %s: expired authorization has notifications %+v, want one FAIL auth_expired", p.ID, msgs)
	}
	return nil
}

// checkCaptureNotifications: a capture that left flight announces its
// result once when it asked to (Notify) and the payment has a notify
// URL; no other capture announces anything.
func checkCaptureNotifications(snap store.Snapshot, events []store.Event, byCapture map[string][]store.OutboxMessage) error {
	inFlight := make(map[string]bool)
	for _, e := range events {
		if e.RefundID != "" && e.To == captureInit {
			inFlight[e.RefundID] = true
		}
	}
	var errs []error
	for _, c := range snap.Captures {
		msgs := byCapture[c.ID]
		delete(byCapture, c.ID)
		final := c.Status == captureOK || c.Status == captureFail
		if !c.Notify || snap.Payment.NotifyURL == "" || !final || !inFlight[c.ID] {
			if len(msgs) > 0 {
				errs = append(errs, fmt.Errorf("capture %s (%s): %d notifications, want none", c.ID, c.Status, len(msgs)))
			}
			continue
		}
		if len(msgs) != 1 {
			errs = append(errs, fmt.Errorf("capture %s (%s): %d notifications, want one", c.ID, c.Status, len(msgs)))
			continue
		}
		if m := msgs[0]; m.Status != c.Status || m.CaptureRequestID != c.RequestID || m.Amount != c.Amount || m.FailReason != c.FailReason {
			errs = append(errs, fmt.Errorf("capture %s (%s %d %q): notified %s %d %q for %s", c.ID, c.Status, c.Amount, c.FailReason, m.Status, m.Amount, m.FailReason, m.CaptureRequestID))
		}
	}
	for id, msgs := range byCapture {
		errs = append(errs, fmt.Errorf("payment %s: %d notifications of capture %s, which it does not have", snap.Payment.ID, len(msgs), id))
	}
	return errors.Join(errs...)
}

func checkPaymentNotification(p store.Payment, msgs []store.OutboxMessage) error {
	want := ""
	switch {
	case p.NotifyURL == "":
	case p.Authorization && !p.AuthorizedAt.IsZero(): // an authorization's result is its hold
		want = stateSuccess
	case !p.Authorization && !p.PaidAt.IsZero():
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
// so a payment that was paid was paid before it, and an authorization was
// authorized before it (its captures come later, before its own
// AuthExpiresAt).
func CheckExpiry(p store.Payment) error {
	if p.Authorization {
		if !p.AuthorizedAt.IsZero() && (!p.AuthorizedAt.Before(p.ExpiresAt) || !p.AuthorizedAt.Before(p.AuthExpiresAt)) {
			return fmt.Errorf("authorization %s authorized at %s, at or after its expiry %s or %s", p.ID, p.AuthorizedAt, p.ExpiresAt, p.AuthExpiresAt)
		}
		return nil
	}
	if !p.PaidAt.IsZero() && !p.PaidAt.Before(p.ExpiresAt) {
		return fmt.Errorf("payment %s paid at %s, at or after its expiry %s", p.ID, p.PaidAt, p.ExpiresAt)
	}
	return nil
}

// CheckPayment loads a payment, its history and its outbox from st and
// runs CheckRefunds, CheckCaptures, CheckExpiry, CheckNotifications and CheckHistory on
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
	return errors.Join(CheckRefunds(snap), CheckCaptures(snap), CheckExpiry(snap.Payment),
		CheckNotifications(snap, events, msgs), CheckHistory(snap.Payment, events))
}

// Moved returns the user a memfunds ledger moved money for a payment from
// or to, and the net minor units it took from them: the payment's debits
// and reversals, holds and releases (operation ids "<payment id>-1" to
// "-<OpCount>") minus its refunds' credits (operation id the refund id);
// captures move nothing the payer could still reach. The user is "" when the
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
	settled := p.PendingOp == "" && p.CapturingAmount == 0
	if err := checkHold(snap, ledger, settled); err != nil {
		return err
	}
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
	switch {
	case p.Status == stateSuccess:
		want = paid(&p) - p.RefundedAmount
	case p.Status == stateAuth:
		want = p.Amount - p.RefundedAmount // the hold, less the captured money refunded
	}
	if _, got := Moved(snap, ledger); got != want {
		return fmt.Errorf("payment %s (%s, refunded %d): the ledger kept %d, want %d", p.ID, p.Status, p.RefundedAmount, got, want)
	}
	return nil
}

// checkHold compares an authorization's hold in a memfunds ledger with its
// records: every succeeded capture was captured from the hold exactly
// once, one in flight at most once; and, once nothing is in flight, an
// AUTHORIZED payment's hold is not released while any other
// authorization's hold has nothing left (released exactly once, or used
// up by its captures).
func checkHold(snap store.Snapshot, ledger *memfunds.Ledger, settled bool) error {
	p := snap.Payment
	if p.HoldID == "" {
		return nil
	}
	amount, captured, released, ok := ledger.HoldState(p.HoldID)
	if !ok {
		if p.Status == stateAuth {
			return fmt.Errorf("authorization %s: the ledger has no hold %s", p.ID, p.HoldID)
		}
		return nil
	}
	var inFlight int64
	for _, c := range snap.Captures {
		u, _ := ledger.Applied(c.ID)
		done := u != ""
		switch {
		case c.Status == captureOK && !done:
			return fmt.Errorf("authorization %s: capture %s succeeded, the ledger never applied it", p.ID, c.ID)
		case c.Status == captureFail && done:
			return fmt.Errorf("authorization %s: capture %s failed, the ledger applied it", p.ID, c.ID)
		case c.Status == captureInit:
			inFlight += c.Amount
		}
	}
	switch {
	case amount != p.Amount:
		return fmt.Errorf("authorization %s of %d: the ledger holds %d", p.ID, p.Amount, amount)
	case captured < p.CapturedAmount || captured > p.CapturedAmount+inFlight:
		return fmt.Errorf("authorization %s: captured %d (%d in flight), the ledger captured %d", p.ID, p.CapturedAmount, inFlight, captured)
	case !settled:
		return nil
	case p.Status == stateAuth && released:
		return fmt.Errorf("authorization %s is AUTHORIZED but its hold was released", p.ID)
	case p.Status != stateAuth && !released && captured != amount:
		return fmt.Errorf("authorization %s is %s but its hold still has %d", p.ID, p.Status, amount-captured)
	}
	return nil
}
