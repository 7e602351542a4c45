package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
)

// SQLite returns the Backend for a SQLite database opened with the
// modernc.org/sqlite driver: normally the very *sql.DB the wallet hands to
// sqlitestore.New (opened with sqlitestore.OpenDB), so that the ledger's
// tables live in the store's file. The caller keeps owning db.
//
// The connections of db need a busy timeout (sqlitestore.DSN sets one): the
// ledger's writers and the store's then wait for each other's transactions
// instead of failing. Open checks it. Writers of one Ledger take turns in
// Go; other processes on the file queue on SQLite's lock.
func SQLite(db *sql.DB) Backend {
	return &sqliteBackend{db: db, slot: make(chan struct{}, 1)}
}

// TxCommitter runs fn in a write transaction that other writes of the same
// database share, each in a savepoint of its own: an error of fn rolls back
// fn's writes alone and is returned; nil means they are durable.
// *sqlitestore.Store is one (its CommitFunc).
type TxCommitter interface {
	CommitFunc(ctx context.Context, op string, fn func(ctx context.Context, tx *sql.Tx) error) error
}

// SQLiteSharing is SQLite for a ledger whose tables live in the file of a
// store that shares its write transactions (c, normally the
// *sqlitestore.Store on db): the ledger's writes join the store's group
// commits instead of taking SQLite's write lock with transactions of their
// own, so concurrent debits, credits and the payments' own commits share
// one fsync. db must be the very *sql.DB the store writes through: the
// ledger's prepared statements run on c's transactions.
func SQLiteSharing(db *sql.DB, c TxCommitter) Backend {
	return &sqliteBackend{db: db, slot: make(chan struct{}, 1), shared: c}
}

// sqliteBackend keeps the ledger in a SQLite database.
type sqliteBackend struct {
	db *sql.DB
	// slot is a one-token semaphore: the writers of this Ledger queue here
	// instead of polling SQLite's lock under the busy timeout.
	slot chan struct{}
	// shared, when set, runs the writes in the store's transactions
	// (SQLiteSharing) and slot is not used.
	shared TxCommitter
	// stmts holds every query of the Ledger prepared on db (prepareQueries):
	// database/sql prepares each again once per connection and keeps it,
	// so a statement is parsed once per connection, not once per call.
	// Read only after prepareQueries.
	stmts map[string]*sql.Stmt
	// migrations is the schema history open applies: nil for every
	// embedded step (tests stop at an older one).
	migrations []migration
}

// prepareQueries prepares queries on db, eagerly: preparing lazily inside a
// write transaction would ask the pool for a second connection while
// holding one. The statements live as long as db.
func (b *sqliteBackend) prepareQueries(ctx context.Context, queries []string) error {
	stmts := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := b.db.PrepareContext(ctx, q)
		if err != nil {
			for _, st := range stmts {
				_ = st.Close()
			}
			return fmt.Errorf("prepare: %w", err)
		}
		stmts[q] = st
	}
	b.stmts = stmts
	return nil
}

func (b *sqliteBackend) describe() string { return "SQLite database" }

func (b *sqliteBackend) table(name string) string { return name }

func (b *sqliteBackend) read() conn { return sqlConn{r: b.db, stmts: b.stmts} }

