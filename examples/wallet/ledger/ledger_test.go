package ledger_test

import (
	"errors"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

// The users most tests start from.
var (
	alice = ledger.User{ID: "alice", AccessToken: "token-alice", PaymentCodes: []string{"code-alice-1", "code-alice-2"},
		Balances: map[string]int64{"USD": 1000, "JPY": 500}}
	bob = ledger.User{ID: "bob", AccessToken: "token-bob", Balances: map[string]int64{"USD": 10}}
)

// seeded returns a Ledger on db holding alice and bob.
func seeded(t *testing.T, db database) *ledger.Ledger {
	t.Helper()
	l := db.open(t)
	if err := l.Seed(t.Context(), []ledger.User{alice, bob}); err != nil {
		t.Fatal(err)
	}
	return l
}

func usd(minor int64) engine.Money { return engine.Money{Currency: "USD", Minor: minor} }

// cashier is a debit of user (cashier scenario) or a credit to user.
func cashier(op, user string, minor int64) engine.FundsRequest {
	return engine.FundsRequest{OperationID: op, PaymentID: "pay-" + op, UserID: user, Scenario: engine.ScenarioCashier, Amount: usd(minor)}
}

// agreement is a debit of the owner of an access token.
func agreement(op, token string, minor int64) engine.FundsRequest {
	return engine.FundsRequest{OperationID: op, AuthCode: token, Scenario: engine.ScenarioAgreement, Amount: usd(minor)}
}

// paymentCode is a debit of the owner of a payment code.
func paymentCode(op, code string, minor int64) engine.FundsRequest {
	return engine.FundsRequest{OperationID: op, AuthCode: code, Scenario: engine.ScenarioPaymentCode, Amount: usd(minor)}
}

// wantBalance checks what user has available in currency.
func wantBalance(t *testing.T, l *ledger.Ledger, user, currency string, want int64) {
	t.Helper()
	got, err := l.Balance(t.Context(), user, currency)
	if err != nil {
		t.Fatal(err)
	}
	if got.Available != want {
		t.Fatalf("available balance of %s in %s = %d, want %d", user, currency, got.Available, want)
	}
}

func wantSucceeded(t *testing.T, res engine.FundsResult, err error, user string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != engine.FundsSucceeded || res.UserID != user {
		t.Fatalf("result %+v, want succeeded for %s", res, user)
	}
}

func wantDeclined(t *testing.T, res engine.FundsResult, err error, code engine.Code) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != engine.FundsDeclined || res.Reason != code {
		t.Fatalf("result %+v, want declined with %v", res, code)
	}
}

func TestDebitAndCreditMoveMoney(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		before := time.Now().Add(-time.Millisecond)
		res, err := l.Debit(ctx, cashier("op-1", "alice", 300))
		wantSucceeded(t, res, err, "alice")
		if res.At.Before(before) || res.At.After(time.Now()) {
			t.Fatalf("At = %v, want the time of the debit", res.At)
		}
		wantBalance(t, l, "alice", "USD", 700)

		res, err = l.Debit(ctx, agreement("op-2", "token-alice", 200))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Debit(ctx, paymentCode("op-3", "code-alice-1", 100))
		wantSucceeded(t, res, err, "alice")
		wantBalance(t, l, "alice", "USD", 400)
		wantBalance(t, l, "alice", "JPY", 500) // other currencies untouched

		res, err = l.Credit(ctx, cashier("op-4", "alice", 50))
		wantSucceeded(t, res, err, "alice")
		wantBalance(t, l, "alice", "USD", 450)

		// A credit in a currency the user has no balance in opens one.
		res, err = l.Credit(ctx, engine.FundsRequest{OperationID: "op-5", UserID: "bob", Amount: engine.Money{Currency: "EUR", Minor: 7}})
		wantSucceeded(t, res, err, "bob")
		wantBalance(t, l, "bob", "EUR", 7)
		wantBalance(t, l, "bob", "JPY", 0)
	})
}

func TestDeclines(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		res, err := l.Debit(ctx, cashier("low", "bob", 11))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Debit(ctx, cashier("no-jpy", "bob", 1))
		wantSucceeded(t, res, err, "bob") // 10 USD left: 1 is fine
		res, err = l.Debit(ctx, engine.FundsRequest{OperationID: "jpy", UserID: "bob", Amount: engine.Money{Currency: "JPY", Minor: 1}})
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough) // no JPY balance at all
		res, err = l.Debit(ctx, agreement("bad-token", "token-nobody", 1))
		wantDeclined(t, res, err, engine.CodeInvalidAccessToken)
		res, err = l.Debit(ctx, paymentCode("bad-code", "code-nobody", 1))
		wantDeclined(t, res, err, engine.CodeInvalidCode)
		res, err = l.Debit(ctx, cashier("no-user", "carol", 1))
		wantDeclined(t, res, err, engine.CodeUserNotExist)
		res, err = l.Credit(ctx, cashier("no-user-credit", "carol", 1))
		wantDeclined(t, res, err, engine.CodeUserNotExist)
		res, err = l.Debit(ctx, cashier("zero", "alice", 0))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Credit(ctx, cashier("negative", "alice", -5))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantBalance(t, l, "alice", "USD", 1000)
		wantBalance(t, l, "bob", "USD", 9)

		if _, err := l.Balance(ctx, "carol", "USD"); !errors.Is(err, ledger.ErrUnknownUser) {
			t.Fatalf("Balance of an unknown user: %v, want ErrUnknownUser", err)
		}
	})
}

