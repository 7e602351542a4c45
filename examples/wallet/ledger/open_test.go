package ledger_test

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/examples/wallet/ledger"
)

func TestOpenMigratesOnceFromManyProcesses(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		backends := make([]ledger.Backend, 8)
		for i := range backends {
			_, backends[i], _ = db.connect(t)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(backends))
		for i, b := range backends {
			wg.Go(func() { _, errs[i] = ledger.Open(t.Context(), b) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		seeded(t, db) // and once more, migrated already
	})
}

// Tables of version 1, written by the code before holds, keep their
// money and operations through the migration to holds.
func TestOpenMigratesTablesBeforeHolds(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := t.Context()
		_, b, _ := db.connect(t)
		if err := ledger.MigrateTo(ctx, b, 1); err != nil {
			t.Fatal(err)
		}
		db.exec(t, fmt.Sprintf(`INSERT INTO ledger_users (user_id, created_at) VALUES ('alice', 1), ('bob', 1);
			INSERT INTO ledger_balances (user_id, currency, balance) VALUES ('alice', 'USD', 700), ('bob', 'USD', 10);
			INSERT INTO ledger_operations (operation_id, kind, payment_id, refund_id, user_id, currency, amount, status, reason, message, applied_at)
			VALUES ('paid', 'debit', 'pay-1', '', 'alice', 'USD', 300, 'succeeded', '', '', 1700000000000000),
				('low', 'debit', 'pay-2', '', 'bob', 'USD', 100, 'declined', '%s', 'balance too low', 1700000000000000),
				('lost', 'fenced', '', '', '', '', 0, 'declined', '%s', 'operation never applied', 1700000000000000)`,
			engine.CodeBalanceNotEnough, engine.CodeProcessFail))

		l := db.open(t)
		wantMoney(t, l, "alice", 700, 0)
		res, err := l.Inquire(ctx, "paid")
		wantSucceeded(t, res, err, "alice")
		if want := time.UnixMicro(1700000000000000).UTC(); !res.At.Equal(want) {
			t.Fatalf("At = %v, want %v", res.At, want)
		}
		res, err = l.Debit(ctx, cashier("low", "alice", 100))
		wantDeclined(t, res, err, engine.CodeBalanceNotEnough)
		res, err = l.Hold(ctx, hold("lost", "alice", 100))
		wantDeclined(t, res, err, engine.CodeProcessFail)
		res, err = l.Hold(ctx, hold("h", "alice", 100))
		wantSucceeded(t, res, err, "alice")
		res, err = l.Capture(ctx, capture("c", "h", 100))
		wantSucceeded(t, res, err, "alice")
		wantMoney(t, l, "alice", 600, 0)
		checkConserved(t, l, -300, "h") // the debit "paid" took 300 before
	})
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		l := seeded(t, db)
		db.exec(t, `INSERT INTO ledger_schema_version (version, name, applied_at)
			SELECT 99, '0099_future.sql', applied_at FROM ledger_schema_version WHERE version = 1`)
		_, b, _ := db.connect(t)
		_, err := ledger.Open(t.Context(), b)
		if !errors.Is(err, ledger.ErrSchemaTooNew) || !strings.Contains(err.Error(), "version 99") {
			t.Fatalf("Open on a newer schema: %v, want ErrSchemaTooNew naming version 99", err)
		}
		wantBalance(t, l, "alice", "USD", 1000) // nothing changed
	})
}

func TestOpenNamesTheProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bare.db")
	bare, err := sql.Open("sqlite", path) // no busy timeout
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	for name, tc := range map[string]struct {
		b    ledger.Backend
		want string
	}{
		"nil backend":     {nil, "nil Backend"},
		"nil *sql.DB":     {ledger.SQLite(nil), "nil *sql.DB"},
		"nil pool":        {ledger.Postgres(nil, ""), `PostgreSQL schema "public": nil pool`},
		"no busy timeout": {ledger.SQLite(bare), "busy_timeout is 0"},
	} {
		_, err := ledger.Open(t.Context(), tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Open: %v, want an error saying %q", name, err, tc.want)
		}
	}
}
