package storebench

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/store"
)

// Benchmark measures a backend under the engine: each operation is one
// payment's life (cashier pay, confirm, one partial refund; every fourth
// an authorization, see Authorization), at 1 and 8 concurrent workers,
// once through engine.Engine ("engine") and once as a baseline that makes
// exactly the same store calls with records built by hand and no engine
// ("store"). newStore is called once. It is Run with one round and one
// target.
func Benchmark(b *testing.B, newStore func(b *testing.B) store.Store) {
	Run(b, Options{Rounds: 1}, func(b *testing.B, _ int) []Target {
		return []Target{{Store: newStore(b)}}
	})
}

// Lifecycle runs the life of payment number i (unique in the process) at
// the clock time now: cashier pay, confirm, one partial refund, or, when
// Authorization(i), the authorization's life.
type Lifecycle func(ctx context.Context, i int64, now time.Time) error

// Target is one store Run measures.
type Target struct {
	// Name tells the target apart in the benchmark names ("stored=1M");
	// empty for the only target.
	Name  string
	Store store.Store
	// SQL, when set, is the bare baseline of the target ("sql"): the SQL
	// statements Store issues for one lifecycle, in the same transactions,
	// sent directly through the database driver, with no engine and no
	// store layer.
	SQL Lifecycle
	// Counters, when set, reads monotonic counters of the database server
	// (WAL bytes, buffer misses, ...). Each is read before and after every
	// timed run and reported per lifecycle under its name.
	Counters func(ctx context.Context) (map[string]float64, error)
}

// Options tunes Run.
type Options struct {
	// Rounds is how many times every sub-benchmark runs, in turns (see
	// Run). Zero means 1.
	Rounds int
	// Warmup, when positive, is how long each target's engine runs (8
	// workers, untimed) the first time the target appears, so that caches
	// that a long-running server would have warm are warm.
	Warmup time.Duration
	// Summary receives the table of medians and ratios after the last
	// round. Nil means os.Stdout.
	Summary io.Writer
}

// benchModes are the ways a lifecycle is run, baselines first.
var benchModes = []string{"sql", "store", "engine"}

// Run measures each target under the engine ("engine") beside
// two baselines: the same store calls with hand-built records ("store"),
// and, when the target has one, the store's own SQL statements issued
// directly ("sql"). Every combination runs at 1 and 8 concurrent workers.
//
// The runs are interleaved: each of opts.Rounds rounds runs every
// combination once, with the targets of one mode and worker count next to
// each other, every other round in reverse order. Load on a shared machine
// that comes and goes thus shifts the runs that are compared alike, and
// the summary compares runs of the same round: engine / sql, engine /
// store, and each target's engine against the first target's (the empty
// store), each as the median of the rounds' ratios.
//
// targets is called at the start of every round, inside that round's
// benchmark (a store it opens with b.Cleanup lasts the round); a target may
// be the same store in every round. With one round the round level is
// left out of the benchmark names.
func Run(b *testing.B, opts Options, targets func(b *testing.B, round int) []Target) {
	rounds := max(opts.Rounds, 1)
	res := newBenchResults()
	warmed := map[store.Store]bool{}
	var names []string // targets in first-round order
	for round := 1; round <= rounds; round++ {
		runRound := func(b *testing.B) {
			ts := targets(b, round)
			if round == 1 {
				for _, t := range ts {
					names = append(names, t.Name)
				}
			}
			warmOnce(b, opts.Warmup, warmed, ts)
			modes := slices.Clone(benchModes)
			if round%2 == 0 {
				slices.Reverse(modes)
				ts = slices.Clone(ts)
				slices.Reverse(ts)
			}
			for _, workers := range []int{1, 8} {
				for _, mode := range modes {
					for _, t := range ts {
						life := benchLifecycle(b, mode, t)
						if life == nil {
							continue
						}
						name := fmt.Sprintf("workers=%d/%s", workers, mode)
						if t.Name != "" {
							name += "/" + t.Name
						}
						var last benchRun
						ok := b.Run(name, func(b *testing.B) {
							last = runLifecycles(b, workers, life, t.Counters)
						})
						if ok && last.opsPerSec > 0 {
							res.add(benchCell{workers, mode, t.Name}, round, last)
						}
					}
				}
			}
		}
		if rounds == 1 {
			runRound(b)
		} else {
			b.Run(fmt.Sprintf("round=%d", round), runRound)
		}
	}
	if rounds > 1 && !b.Failed() {
		w := opts.Summary
		if w == nil {
			w = os.Stdout
		}
		res.print(w, b.Name(), rounds, names)
	}
}

