package drills

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/paystate/paystate/examples/wallet/app"
)

// walletEnv makes a re-executed test binary the wallet server of the
// configuration file it names.
const walletEnv = "PAYSTATE_DRILL_WALLET"

var (
	kills = flag.Int("drill.kills", 3, "SIGKILLs per crash drill (make drills: 20)")
	seed  = flag.Uint64("drill.seed", 0, "random seed of the drills (0: a new one, printed)")
)

// TestMain turns the test binary into the wallet server when walletEnv is
// set, serving until it is killed or sent SIGTERM.
func TestMain(m *testing.M) {
	if path := os.Getenv(walletEnv); path != "" {
		os.Exit(serveWallet(path))
	}
	os.Exit(m.Run())
}

func serveWallet(path string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := app.LoadConfig(path)
	if err == nil {
		err = cfg.Check()
	}
	if err == nil {
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		err = app.Serve(ctx, cfg, logger, io.Discard, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "drill wallet:", err)
		return 1
	}
	return 0
}
