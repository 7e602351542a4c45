package engine

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// updateGolden rewrites the generated files instead of comparing with them.
// It is not called "update": the external test package engine_test lives in
// the same test binary and may declare its own -update flag, and two flags of
// one name panic at start-up.
var updateGolden = flag.Bool("update-machine", false,
	"rewrite docs/state-machine.md and engine/testdata/transitions.golden from the declarations")

const (
	diagramGolden = "../docs/state-machine.md"
	tableGolden   = "testdata/transitions.golden"
)

// checkGolden compares got with the file at path, or rewrites the file when
// -update-machine is given.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		t.Logf("wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./engine -run 'Diagram|Table' -update-machine")
	require.Equal(t, string(want), got,
		"%s is stale: run go test ./engine -run 'Diagram|Table' -update-machine and review the diff", path)
}

func TestStateDiagramGolden(t *testing.T) {
	checkGolden(t, diagramGolden, StateDiagram())
}

// The README shows the same diagrams, in the same order; it is prose
// around them, so it is checked, never rewritten.
func TestReadmeShowsTheStateDiagrams(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	blocks := strings.Split(StateDiagram(), "```mermaid\n")[1:]
	require.Len(t, blocks, 3, "a payment, a refund and a capture diagram")
	rest := string(readme)
	for _, b := range blocks {
		diagram := "```mermaid\n" + b[:strings.Index(b, "```")+3]
		i := strings.Index(rest, diagram)
		require.GreaterOrEqual(t, i, 0, "README.md does not show this diagram (copy it from docs/state-machine.md):\n%s", diagram)
		rest = rest[i+len(diagram):]
	}
}

func TestTransitionTableGolden(t *testing.T) {
	checkGolden(t, tableGolden, renderTransitionTables())
}

// renderTransitionTables prints the compiled tables as text: one row per
// event, one column per state the event may leave, each cell the destination
// or "-" when the event is not allowed there.
func renderTransitionTables() string {
	var b strings.Builder
	b.WriteString("# The compiled transition tables of engine.PaymentTransitions,\n")
	b.WriteString("# engine.RefundTransitions and engine.CaptureTransitions. A row is an event, a column the state it\n")
	b.WriteString("# leaves, a cell the state it enters (\"-\": not allowed).\n")
	b.WriteString("# Regenerate: go test ./engine -run TestTransitionTableGolden -update-machine\n")

	b.WriteString("\n## payment\n\n")
	writeTable(&b, paymentStateNames[:], paymentEventNames[:], func(s, e int) (string, bool) {
		to, ok := NextPaymentState(PaymentState(s), PaymentEvent(e))
		return to.String(), ok
	})
	b.WriteString("\n## refund\n\n")
	writeTable(&b, refundStateNames[:], refundEventNames[:], func(s, e int) (string, bool) {
		to, ok := NextRefundState(RefundState(s), RefundEvent(e))
		return to.String(), ok
	})
	b.WriteString("\n## capture\n\n")
	writeTable(&b, captureStateNames[:], captureEventNames[:], func(s, e int) (string, bool) {
		to, ok := NextCaptureState(CaptureState(s), CaptureEvent(e))
		return to.String(), ok
	})
	return b.String()
}

func writeTable(b *strings.Builder, states, events []string, next func(s, e int) (string, bool)) {
	w := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	w.Write([]byte("event \\ from"))
	for _, s := range states {
		w.Write([]byte("\t" + s))
	}
	w.Write([]byte("\n"))
	for e, name := range events {
		w.Write([]byte(name))
		for s := range states {
			cell := "-"
			if to, ok := next(s, e); ok {
				cell = to
			}
			w.Write([]byte("\t" + cell))
		}
		w.Write([]byte("\n"))
	}
	w.Flush()
}

