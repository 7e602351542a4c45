// Package embed_test is the README's "Embed it on your own mux", run: the
// engine on an SQLite store, the cashier page, the Alipay+ handler and the
// background worker on a wallet's own mux, and a merchant's signed pay
// through it.
package embed_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/notify"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/adapters/cashier"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/engine/worker"
	"github.com/paystate/paystate/store/sqlitestore"
)

func Example() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	dir, _ := os.MkdirTemp("", "paystate-embed-")
	defer os.RemoveAll(dir)
	walletKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	shopKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	myLedger := memfunds.New() // your engine.Funds
	myLedger.SetBalance("alice", "USD", 50_00)
	myLedger.AddAccessToken("alice-token", "alice")
	formKey := []byte("a secret of at least 32 bytes...")
	signedInUser := func(*http.Request) (string, error) { return "alice", nil }

	// The README's lines, from here to ListenAndServe.
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "wallet.db"), sqlitestore.Options{})
	check(err)
	defer st.Close()
	eng, err := engine.New(st, myLedger, engine.Config{})
	check(err)
	cash, err := cashier.New(cashier.Config{Engine: eng, BaseURL: "https://wallet.example/cashier/",
		Key: formKey, UserOf: signedInUser})
	check(err)
	apiCfg := alipayplus.Config{
		Engine: eng, WalletClientID: "wallet", WalletKey: walletKey,
		Partners: []alipayplus.Partner{{PartnerID: "shop", ClientID: "shop-client",
			Profile: alipayplus.ProfileMiniProgramV1, PublicKeys: map[string]*rsa.PublicKey{"1": &shopKey.PublicKey}}},
		CashierURL: cash.URL,
	}
	api, err := alipayplus.NewHandler(apiCfg)
	check(err)
	notifier, err := notify.New(apiCfg, notify.Options{})
	check(err)
	w, err := worker.New(worker.Config{Engine: eng, Store: st, Notifier: notifier})
	check(err)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	mux := http.NewServeMux()
	mux.Handle("/v1/payments/", api)
	mux.Handle("/ams/api/v1/payments/", api)
	mux.Handle(cash.Prefix(), cash)
	srv := httptest.NewServer(mux) // http.ListenAndServe(addr, mux) in a real wallet
	defer srv.Close()

	// A merchant's cashier pay and an agreement pay through the mux.
	shop := &client.Client{BaseURL: srv.URL, ClientID: "shop-client", Key: shopKey, KeyVersion: "1",
		WalletKey: &walletKey.PublicKey, WalletClientID: "wallet"}
	var cashierPay, agreementPay wire.PayResponse
	res, err := shop.Call(ctx, "/v1/payments/pay", wire.PayRequest{
		PartnerID: "shop", PaymentRequestID: "order-1", PaymentOrderTitle: "Coffee beans",
		PaymentAmount: &wire.Amount{Currency: "USD", Value: "1250"},
		PaymentFactor: &wire.PaymentFactor{IsCashierPayment: true},
	}, &cashierPay)
	check(err)
	fmt.Println(res.ResultStatus, res.ResultCode, cashierPay.ActionForm.RedirectionURL == cash.URL(cashierPay.PaymentID))
	res, err = shop.Call(ctx, "/v1/payments/pay", wire.PayRequest{
		PartnerID: "shop", PaymentRequestID: "order-2", PaymentOrderTitle: "Coffee beans",
		PaymentAmount:   &wire.Amount{Currency: "USD", Value: "1250"},
		PaymentFactor:   &wire.PaymentFactor{IsAgreementPay: true},
		PaymentAuthCode: "alice-token",
	}, &agreementPay)
	check(err)
	fmt.Println(res.ResultStatus, res.ResultCode, myLedger.Balance("alice", "USD"))
	stop()
	fmt.Println("worker stopped:", <-done)
	// Output:
	// A ACCEPT true
	// S SUCCESS 3750
	// worker stopped: <nil>
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
