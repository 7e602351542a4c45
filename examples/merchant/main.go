// Command merchant is a merchant's command line for a paystate wallet: it
// signs pay, inquiryPayment, refund, inquiryRefund and cancel requests with
// the merchant's key, verifies the wallet's answers, and can listen for
// notifyPayment callbacks and verify them.
//
// Usage:
//
//	merchant -config paystate-data/merchant.json [-wallet URL] pay -amount 12.50 [-currency USD] [-title T] [-agreement] [-notify URL]
//	merchant -config ... inquire PAYMENT_ID
//	merchant -config ... refund -payment PAYMENT_ID -amount 2.50 [-currency USD]
//	merchant -config ... inquire-refund REFUND_REQUEST_ID
//	merchant -config ... cancel PAYMENT_ID
//	merchant -config ... listen [-addr 127.0.0.1:8081]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/shopspring/decimal"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/merchant/shop"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "merchant:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("merchant", flag.ContinueOnError)
	configPath := fs.String("config", "paystate-data/merchant.json", "merchant configuration (the wallet writes one for its demo partner)")
	walletURL := fs.String("wallet", "", "wallet base URL, overriding the configuration's walletURL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, m, notifications, err := shop.LoadConfig(*configPath)
	if err != nil {
		return err
	}
	if *walletURL != "" {
		m.Client.BaseURL = *walletURL
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return errors.New("no command; want pay, capture, inquire, refund, inquire-refund, cancel or listen")
	}
	cmd, args := rest[0], rest[1:]
	switch cmd {
	case "pay":
		return pay(ctx, cfg, m, args, out)
	case "refund":
		return refund(ctx, m, args, out)
	case "capture":
		return capture(ctx, m, args, out)
	case "listen":
		return listen(ctx, notifications, args, out)
	case "inquire", "inquire-refund", "cancel":
		if len(args) != 1 {
			return fmt.Errorf("usage: merchant %s ID", cmd)
		}
		var resp any
		switch cmd {
		case "inquire":
			resp, err = m.InquirePayment(ctx, args[0])
		case "inquire-refund":
			resp, err = m.InquireRefund(ctx, args[0])
		default:
			resp, err = m.Cancel(ctx, args[0])
		}
		return show(out, resp, err)
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// money reads an amount in major units ("12.50") of currency and returns
// it in the wire's minor units. The currency's exponent comes from the
// engine's ISO 4217 table, the one table of exponents in this repository.
func money(currency, major string) (wire.Amount, error) {
	d, err := decimal.NewFromString(major)
	if err != nil {
		return wire.Amount{}, fmt.Errorf("-amount %q: %w", major, err)
	}
	m, err := engine.MoneyFromDecimal(currency, d)
	if err != nil {
		return wire.Amount{}, err
	}
	return wire.Amount{Currency: m.Currency, Value: m.Value()}, nil
}

func pay(ctx context.Context, cfg *shop.Config, m *shop.Merchant, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("pay", flag.ContinueOnError)
	amount := fs.String("amount", "12.50", "amount in major units")
	currency := fs.String("currency", "USD", "ISO 4217 currency")
	title := fs.String("title", "Flat white and a croissant", "order title shown on the cashier page")
	agreement := fs.Bool("agreement", false, "agreement pay with the configured access token (debited at once)")
	notify := fs.String("notify", "", "paymentNotifyUrl, e.g. http://127.0.0.1:8081/notify (see listen)")
	returnURL := fs.String("return", "", "paymentReturnUrl the cashier sends the user to")
	requestID := fs.String("request", "", "paymentRequestId; default a new random one (repeat one to see idempotency)")
	authorize := fs.Bool("authorize", false, "authorization payment: the amount is held, then taken with capture")
	if err := fs.Parse(args); err != nil {
		return err
	}
	amt, err := money(*currency, *amount)
	if err != nil {
		return err
	}
	o := shop.Order{RequestID: *requestID, Title: *title, Amount: amt, ReturnURL: *returnURL, Authorize: *authorize}
	if o.RequestID == "" {
		o.RequestID = "order-" + randomHex()
	}
	if *agreement {
		o.AccessToken = cfg.AccessToken
	}
	m.NotifyURL = *notify
	resp, err := m.Pay(ctx, o)
	if err := show(out, resp, err); err != nil {
		return err
	}
	if resp.ActionForm != nil && resp.ActionForm.RedirectionURL != "" {
		fmt.Fprintf(out, "Open the cashier to pay: %s\n", resp.ActionForm.RedirectionURL)
	}
	return nil
}

func refund(ctx context.Context, m *shop.Merchant, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("refund", flag.ContinueOnError)
	payment := fs.String("payment", "", "the wallet's paymentId")
	amount := fs.String("amount", "", "amount in major units")
	currency := fs.String("currency", "USD", "ISO 4217 currency")
	requestID := fs.String("request", "", "refundRequestId; default a new random one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	amt, err := money(*currency, *amount)
	if err != nil {
		return err
	}
	if *requestID == "" {
		*requestID = "refund-" + randomHex()
	}
	resp, err := m.Refund(ctx, *requestID, *payment, amt, "")
	return show(out, resp, err)
}

func capture(ctx context.Context, m *shop.Merchant, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	payment := fs.String("payment", "", "the wallet's paymentId of an authorization")
	amount := fs.String("amount", "", "amount in major units")
	currency := fs.String("currency", "USD", "ISO 4217 currency")
	last := fs.Bool("last", false, "isLastCapture: release what the authorization has left afterwards")
	requestID := fs.String("request", "", "captureRequestId; default a new random one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	amt, err := money(*currency, *amount)
	if err != nil {
		return err
	}
	if *requestID == "" {
		*requestID = "capture-" + randomHex()
	}
	resp, err := m.Capture(ctx, *requestID, *payment, amt, *last)
	return show(out, resp, err)
}

// listen serves the notifyPayment endpoint at /notify until interrupted.
func listen(ctx context.Context, n *shop.Notifications, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n.Received = func(x shop.Notification) {
		fmt.Fprintf(out, "notifyPayment %s: payment %s (%s) %s %s %s %s\n", x.ID, x.PaymentID, x.PaymentRequestID,
			x.PaymentStatus, x.PaymentAmount.Currency, x.PaymentAmount.Value, x.PaymentFailReason)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /notify", n)
	srv := &http.Server{Addr: *addr, Handler: mux}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(out, "listening for notifyPayment on http://%s/notify (pay with -notify http://%s/notify)\n", *addr, *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// show prints the verified answer, or why there is none.
func show(out io.Writer, resp any, err error) error {
	if err != nil {
		return fmt.Errorf("no verified answer, outcome unknown (inquire or repeat): %w", err)
	}
	b, _ := json.MarshalIndent(resp, "", "  ")
	fmt.Fprintln(out, string(b))
	return nil
}

func randomHex() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
