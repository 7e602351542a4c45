package engine_test

import (
	"context"
	"fmt"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/memstore"
)

// A wallet embeds the engine with a store, its ledger and a config. Here a
// merchant's cashier payment is confirmed by the user and then partly
// refunded.
func Example() {
	ctx := context.Background()
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 50_00)

	clock := enginetest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	ids := &enginetest.IDs{Prefix: "id"}
	eng, err := engine.New(memstore.New(), ledger, engine.Config{Now: clock.Now, NewID: ids.Next})
	if err != nil {
		panic(err)
	}

	amount, _ := engine.ParseMoney("USD", "1250") // 12.50 USD in minor units
	p, _ := eng.Pay(ctx, engine.PayRequest{
		PartnerID: "shop", RequestID: "order-1", Scenario: engine.ScenarioCashier,
		Amount: amount, OrderTitle: "Coffee beans", NotifyURL: "https://shop.example/notify",
	})
	fmt.Println("pay:", p.ID, p.State, p.Amount)

	p, _ = eng.Confirm(ctx, p.ID, "alice")
	fmt.Println("confirm:", p.State, "alice has", ledger.Balance("alice", "USD"))

	part, _ := engine.ParseMoney("USD", "250")
	r, _ := eng.Refund(ctx, engine.RefundRequest{PartnerID: "shop", RequestID: "refund-1", PaymentID: p.ID, Amount: part})
	fmt.Println("refund:", r.State, r.Amount, "alice has", ledger.Balance("alice", "USD"))

	p, _ = eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", RequestID: "order-1"})
	fmt.Println("inquiry:", p.State, "refundable", p.Refundable())
	// Output:
	// pay: id1 ACCEPT 12.50 USD
	// confirm: SUCCESS alice has 3750
	// refund: SUCCESS 2.50 USD alice has 4000
	// inquiry: SUCCESS refundable 1000
}
