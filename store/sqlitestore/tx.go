package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// write runs fn in a write transaction and commits it when fn returns nil;
// on any error the transaction is rolled back and nothing of it remains.
// op names the operation in error messages.
//
// Writers of one Store take turns on writeSlot, in Go, so they neither poll
// SQLite's write lock nor hold a pool connection while they wait. Other
// processes on the same file are kept out by SQLite's lock: Open's
// connections begin with BEGIN IMMEDIATE, and the first statement of every
// write transaction that touches a table is a write anyway, so it takes the
// write lock (waiting under busy_timeout) before reading anything and never
// has to upgrade a stale read snapshot, whatever a caller's DSN says.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	select {
	case s.writeSlot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writeSlot }()

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: begin: %w", op, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; the error that matters is returned below
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: %s: commit: %w", op, err)
	}
	return nil
}

// read runs fn in a read transaction: one consistent snapshot of the
// database (WAL lets it run alongside the writer).
func (s *Store) read(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: begin: %w", op, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: there is nothing to commit
	return fn(tx)
}