// benchLifecycle returns the lifecycle of mode on t, nil when t has none.
func benchLifecycle(b *testing.B, mode string, t Target) Lifecycle {
	switch mode {
	case "sql":
		return t.SQL
	case "store":
		return func(ctx context.Context, i int64, now time.Time) error { return bareLifecycle(ctx, t.Store, i, now) }
	case "engine":
		return engineLifecycle(b, t.Store, benchClock)
	}
	panic("storebench: unknown benchmark mode " + mode)
}

// warmup runs engine lifecycles on s from 8 goroutines for d.
func warmup(s store.Store, d time.Duration) error {
	life := engineLifecycle(nil, s, benchClock)
	ctx := context.Background()
	run := benchRunID.Add(1) << 32
	var next atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if err := life(ctx, run+next.Add(1), benchClock()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// benchNow is the fixed clock of lifecycles whose records are compared.
var benchNow = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// benchStart is when this process started benchmarking.
var benchStart = time.Now()

// benchClock is the clock of timed lifecycles: benchNow plus the time
// since benchStart, so that time-ordered ids made during a run grow as
// they would in production.
func benchClock() time.Time { return benchNow.Add(time.Since(benchStart)) }

// benchRunID distinguishes the request ids of runs on one store: each run
// numbers its payments from benchRunID<<32 on. It starts at a random
// point, so that processes sharing a kept database do not collide either.
var benchRunID = func() *atomic.Int64 {
	var r [2]byte
	_, _ = rand.Read(r[:])
	n := new(atomic.Int64)
	n.Store(int64(r[0])<<16 | int64(r[1])<<8)
	return n
}()

// warmOnce runs warmup for d on each target's store the first time the
// store appears (warmed records which did), failing b on an error.
func warmOnce(b *testing.B, d time.Duration, warmed map[store.Store]bool, ts []Target) {
	if d <= 0 {
		return
	}
	for _, t := range ts {
		if !warmed[t.Store] {
			warmed[t.Store] = true
			if err := warmup(t.Store, d); err != nil {
				b.Fatalf("warm-up of %s: %v", t.Name, err)
			}
		}
	}
}

// timeLifecycles runs lifecycles run+1 to run+b.N from workers goroutines
// on the timer and returns how long they took; the first error fails b.
func timeLifecycles(b *testing.B, workers int, life Lifecycle, run int64) time.Duration {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := life(ctx, run+i, benchClock()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return elapsed
}

// benchRun is the outcome of one timed run.
type benchRun struct {
	opsPerSec float64
	perOp     map[string]float64 // counters per lifecycle
}

// runLifecycles runs b.N lifecycles from workers goroutines and reports
// lifecycles/s and, when counters is set, each counter per lifecycle.
func runLifecycles(b *testing.B, workers int, life Lifecycle, counters func(context.Context) (map[string]float64, error)) benchRun {
	ctx := context.Background()
	run := benchRunID.Add(1) << 32
	var before map[string]float64
	if counters != nil {
		var err error
		if before, err = counters(ctx); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := timeLifecycles(b, workers, life, run)
	out := benchRun{opsPerSec: float64(b.N) / elapsed.Seconds()}
	b.ReportMetric(out.opsPerSec, "lifecycles/s")
	if counters != nil {
		after, err := counters(ctx)
		if err != nil {
			b.Fatal(err)
		}
		out.perOp = map[string]float64{}
		for k, v := range after {
			out.perOp[k] = (v - before[k]) / float64(b.N)
			b.ReportMetric(out.perOp[k], k)
		}
	}
	return out
}