func TestPaymentCodeIsSpentOnce(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		// A debit that fails for want of money leaves the code usable.
		res, err := l.Debit(ctx, paymentCode("too-much", "code-alice-1", 5000))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Debit(ctx, paymentCode("first", "code-alice-1", 10))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Debit(ctx, paymentCode("second", "code-alice-1", 10))
		wantDeclined(t, res, err, engine.CodeAuthCodeAlreadyUsed)
		res, err = l.Debit(ctx, paymentCode("other", "code-alice-2", 10))
		wantSucceeded(t, res, err, "alice")
		wantBalance(t, l, "alice", "USD", 980)
	})
}

func TestRepeatIsAppliedAtMostOnce(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		first, err := l.Debit(ctx, cashier("op", "alice", 300))
		wantSucceeded(t, first, err, "alice")
		for range 3 {
			again, err := l.Debit(ctx, cashier("op", "alice", 300))
			wantSucceeded(t, again, err, "alice")
			if !again.At.Equal(first.At) {
				t.Fatalf("repeat At = %v, want the recorded %v", again.At, first.At)
			}
		}
		// The recorded answer wins over anything the repeat says, even
		// another kind.
		again, err := l.Credit(ctx, cashier("op", "alice", 300))
		wantSucceeded(t, again, err, "alice")
		wantBalance(t, l, "alice", "USD", 700)

		// A decline is final too: more money later does not turn it.
		res, err := l.Debit(ctx, cashier("big", "bob", 100))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Credit(ctx, cashier("top-up", "bob", 1000))
		wantSucceeded(t, res, err, "bob")
		res, err = l.Debit(ctx, cashier("big", "bob", 100))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		wantBalance(t, l, "bob", "USD", 1010)

		// Credits too.
		res, err = l.Credit(ctx, cashier("top-up", "bob", 1000))
		wantSucceeded(t, res, err, "bob")
		wantBalance(t, l, "bob", "USD", 1010)
	})
}

func TestInquire(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		debit, err := l.Debit(ctx, cashier("paid", "alice", 100))
		wantSucceeded(t, debit, err, "alice")
		res, err := l.Inquire(ctx, "paid")
		wantSucceeded(t, res, err, "alice")
		if !res.At.Equal(debit.At) {
			t.Fatalf("Inquire At = %v, want %v", res.At, debit.At)
		}
		low, err := l.Debit(ctx, cashier("low", "bob", 100))
		wantDeclined(t, low, err, engine.CodeBalanceNotEnough)
		res, err = l.Inquire(ctx, "low")
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		if res.Message != low.Message {
			t.Fatalf("Inquire message %q, want %q", res.Message, low.Message)
		}

		// An id never seen is fenced: declined now and forever.
		res, err = l.Inquire(ctx, "lost")
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Debit(ctx, cashier("lost", "alice", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Inquire(ctx, "lost")
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Inquire(ctx, "lost-credit")
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Credit(ctx, cashier("lost-credit", "alice", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		wantBalance(t, l, "alice", "USD", 900)
	})
}

func TestEvaluate(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()
		evaluation := func(code string, minor int64) engine.FundsRequest {
			return engine.FundsRequest{AuthCode: code, Scenario: engine.ScenarioEvaluation, Amount: usd(minor)}
		}

		res, err := l.Evaluate(ctx, evaluation("token-alice", 1000))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Evaluate(ctx, evaluation("code-alice-1", 1000))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Evaluate(ctx, evaluation("token-alice", 1001))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Evaluate(ctx, evaluation("nobody", 1))
		wantDeclined(t, res, err, engine.CodeInvalidCode)
		res, err = l.Evaluate(ctx, agreement("", "token-nobody", 1))
		wantDeclined(t, res, err, engine.CodeInvalidAccessToken)

		// Evaluating spends nothing: the code still pays once.
		res, err = l.Debit(ctx, paymentCode("op", "code-alice-1", 1))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Evaluate(ctx, paymentCode("", "code-alice-1", 1))
		wantDeclined(t, res, err, engine.CodeAuthCodeAlreadyUsed)
		wantBalance(t, l, "alice", "USD", 999)
	})
}

func TestCallsWithoutAnOperationIDFail(t *testing.T) {
	l := sqliteDatabase(t, false).open(t)
	if _, err := l.Debit(t.Context(), cashier("", "alice", 1)); err == nil {
		t.Fatal("Debit without an operation id: no error")
	}
	if _, err := l.Inquire(t.Context(), ""); err == nil {
		t.Fatal("Inquire without an operation id: no error")
	}
}
