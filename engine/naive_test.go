package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/looplab/fsm"
	"github.com/stretchr/testify/require"
)

// naiveMachine answers transitions the way code without the compiled tables
// would: a fresh looplab FSM per call with the callbacks such code hangs its
// work on (a guard before the event, a hook on entering the new state),
// SetState, Event, and the answer mapped back to the engine's enums. It is
// what the tables are measured against: one FSM object per payment on the
// hot path, the way docs/decisions.md (11) decided against.
type naiveMachine struct{}

var _ transitioner = naiveMachine{}

func (naiveMachine) payment(from PaymentState, ev PaymentEvent) (PaymentState, bool) {
	to, ok := naiveStep(PaymentTransitions, paymentStateNames[:], from.String(), ev.String())
	return PaymentState(to), ok
}

func (naiveMachine) refund(from RefundState, ev RefundEvent) (RefundState, bool) {
	to, ok := naiveStep(RefundTransitions, refundStateNames[:], from.String(), ev.String())
	return RefundState(to), ok
}

func (naiveMachine) capture(from CaptureState, ev CaptureEvent) (CaptureState, bool) {
	to, ok := naiveStep(CaptureTransitions, captureStateNames[:], from.String(), ev.String())
	return CaptureState(to), ok
}

func naiveStep(events fsm.Events, states []string, from, event string) (int, bool) {
	var entered string
	f := fsm.NewFSM(from, events, fsm.Callbacks{
		"before_event": func(_ context.Context, e *fsm.Event) {
			if e.Src != from {
				e.Cancel(errors.New("state moved"))
			}
		},
		"enter_state": func(_ context.Context, e *fsm.Event) { entered = e.Dst },
	})
	f.SetState(from)
	if !f.Can(event) {
		return 0, false
	}
	if err := f.Event(context.Background(), event); err != nil {
		var noTransition fsm.NoTransitionError
		if !errors.As(err, &noTransition) {
			return 0, false
		}
	}
	if entered != f.Current() {
		return 0, false
	}
	return enumIndex(states, entered)
}

// UseNaiveMachine makes e answer transitions the naive way, for the
// lifecycle benchmark in the external test package.
func UseNaiveMachine(e *Engine) { e.machine = naiveMachine{} }

// UsesCompiledMachine reports whether e answers from the compiled tables.
func UsesCompiledMachine(e *Engine) bool { _, ok := e.machine.(compiledMachine); return ok }

var machines = []struct {
	name string
	m    transitioner
}{
	{"compiled", compiledMachine{}},
	{"naive-fsm", naiveMachine{}},
}

var (
	sinkState PaymentState
	sinkOK    bool
)

// BenchmarkTransition measures one transition lookup (confirm in ACCEPT)
// through the transitioner interface.
func BenchmarkTransition(b *testing.B) {
	for _, mc := range machines {
		b.Run(mc.name, func(b *testing.B) {
			m := mc.m
			b.ReportAllocs()
			for b.Loop() {
				sinkState, sinkOK = m.payment(PaymentAccept, EventConfirm)
			}
			if !sinkOK || sinkState != PaymentInit {
				b.Fatalf("confirm in ACCEPT: got %s, %v", sinkState, sinkOK)
			}
		})
	}
}

// TestNaiveMachineAgreesWithCompiled checks the naive machine on every
// (state, event), including the refused ones.
func TestNaiveMachineAgreesWithCompiled(t *testing.T) {
	for s := PaymentState(0); s < paymentStateCount; s++ {
		for ev := PaymentEvent(0); ev < paymentEventCount; ev++ {
			wantTo, wantOK := compiledMachine{}.payment(s, ev)
			gotTo, gotOK := naiveMachine{}.payment(s, ev)
			require.Equal(t, wantOK, gotOK, "%s in %s", ev, s)
			if wantOK {
				require.Equal(t, wantTo, gotTo, "%s in %s", ev, s)
			}
		}
	}
	for s := RefundState(0); s < refundStateCount; s++ {
		for ev := RefundEvent(0); ev < refundEventCount; ev++ {
			wantTo, wantOK := compiledMachine{}.refund(s, ev)
			gotTo, gotOK := naiveMachine{}.refund(s, ev)
			require.Equal(t, wantOK, gotOK, "%s in %s", ev, s)
			if wantOK {
				require.Equal(t, wantTo, gotTo, "%s in %s", ev, s)
			}
		}
	}
	for s := CaptureState(0); s < captureStateCount; s++ {
		for ev := CaptureEvent(0); ev < captureEventCount; ev++ {
			wantTo, wantOK := compiledMachine{}.capture(s, ev)
			gotTo, gotOK := naiveMachine{}.capture(s, ev)
			require.Equal(t, wantOK, gotOK, "%s in %s", ev, s)
			if wantOK {
				require.Equal(t, wantTo, gotTo, "%s in %s", ev, s)
			}
		}
	}
}
