package cashier_test

import (
	"fmt"
	"net/http"

	"github.com/paystate/paystate/adapters/cashier"
	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// A wallet mounts the cashier at the path of its BaseURL and gives URL to
// the Alipay+ adapter as CashierURL.
func ExampleNew() {
	eng, err := engine.New(memstore.New(), memfunds.New(), engine.Config{})
	if err != nil {
		panic(err)
	}
	cash, err := cashier.New(cashier.Config{
		Engine:  eng,
		BaseURL: "https://wallet.example/cashier/",
		Key:     []byte("a secret of at least 32 bytes..."),
		UserOf: func(r *http.Request) (string, error) {
			return "alice", nil // the wallet's signed-in user
		},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle(cash.Prefix(), cash)
	fmt.Println(cash.Prefix())
	fmt.Println(cash.URL("2026050600000001"))
	// Output:
	// /cashier/
	// https://wallet.example/cashier/2026050600000001
}
