package sqlitestore

import (
	"context"
	"database/sql"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkDurableCommit measures what one durable SQLite transaction costs
// this process in CPU time, whatever it writes: BEGIN IMMEDIATE, one
// prepared insert of a small row, COMMIT, on a connection opened like
// Open's (WAL), with synchronous FULL (an fsync of the write-ahead log per
// commit, the Store's default) and NORMAL (fsyncs only at checkpoints)
// side by side. It is the floor under every write a request of the wallet
// makes: an agreement pay commits four times on SQLite when nothing runs
// beside it (docs/benchmarks.md, "Whole-process HTTP benchmark"). It
// reports cpu-µs/op from getrusage (user + system, the fsync's kernel work
// included) beside wall time.
//
//	go test -run XXX -bench DurableCommit -benchtime=3000x -count=5 ./store/sqlitestore/
func BenchmarkDurableCommit(b *testing.B) {
	for _, sync := range []Synchronous{SyncFull, SyncNormal} {
		b.Run("synchronous="+string(sync), func(b *testing.B) {
			opts, err := Options{Synchronous: sync}.withDefaults()
			if err != nil {
				b.Fatal(err)
			}
			db, err := sql.Open("sqlite", dsn(filepath.Join(b.TempDir(), "floor.db"), opts))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, `CREATE TABLE rows (id INTEGER PRIMARY KEY, k TEXT NOT NULL, n INTEGER NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `CREATE INDEX rows_by_k ON rows (k)`); err != nil {
				b.Fatal(err)
			}
			insert, err := db.PrepareContext(ctx, `INSERT INTO rows (k, n) VALUES (?, ?)`)
			if err != nil {
				b.Fatal(err)
			}
			defer insert.Close()
			cpu0 := processCPU(b)
			b.ResetTimer()
			for i := range b.N {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.StmtContext(ctx, insert).ExecContext(ctx, "key", i); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
		})
	}
}

// processCPU is the CPU time (user + system) this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
