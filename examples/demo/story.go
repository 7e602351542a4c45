package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/examples/merchant/shop"
	"github.com/paystate/paystate/examples/wallet/app"
)

// run plays the story, writing one line per step to out. It fails on the
// first step whose answer is not the one the spec promises.
func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "paystate-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	step := func(format string, args ...any) { fmt.Fprintf(out, "• "+format+"\n", args...) }

	// The wallet, on a free loopback port, with the demo configuration.
	walletLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	walletURL := "http://" + walletLn.Addr().String()
	cfgPath, _, err := app.DemoConfig(dir)
	if err != nil {
		return err
	}
	cfg, err := app.LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	cfg.Listen, cfg.PublicURL = walletLn.Addr().String(), walletURL
	if err := cfg.Check(); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	wallet, err := app.New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer wallet.Close()
	walletCtx, stopWallet := context.WithCancel(ctx)
	walletDone := make(chan error, 1)
	go func() { walletDone <- wallet.Run(walletCtx, walletLn) }()
	defer func() { stopWallet(); <-walletDone }()
	step("wallet listening on %s (SQLite store in a temporary folder)", walletURL)

	// The merchant, with its notifyPayment endpoint on another port.
	shopCfg, merchant, notifications, err := shop.LoadConfig(filepath.Join(dir, "merchant.json"))
	if err != nil {
		return err
	}
	merchant.Client.BaseURL = walletURL
	received := make(chan shop.Notification, 10)
	notifications.Received = func(n shop.Notification) { received <- n }
	notifyLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /notify", notifications)
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "Thank you for your order!") })
	notifySrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = notifySrv.Serve(notifyLn) }()
	defer notifySrv.Close()
	merchantURL := "http://" + notifyLn.Addr().String()
	merchant.NotifyURL = merchantURL + "/notify"
	step("merchant %s ready, notifyPayment endpoint %s", merchant.PartnerID, merchant.NotifyURL)

	// 1. Cashier pay.
	price := wire.Amount{Currency: "USD", Value: "1250"}
	order := shop.Order{RequestID: "demo-order-1", Title: "Flat white and a croissant", Amount: price, ReturnURL: merchantURL + "/thanks"}
	pay, err := merchant.Pay(ctx, order)
	if err := expect("pay", pay.Result, err, wire.StatusAccepted, wire.CodeAccept); err != nil {
		return err
	}
	if pay.ActionForm == nil || pay.ActionForm.RedirectionURL == "" {
		return errors.New("pay: no cashier URL in the answer")
	}
	step("pay %s USD 12.50 -> %s, payment %s, cashier %s", order.RequestID, describe(pay.Result), pay.PaymentID, pay.ActionForm.RedirectionURL)

	// 2. The user pays on the cashier page, as a browser would.
	landed, err := shop.PayOnCashier(ctx, pay.ActionForm.RedirectionURL)
	if err != nil {
		return fmt.Errorf("cashier: %w", err)
	}
	step("the user paid on the cashier page and was sent back to %s", landed)

	// 3. The wallet notifies the merchant; the merchant verified it.
	select {
	case n := <-received:
		if n.PaymentID != pay.PaymentID || n.PaymentStatus != "SUCCESS" {
			return fmt.Errorf("notifyPayment: got %+v", n)
		}
		step("notifyPayment received, signature verified: payment %s %s %s %s (notification %s)", n.PaymentID, n.PaymentStatus, n.PaymentAmount.Currency, n.PaymentAmount.Value, n.ID)
	case <-ctx.Done():
		return errors.New("notifyPayment: none received")
	}

	// 4. A partial refund.
	part := wire.Amount{Currency: "USD", Value: "500"}
	refund, err := merchant.Refund(ctx, "demo-refund-1", pay.PaymentID, part, "one croissant was missing")
	if err := expect("refund", refund.Result, err, wire.StatusSuccess, wire.CodeSuccess); err != nil {
		return err
	}
	step("refund demo-refund-1 USD 5.00 -> %s, refund %s", describe(refund.Result), refund.RefundID)

	// 5. Inquiry.
	inq, err := merchant.InquirePayment(ctx, pay.PaymentID)
	if err := expect("inquiryPayment", inq.Result, err, wire.StatusSuccess, wire.CodeSuccess); err != nil {
		return err
	}
	if inq.PaymentStatus != wire.PaymentStatusSuccess {
		return fmt.Errorf("inquiryPayment: paymentStatus %s, want SUCCESS", inq.PaymentStatus)
	}
	step("inquiryPayment -> %s, paymentStatus %s", describe(inq.Result), inq.PaymentStatus)

	// 6. An over-refund is refused: 5.00 refunded, 7.50 left, 8.00 asked.
	over := wire.Amount{Currency: "USD", Value: "800"}
	refused, err := merchant.Refund(ctx, "demo-refund-2", pay.PaymentID, over, "")
	if err := expect("over-refund", refused.Result, err, wire.StatusFail, wire.CodeRefundAmountExceed); err != nil {
		return err
	}
	step("refund demo-refund-2 USD 8.00 (only 7.50 left) -> %s", describe(refused.Result))

	// 7. A repeated request gets the same answer and moves no money.
	again, err := merchant.Refund(ctx, "demo-refund-1", pay.PaymentID, part, "one croissant was missing")
	if err := expect("repeated refund", again.Result, err, wire.StatusSuccess, wire.CodeSuccess); err != nil {
		return err
	}
	first, _ := json.Marshal(refund)
	second, _ := json.Marshal(again)
	if string(first) != string(second) {
		return fmt.Errorf("repeated refund: answered %s, first answer %s", second, first)
	}
	step("refund demo-refund-1 repeated -> the same answer, refund %s, nothing moved twice", again.RefundID)
	final, err := merchant.InquirePayment(ctx, pay.PaymentID)
	if err != nil {
		return err
	}
	step("done: payment %s %s, demo-refund-1 counted once", final.PaymentID, final.PaymentStatus)
	return authorizeAndCapture(ctx, merchant, shopCfg.AccessToken, step)
}

