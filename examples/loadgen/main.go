// Command loadgen drives a paystate wallet over HTTP with correctly
// signed requests as a merchant (and its users on the cashier page) would,
// prints throughput, latency percentiles and the count of each answer, and
// then checks every payment it created through inquiries: statuses, refund
// sums, and the notifyPayment callbacks its own merchant endpoint received.
// It exits with status 1 when the wallet broke a promise.
//
// Usage, against the reference wallet (go run ./examples/wallet):
//
//	loadgen [-config paystate-data/merchant.json] [-rate 50 | -workers 8] [-duration 30s] [-ops N]
//	        [-mix pay=30,cashier=15,refund=30,inquiry=15,authorize=10] [-seed 1] [-notify-addr 127.0.0.1:0] [-notify-wait 30s]
//
// The merchant configuration is the one the wallet writes for its demo
// partner; its accessToken pays agreement payments. The notify endpoint must
// be reachable by the wallet and allowed by its notify.allowHosts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/paystate/paystate/examples/loadgen/load"
	"github.com/paystate/paystate/examples/merchant/shop"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// run is the command without the process: it returns whether the wallet
// kept every promise.
func run(ctx context.Context, args []string, out io.Writer) (bool, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(out)
	configPath := fs.String("config", "paystate-data/merchant.json", "merchant configuration (the wallet writes one for its demo partner)")
	walletURL := fs.String("wallet", "", "wallet base URL, overriding the configuration's walletURL")
	rate := fs.Float64("rate", 0, "open loop: operations per second (timed from when each was due); 0 for closed loop")
	workers := fs.Int("workers", 8, "closed loop: concurrent workers")
	duration := fs.Duration("duration", 30*time.Second, "how long to send load")
	ops := fs.Int("ops", 0, "stop after this many operations (0: no limit)")
	mixFlag := fs.String("mix", "pay=30,cashier=15,refund=30,inquiry=15,authorize=10", "operation weights")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	maxAmount := fs.Int64("max-amount", 1000, "largest payment, in minor units")
	currency := fs.String("currency", "USD", "currency of the payments")
	notifyAddr := fs.String("notify-addr", "127.0.0.1:0", "address of the generator's notifyPayment endpoint")
	notifyWait := fs.Duration("notify-wait", 30*time.Second, "how long verification waits for outstanding notifications, and for a wallet that gives no definite answer before it stops asking")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	mix, err := load.ParseMix(*mixFlag)
	if err != nil {
		return false, err
	}
	cfg, merchant, notifications, err := shop.LoadConfig(*configPath)
	if err != nil {
		return false, err
	}
	if *walletURL != "" {
		merchant.Client.BaseURL = *walletURL
	}

	notified, notifyURL, stopNotify, err := load.Listen(*notifyAddr, notifications)
	if err != nil {
		return false, fmt.Errorf("-notify-addr: %w", err)
	}
	defer stopNotify()
	merchant.NotifyURL = notifyURL

	fmt.Fprintf(out, "loadgen: %s, seed %d, against %s, notifications to %s\n", describe(*rate, *workers), *seed, merchant.Client.BaseURL, merchant.NotifyURL)
	r, report, err := load.Start(ctx, load.Config{
		Merchant: merchant, AccessToken: cfg.AccessToken, Currency: *currency, MaxAmount: *maxAmount,
		Rate: *rate, Workers: *workers, Duration: *duration, Operations: *ops, Mix: mix, Seed: *seed,
	})
	if err != nil {
		return false, err
	}
	report.Print(out)
	if ctx.Err() != nil {
		return false, errors.New("interrupted before verification")
	}
	v := r.Verify(ctx, notified, *notifyWait)
	v.Print(out)
	if v.Unverified > 0 {
		fmt.Fprintf(out, "loadgen: is the wallet running at %s? Verification waits -notify-wait (%s) for an answer.\n", merchant.Client.BaseURL, *notifyWait)
	}
	return v.OK(), nil
}

func describe(rate float64, workers int) string {
	if rate > 0 {
		return fmt.Sprintf("open loop at %g ops/s", rate)
	}
	return fmt.Sprintf("closed loop with %d workers", workers)
}
