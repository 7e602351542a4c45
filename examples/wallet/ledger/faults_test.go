package ledger_test

import (
	"context"
	"testing"

	"github.com/paystate/paystate/engine"
)

// failRecording makes every update of a ledger_operations row fail, as a
// database that breaks in the middle of a Debit would, until undone.
func failRecording(t *testing.T, db database) (undo func()) {
	t.Helper()
	create := `CREATE TRIGGER ledger_test_fail BEFORE UPDATE ON ledger_operations
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`
	drop := `DROP TRIGGER ledger_test_fail`
	if db.kind == "postgres" {
		create = `CREATE OR REPLACE FUNCTION ledger_test_fail() RETURNS trigger LANGUAGE plpgsql
				AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
			CREATE TRIGGER ledger_test_fail BEFORE UPDATE ON ledger_operations
				FOR EACH ROW EXECUTE FUNCTION ledger_test_fail()`
		drop += ` ON ledger_operations`
	}
	db.exec(t, create)
	return func() { db.exec(t, drop) }
}

// A Debit whose transaction fails returns an error and leaves nothing
// behind; the engine's later Inquire fences the id, and the money never
// moves for it.
func TestFailedDebitLeavesNothing(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()

		undo := failRecording(t, db)
		if res, err := l.Debit(ctx, paymentCode("broken", "code-alice-1", 100)); err == nil {
			t.Fatalf("Debit in a failing database: %+v and no error", res)
		}
		undo()
		wantBalance(t, l, "alice", "USD", 1000)

		res, err := l.Inquire(ctx, "broken")
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Debit(ctx, paymentCode("broken", "code-alice-1", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Debit(ctx, paymentCode("fine", "code-alice-1", 100))
		wantSucceeded(t, res, err, "alice") // the code was not spent
		wantBalance(t, l, "alice", "USD", 900)
	})
}

func TestCancelledCallsFail(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := l.Debit(ctx, cashier("op", "alice", 1)); err == nil {
			t.Fatal("Debit with a cancelled context: no error")
		}
		if _, err := l.Inquire(ctx, "op"); err == nil {
			t.Fatal("Inquire with a cancelled context: no error")
		}
		res, err := l.Debit(t.Context(), cashier("op", "alice", 1))
		wantSucceeded(t, res, err, "alice")
	})
}

// A Hold, Capture or Release whose transaction fails returns an error and
// leaves nothing behind: no hold, no held money, nothing for the merchant.
// The engine's later Inquire fences the id, and the money never moves for
// it.
func TestFailedHoldOperationsLeaveNothing(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		ctx := t.Context()
		res, err := l.Hold(ctx, hold("h", "alice", 600))
		wantSucceeded(t, res, err, "alice")

		undo := failRecording(t, db)
		calls := map[string]func() (engine.FundsResult, error){
			"hold": func() (engine.FundsResult, error) {
				return l.Hold(ctx, paymentCode("broken-hold", "code-alice-1", 100))
			},
			"capture": func() (engine.FundsResult, error) { return l.Capture(ctx, capture("broken-capture", "h", 100)) },
			"release": func() (engine.FundsResult, error) { return l.Release(ctx, release("broken-release", "h", 600)) },
		}
		for name, call := range calls {
			if res, err := call(); err == nil {
				t.Fatalf("%s in a failing database: %+v and no error", name, res)
			}
		}
		undo()
		wantMoney(t, l, "alice", 400, 600)
		wantMerchant(t, l, 0)
		h, err := l.HoldState(ctx, "h")
		if err != nil || !h.Open || h.Captured != 0 {
			t.Fatalf("hold after failed calls: %+v, %v", h, err)
		}

		for name, call := range calls {
			res, err := l.Inquire(ctx, "broken-"+name)
			wantDeclined(t, res, err, engine.CodeProcessFail)
			res, err = call()
			wantDeclined(t, res, err, engine.CodeProcessFail)
		}
		res, err = l.Hold(ctx, paymentCode("fine", "code-alice-1", 100))
		wantSucceeded(t, res, err, "alice") // the code was not spent
		wantMoney(t, l, "alice", 300, 700)
		checkConserved(t, l, 0, "h", "fine", "broken-hold")
	})
}

func TestCancelledHoldOperationsFail(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		res, err := l.Hold(t.Context(), hold("h", "alice", 600))
		wantSucceeded(t, res, err, "alice")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := l.Hold(ctx, hold("op", "alice", 1)); err == nil {
			t.Fatal("Hold with a cancelled context: no error")
		}
		if _, err := l.Capture(ctx, capture("op", "h", 1)); err == nil {
			t.Fatal("Capture with a cancelled context: no error")
		}
		if _, err := l.Release(ctx, release("op", "h", 600)); err == nil {
			t.Fatal("Release with a cancelled context: no error")
		}
		wantMoney(t, l, "alice", 400, 600)
	})
}
