package pgstore

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// migrationFiles holds the schema, one file per version:
// migrations/NNNN_name.sql, numbered from 0001 without gaps.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded schema change.
type migration struct {
	version int
	name    string // file name
	sql     string
}

// migrations are the embedded migrations in version order, checked once.
var migrations = mustLoadMigrations(migrationFiles)

// loadMigrations reads migrations/NNNN_name.sql from fsys, in version order,
// and checks that the versions run 1, 2, 3, ... without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("pgstore: migration %s: name must be NNNN_name.sql", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("pgstore: migration %s: expected version %d", m.name, i+1)
		}
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("pgstore: no migrations embedded")
	}
	return ms, nil
}

func mustLoadMigrations(fsys fs.FS) []migration {
	ms, err := loadMigrations(fsys)
	if err != nil {
		panic(err)
	}
	return ms
}

// SchemaVersion is the schema version this code migrates databases to: the
// number of the newest embedded migration.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

// migrate brings schema up to the newest migration, in one transaction that
// holds an advisory lock for the schema: concurrent callers wait for each
// other, and the later ones find nothing to do. It creates the schema when
// it is missing. A schema whose recorded version is newer than the code's
// is refused with ErrSchemaTooNew before anything is changed; so is a
// schema that holds paystate's tables without a schema_version table.
func migrate(ctx context.Context, db beginner, schema string) error {
	return migrateTo(ctx, db, schema, SchemaVersion())
}

// migrateTo is migrate up to version target (at most SchemaVersion()):
// tests use it to write rows as older code did.
func migrateTo(ctx context.Context, db beginner, schema string, target int) error {
	// READ COMMITTED whatever the server's default: each statement after
	// the lock must see what a migrator that held it before committed.
	return pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockKey(schema)); err != nil {
			return fmt.Errorf("pgstore: migrate schema %q: lock: %w", schema, err)
		}
		current, err := schemaVersion(ctx, tx, schema)
		if err != nil {
			return err
		}
		if current > SchemaVersion() {
			return fmt.Errorf("pgstore: schema %q is at version %d, this code knows versions up to %d (upgrade it): %w",
				schema, current, SchemaVersion(), ErrSchemaTooNew)
		}
		if current >= target {
			return nil
		}
		if err := prepareSchema(ctx, tx, schema, current); err != nil {
			return err
		}
		for _, m := range migrations[current:target] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("pgstore: migrate schema %q: %s: %w", schema, m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return fmt.Errorf("pgstore: migrate schema %q: record %s: %w", schema, m.name, err)
			}
		}
		return nil
	})
}

// beginner starts transactions: a *pgxpool.Pool or a *pgx.Conn.
type beginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// schemaVersion returns the newest version recorded in schema's
// schema_version table, 0 when the schema or the table does not exist.
func schemaVersion(ctx context.Context, tx pgx.Tx, schema string) (int, error) {
	var exists bool
	err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", qualify(schema, "schema_version")).Scan(&exists)
	if err != nil {
		return 0, fmt.Errorf("pgstore: read version of schema %q: %w", schema, err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	err = tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+qualify(schema, "schema_version")).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("pgstore: read version of schema %q: %w", schema, err)
	}
	return v, nil
}

// prepareSchema makes schema exist, hold a schema_version table and be the
// transaction's search_path, so that the migration files name tables
// without a schema. current is the recorded version.
func prepareSchema(ctx context.Context, tx pgx.Tx, schema string, current int) error {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		return fmt.Errorf("pgstore: migrate schema %q: %w", schema, err)
	}
	if !exists {
		// Checked first: CREATE SCHEMA IF NOT EXISTS would need the CREATE
		// privilege on the database even when the schema exists.
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
			return fmt.Errorf("pgstore: create schema %q: %w", schema, err)
		}
	}
	if _, err := tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("pgstore: migrate schema %q: set search_path: %w", schema, err)
	}
	if current == 0 {
		var taken bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", qualify(schema, "payments")).Scan(&taken); err != nil {
			return fmt.Errorf("pgstore: migrate schema %q: %w", schema, err)
		}
		if taken {
			return fmt.Errorf("pgstore: schema %q holds a payments table but no schema_version: refusing to migrate it", schema)
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`)
		if err != nil {
			return fmt.Errorf("pgstore: migrate schema %q: create schema_version: %w", schema, err)
		}
	}
	return nil
}

// migrationLockKey is the advisory lock key that serialises migrations of
// one schema (a hash of a fixed prefix and the schema name).
func migrationLockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("paystate/pgstore migrate\x00" + schema))
	return int64(h.Sum64())
}

// qualify returns the quoted, schema-qualified name of a table.
func qualify(schema, table string) string {
	return pgx.Identifier{schema, table}.Sanitize()
}
