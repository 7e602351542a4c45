package storebench

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// benchCell is one combination of Run.
type benchCell struct {
	workers int
	mode    string
	target  string
}

// benchResults are the runs of Run by cell and round.
type benchResults struct {
	runs map[benchCell]map[int]benchRun
}

func newBenchResults() *benchResults {
	return &benchResults{runs: map[benchCell]map[int]benchRun{}}
}

func (r *benchResults) add(c benchCell, round int, run benchRun) {
	if r.runs[c] == nil {
		r.runs[c] = map[int]benchRun{}
	}
	r.runs[c][round] = run
}

// has tells whether any mode ran on target with workers.
func (r *benchResults) has(workers int, target string) bool {
	for c, runs := range r.runs {
		if c.workers == workers && c.target == target && len(runs) > 0 {
			return true
		}
	}
	return false
}

// ops returns the lifecycles/s of c by round.
func (r *benchResults) ops(c benchCell) map[int]float64 {
	out := map[int]float64{}
	for round, run := range r.runs[c] {
		out[round] = run.opsPerSec
	}
	return out
}

// print writes the summary: per target, worker count and mode the median
// lifecycles/s over the rounds, and the ratios of runs of the same round.
func (r *benchResults) print(w io.Writer, name string, rounds int, targets []string) {
	fmt.Fprintf(w, "\n%s: lifecycles/s, median of %d interleaved rounds; each ratio is the median of the rounds' own ratios [lowest, highest]\n\n", name, rounds)
	var modes []string
	for _, m := range benchModes {
		for c := range r.runs {
			if c.mode == m {
				modes = append(modes, m)
				break
			}
		}
	}
	head := []string{"workers", "target"}
	head = append(head, modes...)
	for _, base := range modes[:len(modes)-1] {
		head = append(head, "engine / "+base)
	}
	if len(targets) > 1 {
		head = append(head, "engine / engine on "+targets[0])
	}
	table := [][]string{head}
	for _, workers := range []int{1, 8} {
		for ti, t := range targets {
			if !r.has(workers, t) {
				continue
			}
			row := []string{fmt.Sprint(workers), t}
			for _, m := range modes {
				row = append(row, fmt.Sprintf("%.0f", MedianOf(values(r.ops(benchCell{workers, m, t})))))
			}
			engine := r.ops(benchCell{workers, "engine", t})
			for _, base := range modes[:len(modes)-1] {
				row = append(row, RatioOf(engine, r.ops(benchCell{workers, base, t})))
			}
			if len(targets) > 1 {
				if ti == 0 {
					row = append(row, "")
				} else {
					row = append(row, RatioOf(engine, r.ops(benchCell{workers, "engine", targets[0]})))
				}
			}
			table = append(table, row)
		}
	}
	WriteTable(w, table)

	// Every mode against itself on the first target: whether a slowdown
	// is the engine's or the database's.
	if len(targets) > 1 {
		fmt.Fprintf(w, "\n%s: each mode on each target / the same mode on %s, median of the rounds' own ratios [lowest, highest]\n\n", name, targets[0])
		table = [][]string{append([]string{"workers", "target"}, modes...)}
		for _, workers := range []int{1, 8} {
			for _, t := range targets[1:] {
				if !r.has(workers, t) {
					continue
				}
				row := []string{fmt.Sprint(workers), t}
				for _, m := range modes {
					row = append(row, RatioOf(r.ops(benchCell{workers, m, t}), r.ops(benchCell{workers, m, targets[0]})))
				}
				table = append(table, row)
			}
		}
		WriteTable(w, table)
	}

	// Counters, when the targets have any: medians per lifecycle.
	var counters []string
	for _, runs := range r.runs {
		for _, run := range runs {
			for k := range run.perOp {
				if !slices.Contains(counters, k) {
					counters = append(counters, k)
				}
			}
		}
	}
	if len(counters) == 0 {
		return
	}
	sort.Strings(counters)
	fmt.Fprintf(w, "\n%s: server counters per lifecycle, median of %d rounds\n\n", name, rounds)
	table = [][]string{append([]string{"workers", "target", "mode"}, counters...)}
	for _, workers := range []int{1, 8} {
		for _, t := range targets {
			for _, m := range modes {
				runs := r.runs[benchCell{workers, m, t}]
				if len(runs) == 0 {
					continue
				}
				row := []string{fmt.Sprint(workers), t, m}
				for _, k := range counters {
					var vs []float64
					for _, run := range runs {
						vs = append(vs, run.perOp[k])
					}
					row = append(row, fmt.Sprintf("%.4g", MedianOf(vs)))
				}
				table = append(table, row)
			}
		}
	}
	WriteTable(w, table)
}

func values(m map[int]float64) []float64 {
	out := make([]float64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// MedianOf returns the median of vs, 0 for none.
func MedianOf(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// RatioOf compares two series measured in the same rounds: the median of
// a[round] / b[round] over the rounds both have, with the lowest and the
// highest, as "0.97 [0.91, 1.02]"; "-" when they share no round.
func RatioOf(a, b map[int]float64) string {
	var rs []float64
	for round, av := range a {
		if bv, ok := b[round]; ok && bv > 0 {
			rs = append(rs, av/bv)
		}
	}
	if len(rs) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f]", MedianOf(rs), slices.Min(rs), slices.Max(rs))
}

// WriteTable writes rows (the first is the header) as a Markdown table.
func WriteTable(w io.Writer, rows [][]string) {
	for i, row := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		if i == 0 {
			fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(row)))
		}
	}
}
