package ledger_test

import (
	"context"
	"database/sql"
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

	dsn, _ := sqlitestore.DSN(filepath.Join(dir, "paystate.db"), sqlitestore.Options{})
	db, _ := sql.Open("sqlite", dsn)
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
