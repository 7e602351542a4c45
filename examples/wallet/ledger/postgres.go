package ledger

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres returns the Backend for a PostgreSQL database: normally the
// paystate store's pool and schema (pgstore.Store's Pool and Schema), so
// that the ledger's tables sit next to the store's. schema "" means
// "public"; it is created when missing. The caller keeps owning pool.
//
// Any number of Ledgers, in any number of processes, may share one schema:
// the database orders their transactions.
func Postgres(pool *pgxpool.Pool, schema string) Backend {
	if schema == "" {
		schema = "public"
	}
	return &pgBackend{pool: pool, schema: schema}
}

// pgBackend keeps the ledger in a PostgreSQL schema.
type pgBackend struct {
	pool   *pgxpool.Pool
	schema string
	// migrations is the schema history open applies: nil for every
	// embedded step (tests stop at an older one).
	migrations []migration
}

func (b *pgBackend) describe() string { return fmt.Sprintf("PostgreSQL schema %q", b.schema) }

func (b *pgBackend) table(name string) string { return pgx.Identifier{b.schema, name}.Sanitize() }

func (b *pgBackend) read() conn { return pgConn{b.pool} }

// prepareQueries does nothing: pgx prepares each statement once per connection
// and caches it (its default query execution mode).
func (b *pgBackend) prepareQueries(context.Context, []string) error { return nil }

// write runs fn in a READ COMMITTED transaction, whatever the server's
// default: every statement then sees what other transactions committed
// before it, and a guarded UPDATE that waited for a row lock re-checks its
// guard on the row as the other transaction left it.
func (b *pgBackend) write(ctx context.Context, fn func(q conn) error) error {
	return pgx.BeginTxFunc(ctx, b.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		return fn(pgConn{tx})
	})
}

func (b *pgBackend) open(ctx context.Context) error {
	if b.pool == nil {
		return errors.New("nil pool")
	}
	return b.migrate(ctx)
}

// migrate brings the ledger's tables in the schema to the newest step, in
// one transaction that holds an advisory lock for the schema: concurrent
// callers wait for each other, and the later ones find nothing to do.
func (b *pgBackend) migrate(ctx context.Context) error {
	return pgx.BeginTxFunc(ctx, b.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", b.lockKey()); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		current, err := b.version(ctx, tx)
		if err != nil {
			return fmt.Errorf("migrate: read version: %w", err)
		}
		steps, err := pending(orEmbedded(b.migrations, postgresMigrations), current)
		if err != nil {
			return err
		}
		if len(steps) == 0 {
			return nil
		}
		if err := b.prepare(ctx, tx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		for _, m := range steps {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migrate: %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO ledger_schema_version (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return fmt.Errorf("migrate: record %s: %w", m.name, err)
			}
		}
		return nil
	})
}

// version returns the newest step recorded in the schema, 0 when the schema
// or its ledger_schema_version table does not exist.
func (b *pgBackend) version(ctx context.Context, tx pgx.Tx) (int, error) {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", b.table("ledger_schema_version")).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+b.table("ledger_schema_version")).Scan(&v)
	return v, err
}

// prepare makes the schema exist, hold a ledger_schema_version table and
// be the transaction's search_path, so that migration files name tables
// without a schema.
func (b *pgBackend) prepare(ctx context.Context, tx pgx.Tx) error {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", b.schema).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		// Checked first: CREATE SCHEMA IF NOT EXISTS would need the CREATE
		// privilege on the database even when the schema exists.
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{b.schema}.Sanitize()); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", pgx.Identifier{b.schema}.Sanitize()); err != nil {
		return fmt.Errorf("set search_path: %w", err)
	}
	_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS ledger_schema_version (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`)
	return err
}

// lockKey is the advisory lock key that serialises migrations of the
// ledger's tables in one schema.
func (b *pgBackend) lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("paystate/examples/wallet/ledger migrate\x00" + b.schema))
	return int64(h.Sum64())
}

// pgRunner is a *pgxpool.Pool or a pgx.Tx.
type pgRunner interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// pgConn is a conn over pgx.
type pgConn struct{ r pgRunner }

func (c pgConn) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.r.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (c pgConn) queryRow(ctx context.Context, query string, args ...any) row {
	return pgRow{c.r.QueryRow(ctx, query, args...)}
}

func (c pgConn) query(ctx context.Context, query string, args []any, each func(r row) error) error {
	rows, err := c.r.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pgRow reports pgx.ErrNoRows as errNoRows.
type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNoRows
	}
	return err
}
