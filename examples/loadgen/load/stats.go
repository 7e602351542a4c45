package load

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sync"
	"time"
)

// maxViolations bounds the violations kept word for word; the rest are
// counted.
const maxViolations = 100

// stats collects latencies, answer counts and violations during a run.
type stats struct {
	mu         sync.Mutex
	latencies  map[Op][]time.Duration
	answers    map[string]int // "op: label"
	violations []string
	extra      int // violations beyond maxViolations
	dropped    int
	unanswered int // operations without a definite answer
}

func newStats() *stats {
	return &stats{latencies: map[Op][]time.Duration{}, answers: map[string]int{}}
}

func (s *stats) record(op Op, answer string, definite bool, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies[op] = append(s.latencies[op], d)
	s.answers[string(op)+": "+answer]++
	if !definite {
		s.unanswered++
	}
}

func (s *stats) violation(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) < maxViolations {
		s.violations = append(s.violations, fmt.Sprintf(format, args...))
	} else {
		s.extra++
	}
}

func (s *stats) drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropped++
}

// Latency summarises the latencies of one operation kind.
type Latency struct {
	Op                 Op
	Count              int
	P50, P90, P99, Max time.Duration
}

// Report is what a run measured.
type Report struct {
	Elapsed    time.Duration
	Operations int
	Dropped    int            // open loop: operations not started because MaxInFlight were running
	Unanswered int            // operations the wallet answered U or not at all
	Latencies  []Latency      // by op, then "all"
	Answers    map[string]int // "op: S SUCCESS" -> count
	Violations []string       // answers that broke a promise, as they came
	// MoreViolations counts violations beyond the ones listed.
	MoreViolations int
}

// Throughput is operations per second over the run.
func (r Report) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Operations) / r.Elapsed.Seconds()
}

func (s *stats) report(elapsed time.Duration) Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{Elapsed: elapsed, Dropped: s.dropped, Unanswered: s.unanswered, Answers: maps.Clone(s.answers),
		Violations: slices.Clone(s.violations), MoreViolations: s.extra}
	var all []time.Duration
	for _, op := range slices.Sorted(maps.Keys(s.latencies)) {
		ds := s.latencies[op]
		all = append(all, ds...)
		r.Latencies = append(r.Latencies, summarise(op, ds))
	}
	r.Operations = len(all)
	if len(all) > 0 {
		r.Latencies = append(r.Latencies, summarise("all", all))
	}
	return r
}

func summarise(op Op, ds []time.Duration) Latency {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	// Nearest rank: the smallest latency at or above which q of them lie.
	at := func(q float64) time.Duration { return ds[max(0, int(math.Ceil(q*float64(len(ds))))-1)] }
	return Latency{Op: op, Count: len(ds), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ds[len(ds)-1]}
}

// Print writes the report as a few aligned tables.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d operations in %s: %.1f ops/s", r.Operations, r.Elapsed.Round(time.Millisecond), r.Throughput())
	if r.Unanswered > 0 {
		fmt.Fprintf(w, ", %d answered U or not at all", r.Unanswered)
	}
	if r.Dropped > 0 {
		fmt.Fprintf(w, ", %d dropped (too many in flight)", r.Dropped)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-8s %8s %10s %10s %10s %10s\n", "op", "count", "p50", "p90", "p99", "max")
	for _, l := range r.Latencies {
		fmt.Fprintf(w, "%-8s %8d %10s %10s %10s %10s\n", l.Op, l.Count, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))
	}
	fmt.Fprintln(w, "answers:")
	keys := slices.SortedFunc(maps.Keys(r.Answers), func(a, b string) int {
		return cmp.Or(cmp.Compare(r.Answers[b], r.Answers[a]), cmp.Compare(a, b))
	})
	for _, k := range keys {
		fmt.Fprintf(w, "  %7d  %s\n", r.Answers[k], k)
	}
	printViolations(w, "violations during the run", r.Violations, r.MoreViolations)
}

func printViolations(w io.Writer, what string, vs []string, more int) {
	fmt.Fprintf(w, "%s: %d\n", what, len(vs)+more)
	for _, v := range vs {
		fmt.Fprintf(w, "  %s\n", v)
	}
	if more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
