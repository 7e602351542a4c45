package storebench

import (
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
)

// InterleaveCases runs every case once per round, in turns (every other
// round in reverse order), as sub-benchmarks round=N/<case> (just <case>
// with one round). run measures one case and returns the value to
// summarize (unit names it). After the last round it prints each case's
// median and its ratio to the first case's value of the same round to
// summary (nil: os.Stdout).
func InterleaveCases(b *testing.B, rounds int, unit string, cases []string, summary io.Writer,
	run func(b *testing.B, round int, name string) float64) {
	rounds = max(rounds, 1)
	got := map[string]map[int]float64{}
	for round := 1; round <= rounds; round++ {
		runRound := func(b *testing.B) {
			order := slices.Clone(cases)
			if round%2 == 0 {
				slices.Reverse(order)
			}
			for _, c := range order {
				var v float64
				if b.Run(c, func(b *testing.B) { v = run(b, round, c) }) && v > 0 {
					if got[c] == nil {
						got[c] = map[int]float64{}
					}
					got[c][round] = v
				}
			}
		}
		if rounds == 1 {
			runRound(b)
		} else {
			b.Run(fmt.Sprintf("round=%d", round), runRound)
		}
	}
	if rounds == 1 || b.Failed() {
		return
	}
	if summary == nil {
		summary = os.Stdout
	}
	fmt.Fprintf(summary, "\n%s: median of %d interleaved rounds; the ratio is the median of the rounds' own ratios [lowest, highest]\n\n", b.Name(), rounds)
	table := [][]string{{"case", unit, "/ " + cases[0]}}
	for i, c := range cases {
		ratio := ""
		if i > 0 {
			ratio = RatioOf(got[c], got[cases[0]])
		}
		table = append(table, []string{c, fmt.Sprintf("%.4g", MedianOf(values(got[c]))), ratio})
	}
	WriteTable(summary, table)
}
