package engine

import (
	"fmt"
	"strings"

	"github.com/looplab/fsm"
)

// StateDiagram returns docs/state-machine.md: the payment, refund and
// capture state machines as Mermaid state diagrams, generated from
// PaymentTransitions, RefundTransitions and CaptureTransitions. The pseudo-state NEW is drawn as the start [*], and
// final states get an arrow to the end [*].
func StateDiagram() string {
	var b strings.Builder
	b.WriteString("# State machines\n\n")
	b.WriteString("Generated from `engine.PaymentTransitions`, `engine.RefundTransitions` and\n`engine.CaptureTransitions` by\n")
	b.WriteString("`go test ./engine -run TestStateDiagramGolden -update-machine`. Do not edit by hand.\n\n")
	b.WriteString("## Payment\n\n")
	writeMermaid(&b, PaymentTransitions, []string{PaymentFail.String(), PaymentClosed.String()})
	b.WriteString("\n## Refund\n\n")
	writeMermaid(&b, RefundTransitions, []string{RefundSuccess.String(), RefundFail.String()})
	b.WriteString("\n## Capture\n\n")
	b.WriteString("A capture takes part or all of an authorization's hold (payment state AUTHORIZED).\n\n")
	writeMermaid(&b, CaptureTransitions, []string{CaptureSuccess.String(), CaptureFail.String()})
	return b.String()
}

func writeMermaid(b *strings.Builder, events fsm.Events, finals []string) {
	b.WriteString("```mermaid\nstateDiagram-v2\n")
	for _, e := range events {
		for _, src := range e.Src {
			if src == "NEW" {
				src = "[*]"
			}
			fmt.Fprintf(b, "    %s --> %s: %s\n", src, e.Dst, e.Name)
		}
	}
	for _, s := range finals {
		fmt.Fprintf(b, "    %s --> [*]\n", s)
	}
	b.WriteString("```\n")
}
