package ledger_test

import (
	"errors"
	"testing"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

// The money alice and bob are seeded with in USD: across their available
// and held balances and the merchants', holds, captures and releases keep
// it whole.
const seededUSD = 1000 + 10

// hold is a hold on user (cashier scenario) for the merchant "shop".
func hold(op, user string, minor int64) engine.FundsRequest {
	return engine.FundsRequest{OperationID: op, PaymentID: "pay-" + op, PartnerID: "shop", UserID: user,
		Scenario: engine.ScenarioCashier, Amount: usd(minor)}
}

// capture takes minor from hold holdID.
func capture(op, holdID string, minor int64) engine.FundsRequest {
	return engine.FundsRequest{OperationID: op, CaptureID: op, HoldID: holdID, PartnerID: "shop", Amount: usd(minor)}
}

// release gives back what hold holdID has left (expected: minor).
func release(op, holdID string, minor int64) engine.FundsRequest {
	return engine.FundsRequest{OperationID: op, HoldID: holdID, PartnerID: "shop", Amount: usd(minor)}
}

// wantMoney checks user's available and held balance in USD.
func wantMoney(t *testing.T, l *ledger.Ledger, user string, available, held int64) {
	t.Helper()
	got, err := l.Balance(t.Context(), user, "USD")
	if err != nil {
		t.Fatal(err)
	}
	if got.Available != available || got.Held != held {
		t.Fatalf("%s has %d available and %d held in USD, want %d and %d", user, got.Available, got.Held, available, held)
	}
}

// wantMerchant checks what captures paid the merchant "shop" in USD.
func wantMerchant(t *testing.T, l *ledger.Ledger, want int64) {
	t.Helper()
	got, err := l.MerchantBalance(t.Context(), "shop", "USD")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("merchant shop has %d USD, want %d", got, want)
	}
}

// checkConserved checks the ledger's money in USD against what alice and
// bob were seeded with, less what debits took and plus what credits gave
// (net): available plus held of both, plus the merchant's, is that sum,
// and each user's held balance is what their open holds (of holdIDs) have
// left.
func checkConserved(t *testing.T, l *ledger.Ledger, net int64, holdIDs ...string) {
	t.Helper()
	ctx := t.Context()
	left := map[string]int64{}
	for _, id := range holdIDs {
		h, err := l.HoldState(ctx, id)
		if errors.Is(err, ledger.ErrUnknownHold) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Captured+h.Released > h.Amount || h.Open && h.Released != 0 {
			t.Fatalf("hold %s: %+v: captured and released more than it held", id, h)
		}
		left[h.User] += h.Left()
	}
	total, err := l.MerchantBalance(ctx, "shop", "USD")
	if err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"alice", "bob"} {
		b, err := l.Balance(ctx, user, "USD")
		if err != nil {
			t.Fatal(err)
		}
		if b.Held != left[user] {
			t.Fatalf("%s has %d held, their holds have %d left", user, b.Held, left[user])
		}
		total += b.Available + b.Held
	}
	if want := seededUSD + net; total != want {
		t.Fatalf("available + held + merchant = %d USD, want %d", total, want)
	}
}

