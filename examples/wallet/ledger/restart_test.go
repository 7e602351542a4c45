package ledger_test

import (
	"testing"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

func TestRestartKeepsMoneyAndOperations(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := t.Context()
		first := db.wallet(t)
		l := first.ledger
		if err := l.Seed(ctx, []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		paid, err := l.Debit(ctx, cashier("paid", "alice", 300))
		wantSucceeded(t, paid, err, "alice")
		res, err := l.Debit(ctx, paymentCode("code", "code-alice-1", 100))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Inquire(ctx, "lost")
		wantDeclined(t, res, err, engine.CodeProcessFail)
		first.close()

		// The next process seeds the same configuration again.
		l = db.open(t)
		if err := l.Seed(ctx, []ledger.User{alice, bob}); err != nil {
			t.Fatal(err)
		}
		wantBalance(t, l, "alice", "USD", 600)
		wantBalance(t, l, "bob", "USD", 10)
		again, err := l.Debit(ctx, cashier("paid", "alice", 300))
		wantSucceeded(t, again, err, "alice")
		if !again.At.Equal(paid.At) {
			t.Fatalf("At after restart = %v, want %v", again.At, paid.At)
		}
		res, err = l.Debit(ctx, paymentCode("code-again", "code-alice-1", 100))
		wantDeclined(t, res, err, engine.CodeAuthCodeAlreadyUsed)
		res, err = l.Debit(ctx, cashier("lost", "alice", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantBalance(t, l, "alice", "USD", 600)
	})
}

func TestSeedFollowsTheConfiguration(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := t.Context()
		l := seeded(t, db)
		res, err := l.Debit(ctx, paymentCode("spend", "code-alice-1", 1))
		wantSucceeded(t, res, err, "alice")

		// Next start: alice's starting USD raised (ignored), EUR added,
		// her token replaced, bob's token handed to alice's old one...
		next := alice
		next.AccessToken = "token-alice-2"
		next.Balances = map[string]int64{"USD": 5000, "EUR": 30}
		next.PaymentCodes = []string{"code-alice-1", "code-alice-3"}
		nextBob := bob
		nextBob.AccessToken = "token-alice"
		if err := l.Seed(ctx, []ledger.User{next, nextBob}); err != nil {
			t.Fatal(err)
		}
		wantBalance(t, l, "alice", "USD", 999)
		wantBalance(t, l, "alice", "EUR", 30)
		res, err = l.Debit(ctx, agreement("new-token", "token-alice-2", 1))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Debit(ctx, agreement("moved-token", "token-alice", 1))
		wantSucceeded(t, res, err, "bob")
		res, err = l.Debit(ctx, agreement("old-bob-token", "token-bob", 1))
		wantDeclined(t, res, err, engine.CodeInvalidAccessToken)
		res, err = l.Debit(ctx, paymentCode("reseeded-code", "code-alice-1", 1))
		wantDeclined(t, res, err, engine.CodeAuthCodeAlreadyUsed)
		res, err = l.Debit(ctx, paymentCode("new-code", "code-alice-3", 1))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Debit(ctx, paymentCode("unlisted-code", "code-alice-2", 1))
		wantSucceeded(t, res, err, "alice") // Seed removes no code

		// A user left out of the configuration is left alone.
		if err := l.Seed(ctx, nil); err != nil {
			t.Fatal(err)
		}
		wantBalance(t, l, "bob", "USD", 9)
	})
}

func TestSeedRefusesBadUsers(t *testing.T) {
	l := sqliteDatabase(t, false).open(t)
	for name, users := range map[string][]ledger.User{
		"no id":             {{Balances: map[string]int64{"USD": 1}}},
		"user twice":        {{ID: "a"}, {ID: "a"}},
		"token twice":       {{ID: "a", AccessToken: "t"}, {ID: "b", AccessToken: "t"}},
		"code twice":        {{ID: "a", PaymentCodes: []string{"c"}}, {ID: "b", PaymentCodes: []string{"c"}}},
		"empty code":        {{ID: "a", PaymentCodes: []string{""}}},
		"negative balance":  {{ID: "a", Balances: map[string]int64{"USD": -1}}},
		"balance, no money": {{ID: "a", Balances: map[string]int64{"": 1}}},
	} {
		if err := l.Seed(t.Context(), append([]ledger.User{{ID: "fine", Balances: map[string]int64{"USD": 1}}}, users...)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := l.Balance(t.Context(), "fine", "USD"); err == nil {
		t.Fatal("a refused Seed created a user")
	}
}
