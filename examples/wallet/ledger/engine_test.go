package ledger_test

import (
	"testing"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

// The engine over the paystate store and this ledger, sharing one
// database as in the wallet: pay in each way a payer is named, refund,
// repeat, and decline.
func TestEngineOverTheLedger(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := t.Context()
		w := db.wallet(t)
		if err := w.ledger.Seed(ctx, []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		eng, err := engine.New(w.store, w.ledger, engine.Config{})
		if err != nil {
			t.Fatal(err)
		}
		pay := func(id string, scenario engine.Scenario, authCode string, minor int64) (engine.Payment, error) {
			return eng.Pay(ctx, engine.PayRequest{
				PartnerID: "shop", RequestID: id, Scenario: scenario, AuthCode: authCode,
				Amount: usd(minor), OrderTitle: "Tea", NotifyURL: "https://shop.example/notify",
			})
		}

		p, err := pay("order-1", engine.ScenarioAgreement, "token-alice", 250)
		if err != nil || p.State != engine.PaymentSuccess || p.UserID != "alice" {
			t.Fatalf("agreement pay: %+v, %v", p, err)
		}
		if again, err := pay("order-1", engine.ScenarioAgreement, "token-alice", 250); err != nil || again.ID != p.ID {
			t.Fatalf("repeated pay: %+v, %v", again, err)
		}
		wantBalance(t, w.ledger, "alice", "USD", 750)

		r, err := eng.Refund(ctx, engine.RefundRequest{PartnerID: "shop", RequestID: "refund-1", PaymentID: p.ID, Amount: usd(100)})
		if err != nil || r.State != engine.RefundSuccess {
			t.Fatalf("refund: %+v, %v", r, err)
		}
		wantBalance(t, w.ledger, "alice", "USD", 850)

		p, err = pay("order-2", engine.ScenarioPaymentCode, "code-alice-1", 50)
		if err != nil || p.State != engine.PaymentSuccess {
			t.Fatalf("payment code pay: %+v, %v", p, err)
		}
		p, err = pay("order-3", engine.ScenarioCashier, "", 800)
		if err != nil || p.State != engine.PaymentAccept {
			t.Fatalf("cashier pay: %+v, %v", p, err)
		}
		if p, err = eng.Confirm(ctx, p.ID, "alice"); err != nil || p.State != engine.PaymentSuccess {
			t.Fatalf("confirm: %+v, %v", p, err)
		}
		wantBalance(t, w.ledger, "alice", "USD", 0)

		p, err = pay("order-4", engine.ScenarioAgreement, "token-bob", 11)
		if err != nil || p.State != engine.PaymentFail || p.FailReason != engine.CodeBalanceNotEnough {
			t.Fatalf("pay over bob's balance: %+v, %v; want FAIL with %v", p, err, engine.CodeBalanceNotEnough)
		}
		if _, err := eng.Pay(ctx, engine.PayRequest{PartnerID: "shop", RequestID: "eval", Scenario: engine.ScenarioEvaluation,
			AuthCode: "token-bob", Amount: usd(11)}); err == nil {
			t.Fatal("evaluation over bob's balance succeeded")
		}
		wantBalance(t, w.ledger, "bob", "USD", 10)
	})
}
