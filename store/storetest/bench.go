package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store"
)

// Benchmark measures a backend under the engine: each operation is one
// payment's life (cashier pay, confirm, one partial refund), at 1 and 8
// concurrent workers, once through engine.Engine ("engine") and once as a
// baseline that makes exactly the same store calls with records built by
// hand and no engine ("store"). newStore is called once. It is
// BenchmarkRounds with one round and one target.
func Benchmark(b *testing.B, newStore func(b *testing.B) store.Store) {
	BenchmarkRounds(b, BenchOptions{Rounds: 1}, func(b *testing.B, _ int) []BenchTarget {
		return []BenchTarget{{Store: newStore(b)}}
	})
}

// Lifecycle runs the life of payment number i (unique in the process):
// cashier pay, confirm, one partial refund, at the clock time now.
type Lifecycle func(ctx context.Context, i int64, now time.Time) error

// BenchTarget is one store BenchmarkRounds measures.
type BenchTarget struct {
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

// BenchOptions tunes BenchmarkRounds.
type BenchOptions struct {
	// Rounds is how many times every sub-benchmark runs, in turns (see
	// BenchmarkRounds). Zero means 1.
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

// BenchmarkRounds measures each target under the engine ("engine") beside
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
func BenchmarkRounds(b *testing.B, opts BenchOptions, targets func(b *testing.B, round int) []BenchTarget) {
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
			for _, t := range ts {
				if opts.Warmup > 0 && !warmed[t.Store] {
					warmed[t.Store] = true
					if err := warmup(t.Store, opts.Warmup); err != nil {
						b.Fatalf("warm-up of %s: %v", t.Name, err)
					}
				}
			}
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
func benchLifecycle(b *testing.B, mode string, t BenchTarget) Lifecycle {
	switch mode {
	case "sql":
		return t.SQL
	case "store":
		return func(ctx context.Context, i int64, now time.Time) error { return bareLifecycle(ctx, t.Store, i, now) }
	case "engine":
		return engineLifecycle(b, t.Store, benchClock)
	}
	panic("storetest: unknown benchmark mode " + mode)
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

// engineLifecycle returns a lifecycle run through an engine over s that
// reads the time from now (the time passed to the lifecycle is not used).
func engineLifecycle(b *testing.B, s store.Store, now func() time.Time) Lifecycle {
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<60)
	eng, err := engine.New(s, ledger, engine.Config{Now: now, ConflictRetries: 1 << 20})
	if err != nil {
		if b == nil {
			panic(err)
		}
		b.Fatal(err)
	}
	return func(ctx context.Context, i int64, _ time.Time) error {
		p, err := eng.Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("e%d", i), Scenario: engine.ScenarioCashier,
			Amount: engine.Money{Currency: "USD", Minor: 10_000}, OrderTitle: "Coffee beans",
			NotifyURL: "https://shop.example/notify",
		})
		if err != nil {
			return err
		}
		if p, err = eng.Confirm(ctx, p.ID, "alice"); err != nil || p.State != engine.PaymentSuccess {
			return fmt.Errorf("confirm: %v %v", p.State, err)
		}
		r, err := eng.Refund(ctx, engine.RefundRequest{
			PartnerID: "shop", RequestID: fmt.Sprintf("e%d", i), PaymentID: p.ID,
			Amount: engine.Money{Currency: "USD", Minor: 2_500},
		})
		if err != nil || r.State != engine.RefundSuccess {
			return fmt.Errorf("refund: %v %v", r.State, err)
		}
		return nil
	}
}

// bareLifecycle makes the store calls the engine makes for one lifecycle,
// in the same order, with hand-built records (TestBareLifecycleCalls
// compares the two).
func bareLifecycle(ctx context.Context, s store.Store, i int64, now time.Time) error {
	// Request ids are the caller's; payment and refund ids are made like
	// the engine's default (engine.TimeOrderedID), so both insert into the
	// same places of the id-keyed indexes.
	req, id, refundID := fmt.Sprintf("b%d", i), engine.TimeOrderedID(now), engine.TimeOrderedID(now)
	ev := func(p *store.Payment, name, from, to, refundID, detail string) store.Event {
		return store.Event{PaymentID: p.ID, RefundID: refundID, Seq: p.Version, At: now, Name: name, From: from, To: to, Detail: detail}
	}
	// pay: look the request key up, create the payment waiting for the user
	if _, err := s.GetPaymentByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("pay lookup: %v", err)
	}
	p := store.Payment{
		ID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Scenario: "CASHIER", Status: "ACCEPT",
		Currency: "USD", Amount: 10_000, OrderTitle: "Coffee beans", NotifyURL: "https://shop.example/notify",
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(14 * time.Minute), Version: 1,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, Events: []store.Event{ev(&p, "accept", "NEW", "ACCEPT", "", "")}}); err != nil {
		return err
	}
	// confirm: load, start the debit, record its success with the notification
	snap, err := s.GetPayment(ctx, id)
	if err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.Status, p.UserID, p.PendingOp, p.OpID, p.OpCount, p.NextCheckAt = "INIT", "alice", "debit", id+"-1", 1, now.Add(time.Minute)
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, Events: []store.Event{ev(&p, "confirm", "ACCEPT", "INIT", "", "user alice")}}); err != nil {
		return err
	}
	p.Version++
	p.Status, p.PendingOp, p.OpID, p.NextCheckAt, p.PaidAt = "SUCCESS", "", "", time.Time{}, now
	msg := store.OutboxMessage{
		ID: id + ".result", PaymentID: id, PartnerID: "shop", RequestID: req, Kind: "payment_result",
		NotifyURL: p.NotifyURL, Status: "SUCCESS", Currency: "USD", Amount: p.Amount,
		PaymentCreatedAt: now, PaymentTime: now, CreatedAt: now, NextAttemptAt: now,
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1,
		Events: []store.Event{ev(&p, "debit_succeeded", "INIT", "SUCCESS", "", "")}, Outbox: []store.OutboxMessage{msg}}); err != nil {
		return err
	}
	// refund: look the request key up, load the payment, hold, credit
	if _, err := s.GetRefundByRequest(ctx, "shop", req); !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("refund lookup: %v", err)
	}
	if snap, err = s.GetPayment(ctx, id); err != nil {
		return err
	}
	p = snap.Payment
	p.Version++
	p.HeldAmount += 2_500
	r := store.Refund{
		ID: refundID, PaymentID: id, PartnerID: "shop", RequestID: req, Fingerprint: Fingerprint, Currency: "USD",
		Amount: 2_500, Status: "INIT", CreatedAt: now, UpdatedAt: now, NextCheckAt: now.Add(time.Minute),
	}
	if err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, NewRefunds: []store.Refund{r},
		Events: []store.Event{ev(&p, "open_credit", "NEW", "INIT", r.ID, "")}}); err != nil {
		return err
	}
	p.Version++
	p.HeldAmount -= 2_500
	p.RefundedAmount += 2_500
	r.Status, r.FinishedAt = "SUCCESS", now // the engine leaves NextCheckAt as it was
	return s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1, UpdatedRefunds: []store.Refund{r},
		Events: []store.Event{ev(&p, "credit_succeeded", "INIT", "SUCCESS", r.ID, "")}})
}

