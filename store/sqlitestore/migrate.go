package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one numbered file per step:
// migrations/0001_init.sql, 0002_....sql, and so on. A step is never
// edited once released; a change is a new step.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema step.
type migration struct {
	version int
	name    string // file name, recorded with the version
	sql     string
}

// migrations is the embedded schema history in order, checked once.
var migrations = mustLoadMigrations(migrationFiles)

// latestVersion is the schema version this code writes and reads.
var latestVersion = migrations[len(migrations)-1].version

// loadMigrations reads the steps of fsys and checks that they are numbered
// 1, 2, 3, ... without gaps or repeats.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // fs.Glob sorts
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", base)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: want version %d next", base, len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, errors.New("no migrations")
	}
	return ms, nil
}

func mustLoadMigrations(fsys fs.FS) []migration {
	ms, err := loadMigrations(fsys)
	if err != nil {
		panic("sqlitestore: " + err.Error())
	}
	return ms
}

// createVersionTable makes the table that records applied steps.
const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_version (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL -- unix microseconds
) STRICT`

// migrate brings db's schema to latestVersion, one step per transaction.
// A database already at the latest version is only read. A database newer
// than this code is refused before anything is written: running old code
// on a newer schema could corrupt data.
func migrate(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	v, err := schemaVersion(ctx, conn)
	if err != nil {
		return err
	}
	if err := checkNotNewer(v); err != nil {
		return err
	}
	for _, m := range migrations[v:] {
		if err := applyMigration(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

// checkNotNewer refuses a schema version this code does not know.
func checkNotNewer(v int) error {
	if v > latestVersion {
		return fmt.Errorf("database schema version %d is newer than this code knows (%d): "+
			"refusing to start instead of corrupting data; run a newer paystate", v, latestVersion)
	}
	return nil
}

// querier is *sql.Conn, *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion returns the newest applied step, 0 for a fresh database.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var tables int
	err := q.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'`).Scan(&tables)
	if err != nil || tables == 0 {
		return 0, err
	}
	var v int
	err = q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// applyMigration runs step m in a BEGIN IMMEDIATE transaction, unless
// another process applied it first, and records it.
func applyMigration(ctx context.Context, conn *sql.Conn, m migration) (err error) {
	// Explicit BEGIN IMMEDIATE: this does not depend on the DSN of a
	// caller's *sql.DB, and holds the write lock from the first read on.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer func() {
		if err == nil {
			return
		}
		// Roll back on a fresh context: ctx may be why we failed. When
		// that fails too (SQLite may already have rolled back), drop the
		// connection so that none in an unknown state returns to the pool.
		if _, rbErr := conn.ExecContext(context.Background(), "ROLLBACK"); rbErr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()

	if _, err := conn.ExecContext(ctx, createVersionTable); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	v, err := schemaVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := checkNotNewer(v); err != nil {
		return err
	}
	if v >= m.version { // another process got here first
		_, err := conn.ExecContext(ctx, "COMMIT")
		return err
	}
	if v != m.version-1 {
		return fmt.Errorf("migration %s: database is at version %d", m.name, v)
	}
	if _, err := conn.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx,
		`INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("migration %s: record: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return nil
}
