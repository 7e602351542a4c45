package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/sqlitestore"
)

// stores is the opened store, with the database handle it shares with the
// ledger: a *sql.DB for SQLite, a pool for PostgreSQL.
type stores struct {
	store  store.Store
	db     *sql.DB            // SQLite, else nil
	sqlite *sqlitestore.Store // the store on db, for the ledger to share its commits
	pool   *pgxpool.Pool      // PostgreSQL, else nil
	schema string             // PostgreSQL schema of the store's tables
	close  func()
}

// sqliteConns is the size of the SQLite connection pool the store and the
// ledger share: one writer at a time, the rest for reads.
var sqliteConns = max(4, runtime.GOMAXPROCS(0)+1)

// openStore opens cfg's store, migrating its schema.
func openStore(ctx context.Context, cfg *Config) (*stores, error) {
	kind, target, err := cfg.storeKind()
	if err != nil {
		return nil, err
	}
	switch kind {
	case "sqlite":
		abs, err := filepath.Abs(target)
		if err != nil {
			return nil, err
		}
		dsn, err := sqlitestore.DSN(abs, sqlitestore.Options{})
		if err != nil {
			return nil, err
		}
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open %s: %w", target, err)
		}
		// Keep every connection the pool opens, as sqlitestore.Open does:
		// database/sql keeps 2 idle ones by default, and under load each new
		// connection parses the schema, prepares the store's and the
		// ledger's statements again and starts with a cold page cache.
		db.SetMaxOpenConns(sqliteConns)
		db.SetMaxIdleConns(sqliteConns)
		st, err := sqlitestore.New(ctx, db, sqlitestore.Options{})
		if err != nil {
			return nil, errors.Join(fmt.Errorf("store: %s: %w", target, err), db.Close())
		}
		return &stores{store: st, db: db, sqlite: st, close: func() { _ = st.Close(); _ = db.Close() }}, nil
	default:
		st, err := pgstore.Open(ctx, target, pgstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		return &stores{store: st, pool: st.Pool(), schema: st.Schema(), close: st.Close}, nil
	}
}
