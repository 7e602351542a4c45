package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/examples/wallet/app"
)

// walletEnv makes a re-executed test binary a stand-in for the wallet
// command: the same flags the harness passes, the same demo configuration,
// served by examples/wallet/app. The smoke test then needs no go build.
const walletEnv = "PAYSTATE_HTTPBENCH_WALLET"

func TestMain(m *testing.M) {
	if os.Getenv(walletEnv) != "" {
		if err := serveWallet(os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "test wallet:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func serveWallet(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := flag.NewFlagSet("wallet", flag.ContinueOnError)
	dir := fs.String("data", "", "")
	listen := fs.String("listen", "", "")
	store := fs.String("store", "", "")
	fs.String("log", "", "")
	fs.String("cpuprofile", "", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	path, _, err := app.DemoConfig(*dir)
	if err != nil {
		return err
	}
	cfg, err := app.LoadConfig(path)
	if err != nil {
		return err
	}
	cfg.Listen, cfg.PublicURL = *listen, "http://"+*listen
	if *store != "" {
		cfg.SetStore(*store, *dir)
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return app.Serve(ctx, cfg, logger, os.Stdout, func(c *app.Config) error { return app.FollowPublicURL(*dir, c.PublicURL) })
}

// A tiny run of the whole harness against a wallet process on SQLite:
// every case gets its row, with a ratio of the wallet's CPU to the bare
// RSA work. (The numbers of so short a run mean nothing.)
func TestHarnessSmoke(t *testing.T) {
	t.Setenv(walletEnv, "1")
	var out bytes.Buffer
	err := run(t.Context(), []string{"-wallet", os.Args[0], "-stores", "sqlite", "-rounds", "1", "-n", "5", "-conc", "1,2", "-rsa-n", "3"}, &out)
	require.NoError(t, err, out.String())
	for _, o := range []op{opPay, opRefund, opInquiry} {
		for _, conc := range []int{1, 2} {
			row := fmt.Sprintf(`(?m)^\| sqlite \| %s \| %d \| \d+ \| [\d.]+ ms \| [\d.]+ ms \| \d+ µs \| \d+ µs \(V\+%dS\) \| \*\*[\d.]+\*\*`,
				regexp.QuoteMeta(o.name), conc, o.signs)
			assert.Regexp(t, row, out.String())
		}
	}
}

// With -baseline the harness runs a second wallet in the same rounds and
// adds a table of CPU ratios, one row per case: here both are the same
// wallet, so only the rows' presence is checked.
func TestHarnessBaseline(t *testing.T) {
	t.Setenv(walletEnv, "1")
	var out bytes.Buffer
	err := run(t.Context(), []string{"-wallet", os.Args[0], "-baseline", os.Args[0], "-stores", "sqlite",
		"-rounds", "1", "-n", "30", "-conc", "1", "-rsa-n", "3"}, &out)
	require.NoError(t, err, out.String())
	for _, o := range []op{opPay, opRefund, opInquiry} {
		for _, label := range []string{labelWallet, labelBaseline} {
			assert.Regexp(t, fmt.Sprintf(`(?m)^\| sqlite \(%s\) \| %s \| 1 \| `, label, regexp.QuoteMeta(o.name)), out.String())
		}
		assert.Regexp(t, fmt.Sprintf(`(?m)^\| sqlite \| %s \| 1 \| \*\*[\d.]+\*\* \[[\d.]+, [\d.]+\] \| [\d.]+ \|$`, regexp.QuoteMeta(o.name)), out.String())
	}
}
