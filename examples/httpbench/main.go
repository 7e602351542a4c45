// Command httpbench measures the reference wallet as users run it: its
// own process, over loopback HTTP, on a durable store. It starts the
// wallet binary (SQLite with full sync, and PostgreSQL when
// PAYSTATE_PG_DSN names a server), drives it with requests signed before
// the timed part (agreement pays, whose notifyPayment callbacks its
// loopback merchant receives, full refunds of them, inquiryPayment of
// them) at each concurrency, and prints, per case, the throughput, p50 and
// p99 latency and the wallet's own CPU time per request (from
// /proc/PID/stat) beside the bare RSA-2048 work the request needs (one
// verify, and one sign per answer and per notification) measured in this
// process in the same rounds.
//
// Usage (make bench-http builds the wallet and starts a throwaway
// PostgreSQL first):
//
//	httpbench -wallet BIN [-stores sqlite,postgres] [-rounds 5] [-n 300] [-conc 1,16] [-cpuprofile-dir DIR]
//
// Rounds interleave the cases and measure the RSA bound anew, so load on a
// shared machine shifts them alike; the table gives medians.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "httpbench:", err)
		os.Exit(1)
	}
}

// config is the benchmark's command line.
type config struct {
	walletBin  string
	baseline   string // a second wallet binary measured beside walletBin, or ""
	stores     []string
	rounds, n  int
	concs      []int
	rsaN       int
	profileDir string
}

// run is the command without the process.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("httpbench", flag.ContinueOnError)
	fs.SetOutput(out)
	var c config
	fs.StringVar(&c.walletBin, "wallet", "", "the wallet binary (go build -o BIN ./examples/wallet)")
	fs.StringVar(&c.baseline, "baseline", "", "another wallet binary (say, built from an earlier commit) run beside -wallet in the same rounds; the report adds -wallet's CPU per request / the baseline's")
	stores := fs.String("stores", "sqlite,postgres", "stores to run the wallet on; postgres needs PAYSTATE_PG_DSN and is skipped without it")
	fs.IntVar(&c.rounds, "rounds", 5, "interleaved rounds")
	fs.IntVar(&c.n, "n", 300, "requests of each kind per round and concurrency")
	concs := fs.String("conc", "1,16", "concurrent requests, comma-separated")
	fs.IntVar(&c.rsaN, "rsa-n", 100, "verifies and signs per round for the bare RSA bound")
	fs.StringVar(&c.profileDir, "cpuprofile-dir", "", "write each wallet's CPU profile to DIR/wallet-STORE.pprof")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.walletBin == "" {
		return errors.New("-wallet is required")
	}
	for s := range strings.SplitSeq(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-conc: want positive integers, got %q", *concs)
		}
		c.concs = append(c.concs, n)
	}
	for s := range strings.SplitSeq(*stores, ",") {
		switch s = strings.TrimSpace(s); s {
		case "sqlite":
		case "postgres":
			if os.Getenv("PAYSTATE_PG_DSN") == "" {
				fmt.Fprintln(out, "httpbench: PAYSTATE_PG_DSN not set, postgres skipped (make bench-http starts a throwaway server)")
				continue
			}
		default:
			return fmt.Errorf("-stores: want sqlite or postgres, got %q", s)
		}
		c.stores = append(c.stores, s)
	}
	fmt.Fprintf(out, "httpbench: %s, %d CPUs, %d rounds of %d requests per case, concurrency %v, %s\n",
		runtime.Version(), runtime.NumCPU(), c.rounds, c.n, c.concs, time.Now().Format("2006-01-02"))
	var res results
	for _, store := range c.stores {
		if err := benchStore(ctx, c, store, &res, out); err != nil {
			return fmt.Errorf("%s: %w", store, err)
		}
	}
	fmt.Fprintln(out)
	res.print(out)
	return nil
}