func TestHoldCaptureRelease(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		res, err := l.Hold(ctx, hold("h", "alice", 600))
		wantSucceeded(t, res, err, "alice")
		if res.At.IsZero() {
			t.Fatal("a placed hold has no At")
		}
		wantMoney(t, l, "alice", 400, 600)
		checkConserved(t, l, 0, "h")

		// The held money pays nothing else.
		res, err = l.Debit(ctx, cashier("debit", "alice", 401))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Evaluate(ctx, agreement("", "token-alice", 401))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)

		res, err = l.Capture(ctx, capture("c1", "h", 200))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 400, 400)
		wantMerchant(t, l, 200)
		res, err = l.Capture(ctx, capture("c2", "h", 300))
		wantSucceeded(t, res, err, "alice")
		checkConserved(t, l, 0, "h")

		// More than the hold has left, or another currency: declined,
		// nothing moves.
		res, err = l.Capture(ctx, capture("c3", "h", 101))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		jpy := capture("c4", "h", 1)
		jpy.Amount.Currency = "JPY"
		res, err = l.Capture(ctx, jpy)
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantMoney(t, l, "alice", 400, 100)
		wantMerchant(t, l, 500)

		res, err = l.Release(ctx, release("r1", "h", 100))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 500, 0)
		wantMerchant(t, l, 500)
		h, err := l.HoldState(ctx, "h")
		if err != nil {
			t.Fatal(err)
		}
		if want := (ledger.HoldState{User: "alice", Currency: "USD", Amount: 600, Captured: 500, Released: 100}); h != want {
			t.Fatalf("hold after release: %+v, want %+v", h, want)
		}
		checkConserved(t, l, 0, "h")

		// A released hold: nothing to capture; releasing it again
		// succeeds and gives back nothing.
		res, err = l.Capture(ctx, capture("c5", "h", 1))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Release(ctx, release("r2", "h", 100))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 500, 0)
		checkConserved(t, l, 0, "h")

		// A hold captured whole and released gives back nothing either.
		res, err = l.Hold(ctx, hold("whole", "alice", 500))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Capture(ctx, capture("c6", "whole", 500))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Release(ctx, release("r3", "whole", 0))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 0, 0)
		wantMerchant(t, l, 1000)
		checkConserved(t, l, 0, "h", "whole")

		got, err := l.Balances(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if want := []ledger.Balance{{Currency: "JPY", Available: 500}, {Currency: "USD"}}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("Balances(alice) = %+v, want %+v", got, want)
		}
		if _, err := l.Balances(ctx, "carol"); !errors.Is(err, ledger.ErrUnknownUser) {
			t.Fatalf("Balances of an unknown user: %v, want ErrUnknownUser", err)
		}
	})
}

func TestHoldDeclines(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		// The same reasons as a debit's.
		res, err := l.Hold(ctx, hold("low", "bob", 11))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Hold(ctx, hold("no-user", "carol", 1))
		wantDeclined(t, res, err, engine.CodeUserNotExist)
		res, err = l.Hold(ctx, hold("zero", "alice", 0))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Hold(ctx, agreement("bad-token", "token-nobody", 1))
		wantDeclined(t, res, err, engine.CodeInvalidAccessToken)
		res, err = l.Hold(ctx, paymentCode("bad-code", "code-nobody", 1))
		wantDeclined(t, res, err, engine.CodeInvalidCode)

		// A payment code pays one hold; a hold declined for want of money
		// leaves it usable.
		res, err = l.Hold(ctx, paymentCode("code-low", "code-alice-1", 5000))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Hold(ctx, paymentCode("code-hold", "code-alice-1", 10))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Debit(ctx, paymentCode("code-again", "code-alice-1", 10))
		wantDeclined(t, res, err, engine.CodeAuthCodeAlreadyUsed)
		res, err = l.Hold(ctx, agreement("token-hold", "token-alice", 90))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 900, 100)

		// No hold of that id: a declined hold, or none at all.
		for _, holdID := range []string{"low", "nowhere", ""} {
			res, err = l.Capture(ctx, capture("capture-"+holdID, holdID, 1))
			wantDeclined(t, res, err, engine.CodeProcessFail)
			res, err = l.Release(ctx, release("release-"+holdID, holdID, 1))
			wantDeclined(t, res, err, engine.CodeProcessFail)
		}
		res, err = l.Capture(ctx, capture("capture-zero", "code-hold", 0))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantMoney(t, l, "alice", 900, 100)
		wantMoney(t, l, "bob", 10, 0)
		wantMerchant(t, l, 0)
		checkConserved(t, l, 0, "code-hold", "token-hold")

		if _, err := l.HoldState(ctx, "low"); !errors.Is(err, ledger.ErrUnknownHold) {
			t.Fatalf("HoldState of a declined hold: %v, want ErrUnknownHold", err)
		}
	})
}

