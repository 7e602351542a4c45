package drills

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/examples/loadgen/load"
)

// answer is one operation of the load as it ended.
type answer struct {
	op          load.Op
	label       string // as load.Report.Answers counts it: "S SUCCESS", "U UNKNOWN_EXCEPTION", "no answer", ...
	sent, ended time.Time
}

// answerLog keeps every answer of a drill's load runs, in the order they
// ended, so that a drill can tell when pays succeeded again after a fault
// and what was answered meanwhile.
type answerLog struct {
	mu      sync.Mutex
	answers []answer
}

// record is a load.Config.Answered.
func (l *answerLog) record(op load.Op, label string, sent, ended time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.answers = append(l.answers, answer{op: op, label: label, sent: sent, ended: ended})
}

// paySucceededAfter returns when the first pay sent after at was answered
// S, if one was.
func (l *answerLog) paySucceededAfter(at time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.answers {
		if a.op == load.OpPay && strings.HasPrefix(a.label, "S ") && a.sent.After(at) {
			return a.ended, true
		}
	}
	return time.Time{}, false
}

// waitPaySucceeded waits until a pay sent after at is answered S and
// returns when it was, failing the test after limit.
func (l *answerLog) waitPaySucceeded(t *testing.T, at time.Time, limit time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if ended, ok := l.paySucceededAfter(at); ok {
			return ended
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pay succeeded in the %s after the fault", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// window counts the answers to operations that were under way at some
// moment of [from, to] by their result status (S, A, F, U, or "none" for
// no answer), and lists the codes of the F answers.
type window struct {
	byStatus map[string]int
	refused  map[string]int // F answers by code
}

func (l *answerLog) window(from, to time.Time) window {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := window{byStatus: map[string]int{}, refused: map[string]int{}}
	for _, a := range l.answers {
		if a.ended.Before(from) || a.sent.After(to) {
			continue
		}
		label := strings.TrimPrefix(a.label, "repeat: ")
		status, code, _ := strings.Cut(label, " ")
		if strings.HasPrefix(label, "no answer") {
			status = "none"
		}
		w.byStatus[status]++
		if status == "F" {
			w.refused[string(a.op)+" "+code]++
		}
	}
	return w
}

// add sums two windows.
func (w window) add(o window) window {
	sum := window{byStatus: maps.Clone(w.byStatus), refused: maps.Clone(w.refused)}
	if sum.byStatus == nil {
		sum.byStatus, sum.refused = map[string]int{}, map[string]int{}
	}
	for k, v := range o.byStatus {
		sum.byStatus[k] += v
	}
	for k, v := range o.refused {
		sum.refused[k] += v
	}
	return sum
}

// String reads "12 S, 30 U, 4 without answer, 1 F (refund REFUND_AMOUNT_EXCEED 1)".
func (w window) String() string {
	var parts []string
	for _, s := range []string{"S", "A", "U", "F"} {
		if w.byStatus[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", w.byStatus[s], s))
		}
	}
	if n := w.byStatus["none"]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d without answer", n))
	}
	if len(parts) == 0 {
		return "none"
	}
	s := strings.Join(parts, ", ")
	if len(w.refused) > 0 {
		var codes []string
		for _, c := range slices.Sorted(maps.Keys(w.refused)) {
			codes = append(codes, fmt.Sprintf("%s %d", c, w.refused[c]))
		}
		s += " (F: " + strings.Join(codes, ", ") + ")"
	}
	return s
}