// authorizeAndCapture tells an authorization: a hotel holds USD 80.00 on
// the user's agreement, takes 30.00 and then 20.00 as its last capture,
// and the 30.00 left goes back to the user.
func authorizeAndCapture(ctx context.Context, merchant *shop.Merchant, accessToken string, step func(string, ...any)) error {
	hold := shop.Order{RequestID: "demo-hotel-1", Title: "Hotel deposit", Amount: wire.Amount{Currency: "USD", Value: "8000"},
		AccessToken: accessToken, Authorize: true}
	auth, err := merchant.Pay(ctx, hold)
	if err := expect("authorization", auth.Result, err, wire.StatusSuccess, wire.CodeSuccess); err != nil {
		return err
	}
	step("authorize %s USD 80.00 -> %s (authorized, held until %s), payment %s", hold.RequestID, describe(auth.Result), auth.AuthExpiryTime, auth.PaymentID)
	for _, c := range []struct {
		request, value, major string
		last                  bool
	}{{"demo-capture-1", "3000", "30.00", false}, {"demo-capture-2", "2000", "20.00", true}} {
		got, err := merchant.Capture(ctx, c.request, auth.PaymentID, wire.Amount{Currency: "USD", Value: c.value}, c.last)
		if err := expect("capture", got.Result, err, wire.StatusSuccess, wire.CodeSuccess); err != nil {
			return err
		}
		step("capture %s USD %s (last: %t) -> %s, capture %s", c.request, c.major, c.last, describe(got.Result), got.CaptureID)
	}
	inq, err := merchant.InquirePayment(ctx, auth.PaymentID)
	if err := expect("inquiryPayment", inq.Result, err, wire.StatusSuccess, wire.CodeSuccess); err != nil {
		return err
	}
	step("inquiryPayment -> paymentStatus %s, USD 50.00 captured in %d parts, the other 30.00 released to the user", inq.PaymentStatus, len(inq.Transactions))
	return nil
}

// expect checks an answer's result.
func expect(what string, r wire.Result, err error, status, code string) error {
	if err != nil {
		return fmt.Errorf("%s: no verified answer: %w", what, err)
	}
	if r.ResultStatus != status || r.ResultCode != code {
		return fmt.Errorf("%s: answered %s, want %s %s", what, describe(r), status, code)
	}
	return nil
}

func describe(r wire.Result) string { return r.ResultStatus + " " + r.ResultCode }
