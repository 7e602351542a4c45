package pgstore

import (
	"context"
	"flag"
	"strconv"
	"strings"
	"testing"

	"github.com/paystate/paystate/store/storebench"
)

var (
	benchBatchPool    = flag.Int("bench.batchpool", benchPoolSize, "connection pool of each BenchmarkCommitBatching Store")
	benchBatchWorkers = flag.String("bench.batchworkers", "1,32", "concurrent lifecycles of BenchmarkCommitBatching, comma-separated")
)

// BenchmarkCommitBatching compares the two commit paths of the same
// Store code: one transaction per Commit (Options.SeparateCommits, the
// baseline) and concurrent Commits sharing transactions (the default), at
// 1 and 32 concurrent engine lifecycles (storebench's mix: cashier pay,
// confirm, one partial refund, every fourth an authorization), each on a
// fresh schema in every round, in -bench.rounds
// interleaved rounds. It ends with a table of lifecycles/s and Commit
// latency (p50, p99) and their ratios to the baseline:
//
//	scripts/with-postgres.sh go test -run XXX -bench BenchmarkCommitBatching -benchtime=2s -count=1 ./store/pgstore/ -bench.rounds=7
func BenchmarkCommitBatching(b *testing.B) {
	open := func(b *testing.B, opts Options) *Store {
		dsn := benchDSN(b)
		opts.Schema = benchSchema()
		s, err := openStoreWith(context.Background(), dsn, int32(*benchBatchPool), opts)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			removeBenchPool(s.pool)
			s.Close()
			if err := dropSchema(dsn, opts.Schema); err != nil {
				b.Error(err)
			}
		})
		return s
	}
	var workers []int
	for _, w := range strings.Split(*benchBatchWorkers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 {
			b.Fatalf("-bench.batchworkers: %q is not a positive number", w)
		}
		workers = append(workers, n)
	}
	storebench.Compare(b, storebench.CompareOptions{Rounds: *benchRounds, Warmup: *benchWarmup, Workers: workers},
		func(b *testing.B, _ int) []storebench.Target {
			separate, batched := open(b, Options{SeparateCommits: true}), open(b, Options{})
			return []storebench.Target{
				{Name: "separate", Store: separate, Counters: txCounter(separate)},
				{Name: "batched", Store: batched, Counters: txCounter(batched)},
			}
		})
}

// txCounter counts the transactions s's Commits began ("tx", reported per
// lifecycle).
func txCounter(s *Store) func(context.Context) (map[string]float64, error) {
	return func(context.Context) (map[string]float64, error) {
		return map[string]float64{"tx": float64(s.commitTxs.Load())}, nil
	}
}
