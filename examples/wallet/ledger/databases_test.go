package ledger_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/examples/wallet/ledger"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
	"github.com/paystate/paystate/store/sqlitestore"
)

// database is one test database, shared by the store and the ledger as
// the wallet shares it.
type database struct {
	kind string // "sqlite" or "postgres"
	// connect opens fresh connections to the database, as a new process
	// would, with the paystate store on them (migrated), and returns the
	// ledger's Backend on the same connections and a function that closes
	// them. The connections are also closed when the test ends.
	connect func(t *testing.T) (store.Store, ledger.Backend, func())
	// exec runs one statement on the database, outside any Ledger.
	exec func(t *testing.T, query string)
}

// wallet is what one process of the wallet holds: a store and a ledger on
// the same connections.
type wallet struct {
	ledger *ledger.Ledger
	store  store.Store
	close  func() // releases the connections, as a process exit would
}

// wallet connects to db and opens the Ledger there.
func (db database) wallet(t *testing.T) *wallet {
	t.Helper()
	st, b, release := db.connect(t)
	l, err := ledger.Open(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	return &wallet{ledger: l, store: st, close: release}
}

// open is wallet for tests that need only the ledger of one process.
func (db database) open(t *testing.T) *ledger.Ledger { return db.wallet(t).ledger }

// forEachDatabase runs test on a fresh SQLite file, with the ledger's own
// transactions and with the ledger's writes in the store's group commits
// (ledger.SQLiteSharing, as the wallet runs it), and on a fresh PostgreSQL
// schema (see pgstoretest: skipped without a server, except in CI).
func forEachDatabase(t *testing.T, test func(t *testing.T, db database)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, sqliteDatabase(t, false))
	})
	t.Run("sqlite-sharing", func(t *testing.T) {
		t.Parallel()
		test(t, sqliteDatabase(t, true))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, postgresDatabase(t))
	})
}

// sqliteDatabase is a file in t.TempDir(), opened the way the wallet opens
// it: one *sql.DB from sqlitestore.OpenDB, handed to sqlitestore.New and to
// ledger.SQLite, or with sharing to ledger.SQLiteSharing with the store.
func sqliteDatabase(t *testing.T, sharing bool) database {
	path := filepath.Join(t.TempDir(), "wallet.db")
	open := func(t *testing.T) *sql.DB {
		t.Helper()
		db, err := sqlitestore.OpenDB(path, sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	return database{
		kind: "sqlite",
		connect: func(t *testing.T) (store.Store, ledger.Backend, func()) {
			t.Helper()
			db := open(t)
			st, err := sqlitestore.New(t.Context(), db, sqlitestore.Options{})
			if err != nil {
				t.Fatal(errors.Join(err, db.Close()))
			}
			b := ledger.SQLite(db)
			if sharing {
				b = ledger.SQLiteSharing(db, st)
			}
			return st, b, closeAtEnd(t, func() { _ = st.Close(); _ = db.Close() })
		},
		exec: func(t *testing.T, query string) {
			t.Helper()
			db := open(t)
			defer db.Close()
			if _, err := db.ExecContext(t.Context(), query); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		},
	}
}

// postgresDatabase is a fresh schema of the test server, opened the way
// the wallet opens it: one pool, handed to pgstore and to ledger.Postgres
// with the store's schema.
func postgresDatabase(t *testing.T) database {
	dsn := pgstoretest.DSN(t)
	schema := pgstoretest.NewSchema(t, dsn)
	return database{
		kind: "postgres",
		connect: func(t *testing.T) (store.Store, ledger.Backend, func()) {
			t.Helper()
			pool, err := pgxpool.New(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			st, err := pgstore.New(t.Context(), pool, pgstore.Options{Schema: schema})
			if err != nil {
				pool.Close()
				t.Fatal(err)
			}
			return st, ledger.Postgres(st.Pool(), st.Schema()), closeAtEnd(t, pool.Close)
		},
		exec: func(t *testing.T, query string) {
			t.Helper()
			pool, err := pgxpool.New(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			err = pgx.BeginFunc(t.Context(), pool, func(tx pgx.Tx) error {
				if _, err := tx.Exec(t.Context(), "SELECT set_config('search_path', $1, true)", pgx.Identifier{schema}.Sanitize()); err != nil {
					return err
				}
				_, err := tx.Exec(t.Context(), query)
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		},
	}
}

// closeAtEnd returns release made idempotent, and runs it when t ends.
func closeAtEnd(t *testing.T, release func()) func() {
	var once sync.Once
	closeOnce := func() { once.Do(release) }
	t.Cleanup(closeOnce)
	return closeOnce
}
