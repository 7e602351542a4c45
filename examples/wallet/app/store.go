package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// openStore opens cfg's store, migrating its schema.
func openStore(ctx context.Context, cfg *Config) (*stores, error) {
	kind, target, err := cfg.storeKind()
	if err != nil {
		return nil, err
	}
	switch kind {
	case "sqlite":
		// The ledger keeps its tables in the same file, on the same pool.
		db, err := sqlitestore.OpenDB(target, sqlitestore.Options{})
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
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
