// Command wallet is paystate's reference wallet server: the Alipay+ wallet
// OpenAPI (pay, inquiryPayment, cancel, refund, inquiryRefund, capture;
// authorizations are refused PARAM_ILLEGAL until its ledger places holds,
// so capture finds none), the cashier
// page users pay on, and the background worker that notifies merchants,
// expires payments and reconciles unknown outcomes, over an embedded SQLite
// store (default) or PostgreSQL.
//
// Usage:
//
//	wallet [-config FILE] [-data DIR] [-listen ADDR] [-store STORE]    serve
//	       [-log LEVEL] [-cpuprofile FILE]
//	wallet [flags] payment PAYMENT_ID                                  show a payment and its history
//	wallet [flags] undelivered [-resend ID | -resend-all]              parked notifications
//	wallet [flags] unknown                                             unresolved funds outcomes
//	wallet [flags] balance USER_ID                                     a user's available and held money
//
// With no -config it uses DIR/wallet.json (DIR defaults to ./paystate-data),
// writing a demo configuration there on first start.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/paystate/paystate/examples/wallet/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wallet:", err)
		os.Exit(1)
	}
}

// run is the whole program, minus the process: flags, configuration,
// and the serve or operator command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("wallet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (JSON); default DATA/wallet.json, created on first start")
	dataDir := fs.String("data", "paystate-data", "folder of the demo configuration and database when -config is not given")
	listen := fs.String("listen", "", "address to serve on, overriding the configuration's listen (and its publicURL when that was http://LISTEN)")
	storeFlag := fs.String("store", "", `"sqlite:PATH" or "postgres://...", overriding the configuration's store`)
	logLevel := fs.String("log", "info", "log level: debug, info, warn or error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the server to this file until it stops (go tool pprof -top FILE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	path, created := *configPath, false
	if path == "" {
		var err error
		if path, created, err = app.DemoConfig(*dataDir); err != nil {
			return fmt.Errorf("demo configuration in %s: %w", *dataDir, err)
		}
	}
	cfg, err := app.LoadConfig(path)
	if err != nil {
		return err
	}
	if *listen != "" {
		// A public URL that was just this server's address follows it.
		if cfg.PublicURL == "http://"+cfg.Listen {
			cfg.PublicURL = "http://" + *listen // Serve names 127.0.0.1 for an unspecified host
		}
		cfg.Listen = *listen
	}
	if *storeFlag != "" {
		wd, _ := os.Getwd()
		cfg.SetStore(*storeFlag, wd)
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	if rest := fs.Args(); len(rest) > 0 && rest[0] != "serve" {
		if created {
			app.PrintDemoSummary(stdout, *dataDir, cfg)
		}
		return app.Operate(ctx, cfg, rest, stdout)
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stopProfile()) }()
	var ready func(*app.Config) error
	if *configPath == "" {
		// The demo merchant's file follows the address served, so that
		// the commands the summary names reach this server.
		ready = func(c *app.Config) error {
			if err := app.FollowPublicURL(*dataDir, c.PublicURL); err != nil {
				return fmt.Errorf("demo configuration in %s: %w", *dataDir, err)
			}
			if created {
				app.PrintDemoSummary(stdout, *dataDir, c)
			}
			return nil
		}
	}
	return app.Serve(ctx, cfg, logger, stdout, ready)
}