func TestHoldOperationsApplyAtMostOnce(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		first, err := l.Hold(ctx, hold("h", "alice", 600))
		wantSucceeded(t, first, err, "alice")
		captured, err := l.Capture(ctx, capture("c", "h", 100))
		wantSucceeded(t, captured, err, "alice")
		released, err := l.Release(ctx, release("r", "h", 500))
		wantSucceeded(t, released, err, "alice")
		for range 2 {
			for name, call := range map[string]func() (engine.FundsResult, error){
				"hold":    func() (engine.FundsResult, error) { return l.Hold(ctx, hold("h", "alice", 600)) },
				"capture": func() (engine.FundsResult, error) { return l.Capture(ctx, capture("c", "h", 100)) },
				"release": func() (engine.FundsResult, error) { return l.Release(ctx, release("r", "h", 500)) },
				// Another kind under a used id: the recorded answer.
				"debit as hold": func() (engine.FundsResult, error) { return l.Debit(ctx, cashier("h", "alice", 600)) },
				"release as capture": func() (engine.FundsResult, error) {
					return l.Release(ctx, release("c", "h", 0))
				},
			} {
				again, err := call()
				wantSucceeded(t, again, err, "alice")
				if at := map[string]engine.FundsResult{"hold": first, "capture": captured, "release": released,
					"debit as hold": first, "release as capture": captured}[name].At; !again.At.Equal(at) {
					t.Fatalf("repeated %s: At = %v, want the recorded %v", name, again.At, at)
				}
			}
		}
		wantMoney(t, l, "alice", 900, 0)
		wantMerchant(t, l, 100)

		// A declined capture stays declined when the hold could pay it.
		res, err := l.Hold(ctx, hold("h2", "alice", 100))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Capture(ctx, capture("early", "h3", 50))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Hold(ctx, hold("h3", "alice", 100))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Capture(ctx, capture("early", "h3", 50))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantMoney(t, l, "alice", 700, 200)
		checkConserved(t, l, 0, "h", "h2", "h3")
	})
}

// Inquire answers for holds, captures and releases as for debits, and
// fences an id it never saw, whatever kind arrives with it later.
func TestInquireHolds(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		placed, err := l.Hold(ctx, hold("h", "alice", 600))
		wantSucceeded(t, placed, err, "alice")
		res, err := l.Inquire(ctx, "h")
		wantSucceeded(t, res, err, "alice")
		if !res.At.Equal(placed.At) {
			t.Fatalf("Inquire At = %v, want %v", res.At, placed.At)
		}
		res, err = l.Hold(ctx, hold("low", "bob", 100))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Inquire(ctx, "low")
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Capture(ctx, capture("c", "h", 100))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Inquire(ctx, "c")
		wantSucceeded(t, res, err, "alice")
		res, err = l.Capture(ctx, capture("too-much", "h", 1000))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Inquire(ctx, "too-much")
		wantDeclined(t, res, err, engine.CodeProcessFail)

		// Fenced ids: a hold, a capture and a release that arrive after
		// the engine gave up on them move nothing.
		for _, id := range []string{"lost-hold", "lost-capture", "lost-release"} {
			res, err = l.Inquire(ctx, id)
			wantDeclined(t, res, err, engine.CodeProcessFail)
		}
		res, err = l.Hold(ctx, hold("lost-hold", "alice", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Capture(ctx, capture("lost-capture", "h", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Release(ctx, release("lost-release", "h", 400))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantMoney(t, l, "alice", 400, 500)
		wantMerchant(t, l, 100)

		// The release that does come through is learned by Inquire too.
		res, err = l.Release(ctx, release("r", "h", 500))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Inquire(ctx, "r")
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 900, 0)
		checkConserved(t, l, 0, "h", "lost-hold")
	})
}

func TestRestartKeepsHolds(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := t.Context()
		first := db.wallet(t)
		if err := first.ledger.Seed(ctx, []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		res, err := first.ledger.Hold(ctx, hold("h", "alice", 600))
		wantSucceeded(t, res, err, "alice")
		res, err = first.ledger.Capture(ctx, capture("c", "h", 100))
		wantSucceeded(t, res, err, "alice")
		first.close()

		l := db.open(t)
		if err := l.Seed(ctx, []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		wantMoney(t, l, "alice", 400, 500) // seeding leaves held money alone
		res, err = l.Capture(ctx, capture("c", "h", 100))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Release(ctx, release("r", "h", 500))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 900, 0)
		wantMerchant(t, l, 100)
		checkConserved(t, l, 0, "h")
	})
}
