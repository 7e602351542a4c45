package storebench

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/store"
)

// CompareOptions tunes Compare.
type CompareOptions struct {
	// Rounds is how many times every case runs, in turns. Zero means 1.
	Rounds int
	// Workers are the numbers of concurrent lifecycles to measure at.
	// Empty means 1 and 32.
	Workers []int
	// Warmup, when positive, is how long each target's engine runs (8
	// workers, untimed) before its first timed run.
	Warmup time.Duration
	// Summary receives the table after the last round. Nil means
	// os.Stdout.
	Summary io.Writer
}

// Compare measures engine lifecycles (cashier pay, confirm, one partial
// refund; every fourth an authorization, see Authorization) on each
// target at each worker count of opts, in interleaved rounds (the targets
// of one worker count next to each other, every other round in reverse
// order), and times every Commit. targets is called at
// the start of every round; the first target is the baseline. After the
// last round it prints, per worker count and target, the median
// lifecycles/s and Commit latency (p50, p99) over the rounds, and each as
// a ratio to the baseline's run of the same round (median of the rounds'
// ratios, with the lowest and the highest).
func Compare(b *testing.B, opts CompareOptions, targets func(b *testing.B, round int) []Target) {
	rounds := max(opts.Rounds, 1)
	workerCounts := opts.Workers
	if len(workerCounts) == 0 {
		workerCounts = []int{1, 32}
	}
	type cell struct {
		workers int
		target  string
	}
	got := map[cell]map[int]compareRun{}
	var names []string
	warmed := map[store.Store]bool{}
	for round := 1; round <= rounds; round++ {
		b.Run(fmt.Sprintf("round=%d", round), func(b *testing.B) {
			ts := targets(b, round)
			if round == 1 {
				for _, t := range ts {
					names = append(names, t.Name)
				}
			}
			warmOnce(b, opts.Warmup, warmed, ts)
			if round%2 == 0 {
				ts = slices.Clone(ts)
				slices.Reverse(ts)
			}
			for _, workers := range workerCounts {
				for _, t := range ts {
					var run compareRun
					ok := b.Run(fmt.Sprintf("workers=%d/%s", workers, t.Name), func(b *testing.B) {
						run = runTimed(b, workers, t)
					})
					if ok && run.opsPerSec > 0 {
						c := cell{workers, t.Name}
						if got[c] == nil {
							got[c] = map[int]compareRun{}
						}
						got[c][round] = run
					}
				}
			}
		})
	}
	if b.Failed() || len(names) == 0 {
		return
	}
	w := opts.Summary
	if w == nil {
		w = os.Stdout
	}
	fmt.Fprintf(w, "\n%s: median of %d interleaved rounds; each ratio is the median of the rounds' own ratios [lowest, highest], to %s\n\n",
		b.Name(), rounds, names[0])
	table := [][]string{{"workers", "target", "lifecycles/s", "commit p50 µs", "commit p99 µs", "lifecycles/s ratio", "commit p99 ratio"}}
	for _, workers := range workerCounts {
		base := got[cell{workers, names[0]}]
		for i, name := range names {
			runs := got[cell{workers, name}]
			pick := func(runs map[int]compareRun, f func(compareRun) float64) map[int]float64 {
				out := map[int]float64{}
				for round, r := range runs {
					out[round] = f(r)
				}
				return out
			}
			ops := func(r compareRun) float64 { return r.opsPerSec }
			p50 := func(r compareRun) float64 { return r.p50 }
			p99 := func(r compareRun) float64 { return r.p99 }
			opsRatio, p99Ratio := "", ""
			if i > 0 {
				opsRatio, p99Ratio = RatioOf(pick(runs, ops), pick(base, ops)), RatioOf(pick(runs, p99), pick(base, p99))
			}
			table = append(table, []string{fmt.Sprint(workers), name,
				fmt.Sprintf("%.0f", MedianOf(values(pick(runs, ops)))),
				fmt.Sprintf("%.0f", MedianOf(values(pick(runs, p50)))),
				fmt.Sprintf("%.0f", MedianOf(values(pick(runs, p99)))),
				opsRatio, p99Ratio})
		}
	}
	WriteTable(w, table)
}

// compareRun is the outcome of one timed run of Compare.
type compareRun struct {
	opsPerSec float64
	p50, p99  float64 // Commit latency, µs
}

// runTimed runs b.N engine lifecycles on t's store from workers
// goroutines and reports lifecycles/s, the latency percentiles of their
// Commits and, when t has Counters, each counter per lifecycle.
func runTimed(b *testing.B, workers int, t Target) compareRun {
	timed := &commitTimer{Store: t.Store}
	life := engineLifecycle(b, timed, benchClock)
	ctx := context.Background()
	var before map[string]float64
	if t.Counters != nil {
		var err error
		if before, err = t.Counters(ctx); err != nil {
			b.Fatal(err)
		}
	}
	run := benchRunID.Add(1) << 32
	elapsed := timeLifecycles(b, workers, life, run)
	out := compareRun{opsPerSec: float64(b.N) / elapsed.Seconds()}
	out.p50, out.p99 = timed.percentile(0.50), timed.percentile(0.99)
	b.ReportMetric(out.opsPerSec, "lifecycles/s")
	b.ReportMetric(out.p50, "commit-p50-µs")
	b.ReportMetric(out.p99, "commit-p99-µs")
	if t.Counters != nil {
		after, err := t.Counters(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for k, v := range after {
			b.ReportMetric((v-before[k])/float64(b.N), k)
		}
	}
	return out
}

// commitTimer is a store that records how long each Commit took.
type commitTimer struct {
	store.Store
	mu    sync.Mutex
	took  []time.Duration
	order bool // took is sorted
}

func (t *commitTimer) Commit(ctx context.Context, c store.Change) error {
	start := time.Now()
	err := t.Store.Commit(ctx, c)
	d := time.Since(start)
	t.mu.Lock()
	t.took = append(t.took, d)
	t.order = false
	t.mu.Unlock()
	return err
}

// percentile returns the q-quantile (0 < q <= 1) of the recorded Commit
// latencies in µs, 0 for none.
func (t *commitTimer) percentile(q float64) float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.took) == 0 {
		return 0
	}
	if !t.order {
		slices.Sort(t.took)
		t.order = true
	}
	i := min(int(q*float64(len(t.took))), len(t.took)-1)
	return float64(t.took[i].Microseconds())
}
