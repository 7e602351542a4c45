package alipayplus_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/paystate/paystate/adapters/alipayplus"
	"github.com/paystate/paystate/adapters/alipayplus/client"
	"github.com/paystate/paystate/adapters/alipayplus/wire"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// A wallet mounts the handler on its mux; a merchant's Client signs a pay
// and verifies the answer. Here user alice pays by agreement (her access
// token), so the answer is final at once.
func ExampleNewHandler() {
	walletKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	shopKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 50_00)
	ledger.AddAccessToken("alice-token", "alice")
	eng, err := engine.New(memstore.New(), ledger, engine.Config{})
	if err != nil {
		panic(err)
	}

	h, err := alipayplus.NewHandler(alipayplus.Config{
		Engine: eng, WalletClientID: "wallet", WalletKey: walletKey,
		Partners: []alipayplus.Partner{{
			PartnerID: "shop", ClientID: "shop-client", Profile: alipayplus.ProfileMiniProgramV1,
			PublicKeys: map[string]*rsa.PublicKey{"1": &shopKey.PublicKey},
		}},
		CashierURL: func(paymentID string) string { return "https://wallet.example/cashier/" + paymentID },
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/payments/", h)
	mux.Handle("/ams/api/v1/payments/", h) // Antom partners' paths
	srv := httptest.NewServer(mux)
	defer srv.Close()

	shop := &client.Client{BaseURL: srv.URL, ClientID: "shop-client", Key: shopKey, KeyVersion: "1",
		WalletKey: &walletKey.PublicKey, WalletClientID: "wallet"}
	var answer wire.PayResponse
	res, err := shop.Call(context.Background(), "/v1/payments/pay", wire.PayRequest{
		PartnerID: "shop", PaymentRequestID: "order-1", PaymentOrderTitle: "Coffee beans",
		PaymentAmount:   &wire.Amount{Currency: "USD", Value: "1250"},
		PaymentFactor:   &wire.PaymentFactor{IsAgreementPay: true},
		PaymentAuthCode: "alice-token",
	}, &answer)
	if err != nil {
		panic(err) // outcome unknown: inquire, or repeat with the same request id
	}
	fmt.Println(res.ResultStatus, res.ResultCode, answer.PaymentTime != "", ledger.Balance("alice", "USD"))
	// Output: S SUCCESS true 3750
}
