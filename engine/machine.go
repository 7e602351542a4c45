package engine

import (
	"fmt"

	"github.com/looplab/fsm"
)

// PaymentEvent names a payment transition of the state machine.
type PaymentEvent uint8

// The payment events, in declaration order.
const (
	EventOpenDebit          PaymentEvent = iota // pay, synchronous scenario: created with a debit in flight
	EventAccept                                 // pay, the user must act: created waiting for the user
	EventConfirm                                // the user approved on the cashier: debit in flight
	EventDebitSucceeded                         // the funds port debited the user
	EventDebitDeclined                          // the funds port refused the debit (synchronous scenario)
	EventConfirmDeclined                        // the funds port refused a cashier debit: the user may try again
	EventDebitSucceededLate                     // the debit succeeded at or after expiry: closed and reversed
	EventFail                                   // the wallet failed the payment while the user had not paid
	EventCancel                                 // the merchant cancelled an unpaid payment
	EventExpire                                 // the payment's expiry time passed while unpaid
	EventReverse                                // a paid payment's cancel reversal credited the user back
	EventOpenHold                               // authorization pay, synchronous scenario: created with a hold in flight
	EventHoldPlaced                             // the funds port placed the hold: authorized, awaiting captures
	EventHoldDeclined                           // the funds port refused the hold (synchronous scenario)
	EventHoldPlacedLate                         // the hold was placed at or after expiry: closed and released
	EventCaptureComplete                        // the authorization is done: captured in full, or its last capture, void or expiry released the rest
	EventVoid                                   // the merchant cancelled an authorization nothing was captured from: released
	EventAuthExpire                             // an authorization nothing was captured from expired: released
	paymentEventCount
)

var paymentEventNames = [paymentEventCount]string{
	"open_debit", "accept", "confirm", "debit_succeeded", "debit_declined", "confirm_declined",
	"debit_succeeded_late", "fail", "cancel", "expire", "reverse",
	"open_hold", "hold_placed", "hold_declined", "hold_placed_late", "capture_complete", "void", "auth_expire",
}

// String returns the event's name in the declaration, e.g. "confirm".
func (e PaymentEvent) String() string { return enumName(paymentEventNames[:], int(e)) }

// RefundEvent names a refund transition of the state machine.
type RefundEvent uint8

// The refund events, in declaration order.
const (
	EventOpenCredit      RefundEvent = iota // refund accepted: credit back to the user in flight
	EventCreditSucceeded                    // the funds port credited the user
	EventCreditDeclined                     // the funds port refused the credit
	EventReject                             // refund refused before any money moved (window, amount, state, currency)
	refundEventCount
)

var refundEventNames = [refundEventCount]string{"open_credit", "credit_succeeded", "credit_declined", "reject"}

// String returns the event's name in the declaration, e.g. "credit_succeeded".
func (e RefundEvent) String() string { return enumName(refundEventNames[:], int(e)) }

// CaptureEvent names a capture transition of the state machine.
type CaptureEvent uint8

// The capture events, in declaration order.
const (
	EventOpenCapture      CaptureEvent = iota // capture accepted: the capture from the hold is in flight
	EventCaptureSucceeded                     // the funds port captured from the hold
	EventCaptureDeclined                      // the funds port refused the capture
	EventRejectCapture                        // capture refused before any money moved (amount, state, expiry, currency)
	captureEventCount
)

var captureEventNames = [captureEventCount]string{"open_capture", "capture_succeeded", "capture_declined", "reject_capture"}

// String returns the event's name in the declaration, e.g. "capture_succeeded".
func (e CaptureEvent) String() string { return enumName(captureEventNames[:], int(e)) }

// PaymentTransitions is the single source of truth for how a payment moves:
// every event with the states it may leave and the state it enters. The
// engine compiles it into a dense table at start-up; docs/state-machine.md
// is generated from it.
var PaymentTransitions = fsm.Events{
	{Name: "open_debit", Src: []string{"NEW"}, Dst: "INIT"},
	{Name: "accept", Src: []string{"NEW"}, Dst: "ACCEPT"},
	{Name: "confirm", Src: []string{"ACCEPT"}, Dst: "INIT"},
	{Name: "debit_succeeded", Src: []string{"INIT"}, Dst: "SUCCESS"},
	{Name: "debit_declined", Src: []string{"INIT"}, Dst: "FAIL"},
	{Name: "confirm_declined", Src: []string{"INIT"}, Dst: "ACCEPT"},
	{Name: "debit_succeeded_late", Src: []string{"INIT"}, Dst: "CLOSED"},
	{Name: "fail", Src: []string{"ACCEPT"}, Dst: "FAIL"},
	{Name: "cancel", Src: []string{"ACCEPT"}, Dst: "CLOSED"},
	{Name: "expire", Src: []string{"ACCEPT"}, Dst: "CLOSED"},
	{Name: "reverse", Src: []string{"SUCCESS"}, Dst: "CLOSED"},
	{Name: "open_hold", Src: []string{"NEW"}, Dst: "INIT"},
	{Name: "hold_placed", Src: []string{"INIT"}, Dst: "AUTHORIZED"},
	{Name: "hold_declined", Src: []string{"INIT"}, Dst: "FAIL"},
	{Name: "hold_placed_late", Src: []string{"INIT"}, Dst: "CLOSED"},
	{Name: "capture_complete", Src: []string{"AUTHORIZED"}, Dst: "SUCCESS"},
	{Name: "void", Src: []string{"AUTHORIZED"}, Dst: "CLOSED"},
	{Name: "auth_expire", Src: []string{"AUTHORIZED"}, Dst: "CLOSED"},
}

