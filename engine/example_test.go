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

// A hotel holds the price of a stay when the guest checks in, captures it
// night by night and releases the rest with its last capture.
func ExampleEngine_Capture() {
	ctx := context.Background()
	ledger := memfunds.New() // implements engine.Holds: authorizations are offered
	ledger.SetBalance("alice", "USD", 500_00)
	ledger.AddAccessToken("token-alice", "alice")

	clock := enginetest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	ids := &enginetest.IDs{Prefix: "id"}
	eng, err := engine.New(memstore.New(), ledger, engine.Config{Now: clock.Now, NewID: ids.Next})
	if err != nil {
		panic(err)
	}

	stay, _ := engine.ParseMoney("USD", "30000") // three nights, 300.00 USD
	p, _ := eng.Pay(ctx, engine.PayRequest{
		PartnerID: "hotel", RequestID: "stay-1", Scenario: engine.ScenarioAgreement,
		Amount: stay, AuthCode: "token-alice", Authorization: true,
	})
	fmt.Println("pay:", p.State, "until", p.AuthExpiresAt.Format(time.DateOnly), "alice has", ledger.Balance("alice", "USD"), "held", ledger.Held("alice", "USD"))

	night, _ := engine.ParseMoney("USD", "10000")
	c, _ := eng.Capture(ctx, engine.CaptureRequest{PartnerID: "hotel", RequestID: "night-1", PaymentID: p.ID, Amount: night})
	fmt.Println("capture:", c.State, c.Amount, "held", ledger.Held("alice", "USD"))

	// The guest leaves after two nights: the second capture is the last.
	c, _ = eng.Capture(ctx, engine.CaptureRequest{PartnerID: "hotel", RequestID: "night-2", PaymentID: p.ID, Amount: night, Last: true})
	fmt.Println("last capture:", c.State, c.Amount, "alice has", ledger.Balance("alice", "USD"), "held", ledger.Held("alice", "USD"))

	p, _ = eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "hotel", RequestID: "stay-1"})
	fmt.Println("inquiry:", p.State, "captured", p.Captured, "in", len(p.Captures), "captures")
	// Output:
	// pay: AUTHORIZED until 2026-01-09 alice has 20000 held 30000
	// capture: SUCCESS 100.00 USD held 20000
	// last capture: SUCCESS 100.00 USD alice has 30000 held 0
	// inquiry: SUCCESS captured 20000 in 2 captures
}
