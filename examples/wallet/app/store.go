package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/sqlitestore"
)

// stores is the opened store, with the database handle it shares with the
// ledger: a *sql.DB for SQLite, a pool for PostgreSQL.
type stores struct {
	store  store.Store
	db     *sql.DB       // SQLite, else nil
	pool   *pgxpool.Pool // PostgreSQL, else nil
	schema string        // PostgreSQL schema of the store's tables
	close  func()
}

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
		st, err := sqlitestore.New(ctx, db, sqlitestore.Options{})
		if err != nil {
			return nil, errors.Join(fmt.Errorf("store: %s: %w", target, err), db.Close())
		}
		return &stores{store: st, db: db, close: func() { _ = st.Close(); _ = db.Close() }}, nil
	default:
		st, err := pgstore.Open(ctx, target, pgstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		return &stores{store: st, pool: st.Pool(), schema: st.Schema(), close: st.Close}, nil
	}
}
