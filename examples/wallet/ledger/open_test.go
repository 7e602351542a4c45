package ledger_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

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
