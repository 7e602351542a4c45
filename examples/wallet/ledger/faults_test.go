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
		create = `CREATE FUNCTION ledger_test_fail() RETURNS trigger LANGUAGE plpgsql
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