// Fingerprint is a request fingerprint as long as the engine's (a hex
// SHA-256), for baselines that build rows by hand.
var Fingerprint = strings.Repeat("f", 64)

// benchCell is one combination of BenchmarkRounds.
type benchCell struct {
	workers int
	mode    string
	target  string
}

// benchResults are the runs of BenchmarkRounds by cell and round.
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

// CheckLifecycle runs life (payment number 2, whose request id is
// requestID(2)) and an engine lifecycle (payment number 1) on s, and fails
// t when the two leave different payments, refunds, history or outbox
// messages behind, ids, request ids and fingerprints aside: a baseline of
// BenchmarkRounds must write what the engine writes.
func CheckLifecycle(t *testing.T, s store.Store, life Lifecycle, requestID func(i int64) string) {
	t.Helper()
	ctx := context.Background()
	if err := engineLifecycle(nil, s, func() time.Time { return benchNow })(ctx, 1, benchNow); err != nil {
		t.Fatalf("engine lifecycle: %v", err)
	}
	if err := life(ctx, 2, benchNow); err != nil {
		t.Fatalf("lifecycle: %v", err)
	}
	want, err := storedLife(ctx, s, "e1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := storedLife(ctx, s, requestID(2))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the lifecycle stores\n%s\nthe engine stores\n%s", got, want)
	}
}

// storedLife prints what s holds about the payment of request id req with
// its ids, request id and fingerprints replaced by placeholders.
func storedLife(ctx context.Context, s store.Store, req string) (string, error) {
	snap, err := s.GetPaymentByRequest(ctx, "shop", req)
	if err != nil {
		return "", err
	}
	history, err := s.History(ctx, snap.Payment.ID)
	if err != nil {
		return "", err
	}
	msgs, err := s.Outbox(ctx, snap.Payment.ID)
	if err != nil {
		return "", err
	}
	// Ids, request ids and fingerprints are the lifecycle's own.
	p := snap.Payment
	pid := p.ID
	names := strings.NewReplacer(pid, "<payment>")
	p.ID, p.RequestID, p.Fingerprint, p.OpID = "<payment>", "<request>", "<fingerprint>", names.Replace(p.OpID)
	var b strings.Builder
	fmt.Fprintf(&b, "payment %+v\n", p)
	refunds := map[string]string{"": ""}
	for i, r := range snap.Refunds {
		refunds[r.ID] = fmt.Sprintf("<refund %d>", i+1)
		r.ID, r.PaymentID, r.RequestID, r.Fingerprint = refunds[r.ID], "<payment>", "<request>", "<fingerprint>"
		fmt.Fprintf(&b, "refund %+v\n", r)
	}
	for _, e := range history {
		e.PaymentID, e.RefundID = "<payment>", refunds[e.RefundID]
		fmt.Fprintf(&b, "event %+v\n", e)
	}
	for _, m := range msgs {
		m.ID, m.PaymentID, m.RequestID = names.Replace(m.ID), "<payment>", "<request>"
		fmt.Fprintf(&b, "message %+v\n", m)
	}
	out := b.String()
	return out, nil
}