// RefundTransitions is the single source of truth for how a refund moves.
var RefundTransitions = fsm.Events{
	{Name: "open_credit", Src: []string{"NEW"}, Dst: "INIT"},
	{Name: "credit_succeeded", Src: []string{"INIT"}, Dst: "SUCCESS"},
	{Name: "credit_declined", Src: []string{"INIT"}, Dst: "FAIL"},
	{Name: "reject", Src: []string{"NEW"}, Dst: "FAIL"},
}

// CaptureTransitions is the single source of truth for how a capture
// from an authorization moves.
var CaptureTransitions = fsm.Events{
	{Name: "open_capture", Src: []string{"NEW"}, Dst: "INIT"},
	{Name: "capture_succeeded", Src: []string{"INIT"}, Dst: "SUCCESS"},
	{Name: "capture_declined", Src: []string{"INIT"}, Dst: "FAIL"},
	{Name: "reject_capture", Src: []string{"NEW"}, Dst: "FAIL"},
}

// transitionTable is a compiled declaration: next[state][event] is the
// destination state plus one, or 0 when the event is not allowed there.
type transitionTable struct {
	next [][]uint8
}

func (t *transitionTable) lookup(state, event int) (int, bool) {
	if state >= len(t.next) || event >= len(t.next[state]) {
		return 0, false
	}
	d := t.next[state][event]
	return int(d) - 1, d != 0
}

// compileTransitions turns a looplab/fsm declaration into a dense table over
// the given state and event names, failing on any name it does not know, on
// an event declared twice and on two destinations for one (state, event).
func compileTransitions(events fsm.Events, states, eventNames []string) (*transitionTable, error) {
	t := &transitionTable{next: make([][]uint8, len(states))}
	for i := range t.next {
		t.next[i] = make([]uint8, len(eventNames))
	}
	seen := make(map[string]bool, len(events))
	for _, e := range events {
		if seen[e.Name] {
			return nil, fmt.Errorf("event %q declared twice", e.Name)
		}
		seen[e.Name] = true
		ev, ok := enumIndex(eventNames, e.Name)
		if !ok {
			return nil, fmt.Errorf("event %q has no engine constant", e.Name)
		}
		dst, ok := enumIndex(states, e.Dst)
		if !ok {
			return nil, fmt.Errorf("event %q: unknown destination state %q", e.Name, e.Dst)
		}
		for _, src := range e.Src {
			s, ok := enumIndex(states, src)
			if !ok {
				return nil, fmt.Errorf("event %q: unknown source state %q", e.Name, src)
			}
			t.next[s][ev] = uint8(dst + 1)
		}
	}
	if len(seen) != len(eventNames) {
		return nil, fmt.Errorf("%d events declared, engine knows %d", len(seen), len(eventNames))
	}
	return t, nil
}

// The compiled tables, built once when the package loads. A declaration that
// does not compile is a programming error caught by every test run.
var (
	paymentTable = mustCompile(PaymentTransitions, paymentStateNames[:], paymentEventNames[:])
	refundTable  = mustCompile(RefundTransitions, refundStateNames[:], refundEventNames[:])
	captureTable = mustCompile(CaptureTransitions, captureStateNames[:], captureEventNames[:])
)

func mustCompile(events fsm.Events, states, eventNames []string) *transitionTable {
	t, err := compileTransitions(events, states, eventNames)
	if err != nil {
		panic("engine: state machine declaration: " + err.Error())
	}
	return t
}

// NextPaymentState returns the state event leads to from s, and false when
// the declaration does not allow event in s.
func NextPaymentState(s PaymentState, event PaymentEvent) (PaymentState, bool) {
	d, ok := paymentTable.lookup(int(s), int(event))
	return PaymentState(d), ok
}

// NextRefundState returns the state event leads to from s, and false when
// the declaration does not allow event in s.
func NextRefundState(s RefundState, event RefundEvent) (RefundState, bool) {
	d, ok := refundTable.lookup(int(s), int(event))
	return RefundState(d), ok
}

// NextCaptureState returns the state event leads to from s, and false when
// the declaration does not allow event in s.
func NextCaptureState(s CaptureState, event CaptureEvent) (CaptureState, bool) {
	d, ok := captureTable.lookup(int(s), int(event))
	return CaptureState(d), ok
}
