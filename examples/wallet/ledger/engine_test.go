package ledger_test

import (
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/enginetest"
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

// Authorizations through the engine over the store and this ledger: the
// hold, partial and last captures (the rest released), a void, a decline,
// and holds and captures whose answer was lost, which the reconciler
// learns from Inquire.
func TestEngineAuthorizesOverTheLedger(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := t.Context()
		w := db.wallet(t)
		if err := w.ledger.Seed(ctx, []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		clock := enginetest.NewClock(time.Now())
		eng, err := engine.New(w.store, w.ledger, engine.Config{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		l := w.ledger
		authorize := func(id string, scenario engine.Scenario, authCode string, minor int64) (engine.Payment, error) {
			return eng.Pay(ctx, engine.PayRequest{
				PartnerID: "shop", RequestID: id, Scenario: scenario, AuthCode: authCode, Authorization: true,
				Amount: usd(minor), OrderTitle: "Room", NotifyURL: "https://shop.example/notify",
			})
		}
		captureOf := func(p engine.Payment, id string, minor int64, last bool) (engine.Capture, error) {
			return eng.Capture(ctx, engine.CaptureRequest{PartnerID: "shop", RequestID: id, PaymentID: p.ID, Amount: usd(minor), Last: last})
		}

		p, err := authorize("stay", engine.ScenarioAgreement, "token-alice", 600)
		if err != nil || p.State != engine.PaymentAuthorized || p.UserID != "alice" {
			t.Fatalf("authorize: %+v, %v", p, err)
		}
		wantMoney(t, l, "alice", 400, 600)
		c, err := captureOf(p, "night-1", 200, false)
		if err != nil || c.State != engine.CaptureSuccess {
			t.Fatalf("capture: %+v, %v", c, err)
		}
		wantMoney(t, l, "alice", 400, 400)
		wantMerchant(t, l, 200)
		if again, err := captureOf(p, "night-1", 200, false); err != nil || again.ID != c.ID {
			t.Fatalf("repeated capture: %+v, %v", again, err)
		}
		c, err = captureOf(p, "night-2", 100, true)
		if err != nil || c.State != engine.CaptureSuccess {
			t.Fatalf("last capture: %+v, %v", c, err)
		}
		wantMoney(t, l, "alice", 700, 0) // the rest of the hold came back
		wantMerchant(t, l, 300)
		if p, err = eng.Payment(ctx, p.ID); err != nil || p.State != engine.PaymentSuccess {
			t.Fatalf("after the last capture: %+v, %v", p, err)
		}

		// A void releases the whole hold.
		p, err = authorize("void", engine.ScenarioPaymentCode, "code-alice-1", 100)
		if err != nil || p.State != engine.PaymentAuthorized {
			t.Fatalf("authorize by payment code: %+v, %v", p, err)
		}
		wantMoney(t, l, "alice", 600, 100)
		if p, err = eng.Cancel(ctx, engine.PaymentRef{PartnerID: "shop", PaymentID: p.ID}); err != nil || p.State != engine.PaymentClosed {
			t.Fatalf("void: %+v, %v", p, err)
		}
		wantMoney(t, l, "alice", 700, 0)

		p, err = authorize("over", engine.ScenarioAgreement, "token-bob", 11)
		if err != nil || p.State != engine.PaymentFail || p.FailReason != engine.CodeBalanceNotEnough {
			t.Fatalf("authorize over bob's balance: %+v, %v; want FAIL with %v", p, err, engine.CodeBalanceNotEnough)
		}

		// The ledger fails while a hold is placed: the engine has no
		// answer, and its reconciler learns that the hold never came
		// through (Inquire fences it).
		undo := failRecording(t, db)
		p, _ = authorize("lost-hold", engine.ScenarioAgreement, "token-alice", 100)
		undo()
		if p.State == engine.PaymentAuthorized {
			t.Fatalf("authorized although the ledger failed: %+v", p)
		}
		reconcile := func() {
			t.Helper()
			clock.Advance(time.Hour)
			if _, err := eng.Reconcile(ctx, 100); err != nil {
				t.Fatal(err)
			}
		}
		reconcile()
		if p, err = eng.InquirePayment(ctx, engine.PaymentRef{PartnerID: "shop", RequestID: "lost-hold"}); err != nil || p.State != engine.PaymentFail {
			t.Fatalf("lost hold after reconciling: %+v, %v", p, err)
		}
		wantMoney(t, l, "alice", 700, 0)

		// Likewise a capture.
		p, err = authorize("lost-capture", engine.ScenarioAgreement, "token-alice", 300)
		if err != nil || p.State != engine.PaymentAuthorized {
			t.Fatalf("authorize: %+v, %v", p, err)
		}
		undo = failRecording(t, db)
		c, _ = captureOf(p, "lost", 100, false)
		undo()
		if c.State == engine.CaptureSuccess {
			t.Fatalf("captured although the ledger failed: %+v", c)
		}
		reconcile()
		if p, err = eng.Payment(ctx, p.ID); err != nil || len(p.Captures) != 1 || p.Captures[0].State != engine.CaptureFail {
			t.Fatalf("lost capture after reconciling: %+v, %v", p, err)
		}
		c, err = captureOf(p, "found", 300, true)
		if err != nil || c.State != engine.CaptureSuccess {
			t.Fatalf("capture after the lost one: %+v, %v", c, err)
		}
		wantMoney(t, l, "alice", 400, 0)
		wantMerchant(t, l, 600)
		checkConserved(t, l, 0)
	})
}