// write runs fn in a transaction. Every write transaction of the ledger
// begins with a write statement, so it takes SQLite's write lock (waiting
// under the busy timeout) before it reads anything, whether or not db's
// transactions begin IMMEDIATE.
func (b *sqliteBackend) write(ctx context.Context, fn func(q conn) error) error {
	if b.shared != nil {
		return b.shared.CommitFunc(ctx, "ledger write", func(ctx context.Context, tx *sql.Tx) error {
			// The statements run on a transaction other callers' writes
			// share: they take the context CommitFunc gives, which the
			// caller's cancellation does not reach (an interrupted write
			// would roll all of them back).
			return fn(sqlConn{r: b.db, tx: tx, stmts: b.stmts, ctx: ctx})
		})
	}
	select {
	case b.slot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-b.slot }()

	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; the error that matters is returned below
	if err := fn(sqlConn{r: b.db, tx: tx, stmts: b.stmts}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (b *sqliteBackend) open(ctx context.Context) error {
	if b.db == nil {
		return errors.New("nil *sql.DB")
	}
	if _, ok := b.db.Driver().(*sqlite.Driver); !ok {
		return fmt.Errorf("driver %T, want modernc.org/sqlite", b.db.Driver())
	}
	c, err := b.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	var busy int
	if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		return err
	}
	if busy <= 0 {
		return errors.New("busy_timeout is 0, want one (_pragma=busy_timeout(5000); sqlitestore.DSN sets it)")
	}
	return migrateSQLite(ctx, c, orEmbedded(b.migrations, sqliteMigrations))
}

// migrateSQLite brings the ledger's tables to the newest step of ms, all steps in
// one BEGIN IMMEDIATE transaction: a second process waits for the first and
// then finds nothing to do.
func migrateSQLite(ctx context.Context, c *sql.Conn, ms []migration) (err error) {
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		// Roll back on a fresh context: ctx may be why we failed. When that
		// fails too, drop the connection rather than pool it mid-transaction.
		if _, rbErr := c.ExecContext(context.Background(), "ROLLBACK"); rbErr != nil {
			_ = c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ledger_schema_version (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL -- unix microseconds
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := c.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM ledger_schema_version").Scan(&current); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	steps, err := pending(ms, current)
	if err != nil {
		return err
	}
	for _, m := range steps {
		if _, err := c.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
		if _, err := c.ExecContext(ctx, "INSERT INTO ledger_schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
			m.version, m.name, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.name, err)
		}
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// sqlRunner is a *sql.DB or a *sql.Tx.
type sqlRunner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sqlConn is a conn over database/sql: the transaction tx when it is not
// nil, else r. A query found in stmts runs as that prepared statement
// (bound to tx); any other is prepared for the call.
type sqlConn struct {
	r     sqlRunner
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	// ctx, when set, replaces the context of every call: a transaction
	// shared with other writers runs under its own context.
	ctx context.Context
}

// context returns the context a call with ctx runs under.
func (c sqlConn) context(ctx context.Context) context.Context {
	if c.ctx != nil {
		return c.ctx
	}
	return ctx
}

// runner returns what runs query: its prepared statement, or the
// transaction or database.
func (c sqlConn) runner(ctx context.Context, query string) (sqlRunner, bool) {
	if st, ok := c.stmts[query]; ok {
		if c.tx != nil {
			st = c.tx.StmtContext(ctx, st)
		}
		return stmtRunner{st}, true
	}
	if c.tx != nil {
		return c.tx, false
	}
	return c.r, false
}

func (c sqlConn) exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx = c.context(ctx)
	r, _ := c.runner(ctx, query)
	res, err := r.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c sqlConn) queryRow(ctx context.Context, query string, args ...any) row {
	ctx = c.context(ctx)
	r, _ := c.runner(ctx, query)
	return sqlRow{r.QueryRowContext(ctx, query, args...)}
}

func (c sqlConn) query(ctx context.Context, query string, args []any, each func(r row) error) error {
	ctx = c.context(ctx)
	r, _ := c.runner(ctx, query)
	rows, err := r.QueryContext(ctx, query, args...)
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

// stmtRunner runs a prepared statement, ignoring the query text.
type stmtRunner struct{ st *sql.Stmt }

func (s stmtRunner) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, args...)
}

func (s stmtRunner) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, args...)
}

func (s stmtRunner) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, args...)
}

// sqlRow reports sql.ErrNoRows as errNoRows.
type sqlRow struct{ r *sql.Row }

func (r sqlRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRows
	}
	return err
}
