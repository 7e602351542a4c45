package sqlitestore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/sqlitestore"
)

// BenchmarkCommitCreate measures durable commits of a small payment create
// (payment + one event) with the default options (synchronous FULL), from 1
// and 8 goroutines.
func BenchmarkCommitCreate(b *testing.B) {
	for _, sync := range []sqlitestore.Synchronous{sqlitestore.SyncFull, sqlitestore.SyncNormal} {
		for _, workers := range []int{1, 8} {
			b.Run(fmt.Sprintf("sync=%s/goroutines=%d", sync, workers), func(b *testing.B) {
				s, err := sqlitestore.Open(context.Background(), b.TempDir()+"/bench.db", sqlitestore.Options{Synchronous: sync})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				benchCommits(b, s, workers)
			})
		}
	}
}

func benchCommits(b *testing.B, s store.Store, workers int) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				id := fmt.Sprintf("pay-%d", i)
				p := payment(id, "req-"+id)
				c := store.Change{Payment: p, Events: []store.Event{{PaymentID: id, Seq: 1, At: t0, Name: "create", To: "SUCCESS"}}}
				if err := s.Commit(ctx, c); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "commits/s")
}
