// Command demo runs a paystate wallet and a merchant in one process on
// loopback and walks the whole story, one short log line per step: a
// cashier pay, the user paying on the cashier page, the merchant receiving
// and verifying notifyPayment, a partial refund, an inquiry, an over-refund
// refused with REFUND_AMOUNT_EXCEED, and a repeated request answered
// identically. Everything lives in a temporary folder removed at the end.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}
