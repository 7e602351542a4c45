package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
	"github.com/paystate/paystate/store/sqlitestore"
)

// The wallet opens one *sql.DB on its SQLite file and hands it to both the
// store and the ledger. With PostgreSQL it hands the store's pool and
// schema to ledger.Postgres instead.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ledger-example")
	defer os.RemoveAll(dir)

	db, _ := sqlitestore.OpenDB(filepath.Join(dir, "paystate.db"), sqlitestore.Options{})
	defer db.Close()
	st, err := sqlitestore.New(ctx, db, sqlitestore.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	funds, err := ledger.Open(ctx, ledger.SQLite(db))
	if err != nil {
		panic(err)
	}
	// At every start: new users get their starting balances, known ones
	// keep what they have.
	users := []ledger.User{{ID: "alice", AccessToken: "token-alice", Balances: map[string]int64{"USD": 100_00}}}
	if err := funds.Seed(ctx, users); err != nil {
		panic(err)
	}

	eng, _ := engine.New(st, funds, engine.Config{})
	amount, _ := engine.ParseMoney("USD", "1250")
	p, _ := eng.Pay(ctx, engine.PayRequest{
		PartnerID: "shop", RequestID: "order-1", Scenario: engine.ScenarioAgreement, AuthCode: "token-alice",
		Amount: amount, OrderTitle: "Coffee beans",
	})
	_ = funds.Seed(ctx, users) // a restart changes nothing
	balance, _ := funds.Balance(ctx, "alice", "USD")
	fmt.Println(p.State, p.UserID, balance.Available, balance.Held)
	// Output: SUCCESS alice 8750 0
}

// A hold sets money aside on the payer; captures pay the merchant from
// it, and the release gives the rest back. The engine makes these calls
// for authorization payments; here they are made by hand.
func ExampleLedger_Hold() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ledger-example")
	defer os.RemoveAll(dir)
	db, _ := sqlitestore.OpenDB(filepath.Join(dir, "paystate.db"), sqlitestore.Options{})
	defer db.Close()
	funds, err := ledger.Open(ctx, ledger.SQLite(db))
	if err != nil {
		panic(err)
	}
	_ = funds.Seed(ctx, []ledger.User{{ID: "alice", Balances: map[string]int64{"USD": 500_00}}})
	show := func(step string) {
		b, _ := funds.Balance(ctx, "alice", "USD")
		shop, _ := funds.MerchantBalance(ctx, "hotel", "USD")
		fmt.Printf("%-8s alice: %d available, %d held; hotel: %d\n", step, b.Available, b.Held, shop)
	}

	usd := func(minor int64) engine.Money { return engine.Money{Currency: "USD", Minor: minor} }
	_, _ = funds.Hold(ctx, engine.FundsRequest{OperationID: "stay-1", PartnerID: "hotel", UserID: "alice", Amount: usd(300_00)})
	show("hold")
	_, _ = funds.Capture(ctx, engine.FundsRequest{OperationID: "night-1", HoldID: "stay-1", Amount: usd(100_00)})
	show("capture")
	_, _ = funds.Release(ctx, engine.FundsRequest{OperationID: "checkout", HoldID: "stay-1", Amount: usd(200_00)})
	show("release")
	// Output:
	// hold     alice: 20000 available, 30000 held; hotel: 0
	// capture  alice: 20000 available, 20000 held; hotel: 10000
	// release  alice: 40000 available, 0 held; hotel: 10000
}