// fsmStep runs event on a fresh looplab FSM in state from and reports
// whether looplab allows it and the state it ends in.
func fsmStep(t *testing.T, events fsm.Events, from, event string) (string, bool) {
	t.Helper()
	f := fsm.NewFSM(from, events, nil)
	can := f.Can(event)
	err := f.Event(context.Background(), event)
	var noTransition fsm.NoTransitionError
	switch {
	case err == nil, errors.As(err, &noTransition): // a self-loop is allowed too
		require.True(t, can, "%s in %s: Event succeeded but Can said no", event, from)
		return f.Current(), true
	default:
		var invalid fsm.InvalidEventError
		require.ErrorAs(t, err, &invalid, "%s in %s: every declared event must be known to looplab", event, from)
		require.False(t, can, "%s in %s: Can said yes but Event failed: %v", event, from, err)
		require.Equal(t, from, f.Current(), "%s in %s: a refused event must not move the FSM", event, from)
		return "", false
	}
}

func TestCompiledTableAgreesWithLooplabFSM(t *testing.T) {
	t.Run("payment", func(t *testing.T) {
		for s := PaymentState(0); s < paymentStateCount; s++ {
			for ev := PaymentEvent(0); ev < paymentEventCount; ev++ {
				want, allowed := fsmStep(t, PaymentTransitions, s.String(), ev.String())
				got, ok := NextPaymentState(s, ev)
				require.Equal(t, allowed, ok, "%s in %s: compiled allowed=%v, looplab allowed=%v", ev, s, ok, allowed)
				if ok {
					require.Equal(t, want, got.String(), "%s in %s", ev, s)
				}
			}
		}
	})
	t.Run("refund", func(t *testing.T) {
		for s := RefundState(0); s < refundStateCount; s++ {
			for ev := RefundEvent(0); ev < refundEventCount; ev++ {
				want, allowed := fsmStep(t, RefundTransitions, s.String(), ev.String())
				got, ok := NextRefundState(s, ev)
				require.Equal(t, allowed, ok, "%s in %s: compiled allowed=%v, looplab allowed=%v", ev, s, ok, allowed)
				if ok {
					require.Equal(t, want, got.String(), "%s in %s", ev, s)
				}
			}
		}
	})
}

func TestFinalStatesHaveNoExits(t *testing.T) {
	t.Run("payment", func(t *testing.T) {
		for s := PaymentState(0); s < paymentStateCount; s++ {
			exits := 0
			for ev := PaymentEvent(0); ev < paymentEventCount; ev++ {
				to, ok := NextPaymentState(s, ev)
				if !ok {
					continue
				}
				exits++
				assert.NotEqual(t, PaymentNew, to, "%s in %s leads to the pseudo-state NEW", ev, s)
				assert.False(t, s.Final(), "%s leaves the final state %s (to %s)", ev, s, to)
			}
			if !s.Final() {
				assert.NotZero(t, exits, "%s is not Final but no event leaves it", s)
			}
		}
		assert.True(t, PaymentFail.Final())
		assert.True(t, PaymentClosed.Final())
	})
	t.Run("refund", func(t *testing.T) {
		final := map[RefundState]bool{RefundSuccess: true, RefundFail: true}
		for s := RefundState(0); s < refundStateCount; s++ {
			exits := 0
			for ev := RefundEvent(0); ev < refundEventCount; ev++ {
				to, ok := NextRefundState(s, ev)
				if !ok {
					continue
				}
				exits++
				assert.NotEqual(t, RefundNew, to, "%s in %s leads to the pseudo-state NEW", ev, s)
				assert.False(t, final[s], "%s leaves the final state %s (to %s)", ev, s, to)
			}
			if !final[s] {
				assert.NotZero(t, exits, "%s is not final but no event leaves it", s)
			}
		}
	})
}

// TestEveryStateIsReachable checks that every stored state can be reached
// from NEW, so the declaration has no dead states.
func TestEveryStateIsReachable(t *testing.T) {
	reach := func(n, events int, next func(s, e int) (int, bool)) []bool {
		seen := make([]bool, n)
		seen[0] = true
		for queue := []int{0}; len(queue) > 0; queue = queue[1:] {
			for e := 0; e < events; e++ {
				if to, ok := next(queue[0], e); ok && !seen[to] {
					seen[to] = true
					queue = append(queue, to)
				}
			}
		}
		return seen
	}
	p := reach(int(paymentStateCount), int(paymentEventCount), func(s, e int) (int, bool) {
		to, ok := NextPaymentState(PaymentState(s), PaymentEvent(e))
		return int(to), ok
	})
	for s, ok := range p {
		assert.True(t, ok, "payment state %s is unreachable", PaymentState(s))
	}
	r := reach(int(refundStateCount), int(refundEventCount), func(s, e int) (int, bool) {
		to, ok := NextRefundState(RefundState(s), RefundEvent(e))
		return int(to), ok
	})
	for s, ok := range r {
		assert.True(t, ok, "refund state %s is unreachable", RefundState(s))
	}
}

// cloneEvents deep-copies a declaration so a test may change it.
func cloneEvents(events fsm.Events) fsm.Events {
	out := make(fsm.Events, len(events))
	for i, e := range events {
		e.Src = append([]string(nil), e.Src...)
		out[i] = e
	}
	return out
}

func TestCompileRejectsBadDeclarations(t *testing.T) {
	states, names := paymentStateNames[:], paymentEventNames[:]

	t.Run("the real declarations compile to the package tables", func(t *testing.T) {
		pt, err := compileTransitions(PaymentTransitions, states, names)
		require.NoError(t, err)
		require.Equal(t, paymentTable, pt)
		rt, err := compileTransitions(RefundTransitions, refundStateNames[:], refundEventNames[:])
		require.NoError(t, err)
		require.Equal(t, refundTable, rt)
	})

	cases := []struct {
		name  string
		edit  func(fsm.Events) fsm.Events
		error string
	}{
		{"unknown source state", func(ev fsm.Events) fsm.Events {
			ev[2].Src = append(ev[2].Src, "PENDING")
			return ev
		}, `event "confirm": unknown source state "PENDING"`},
		{"unknown destination state", func(ev fsm.Events) fsm.Events {
			ev[3].Dst = "PAID"
			return ev
		}, `event "debit_succeeded": unknown destination state "PAID"`},
		{"unknown event name", func(ev fsm.Events) fsm.Events {
			return append(ev, fsm.EventDesc{Name: "chargeback", Src: []string{"SUCCESS"}, Dst: "CLOSED"})
		}, `event "chargeback" has no engine constant`},
		{"renamed event", func(ev fsm.Events) fsm.Events {
			ev[0].Name = "open-debit"
			return ev
		}, `event "open-debit" has no engine constant`},
		{"duplicated event", func(ev fsm.Events) fsm.Events {
			return append(ev, fsm.EventDesc{Name: "cancel", Src: []string{"INIT"}, Dst: "CLOSED"})
		}, `event "cancel" declared twice`},
		{"missing event", func(ev fsm.Events) fsm.Events {
			return ev[:len(ev)-1]
		}, "17 events declared, engine knows 18"},
		{"empty declaration", func(fsm.Events) fsm.Events {
			return nil
		}, "0 events declared, engine knows 18"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tbl, err := compileTransitions(c.edit(cloneEvents(PaymentTransitions)), states, names)
			require.Error(t, err)
			assert.Nil(t, tbl)
			assert.Equal(t, c.error, err.Error())
		})
	}

	t.Run("mustCompile panics", func(t *testing.T) {
		bad := append(cloneEvents(RefundTransitions), fsm.EventDesc{Name: "reject", Src: []string{"INIT"}, Dst: "FAIL"})
		assert.PanicsWithValue(t, `engine: state machine declaration: event "reject" declared twice`, func() {
			mustCompile(bad, refundStateNames[:], refundEventNames[:])
		})
	})
}
