package ledger

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store/sqlitestore"
)

// The ledger's operations run their statements with the context their
// caller gave (an HTTP request's, say). In the store's shared transaction
// that context must not reach the statements: a write SQLite interrupts
// rolls back every write sharing the transaction. Here the caller's
// context ends in the middle of a write, and the write still commits.
func TestSharingWritesIgnoreTheCallersCancellation(t *testing.T) {
	ctx := context.Background()
	db, err := sqlitestore.OpenDB(filepath.Join(t.TempDir(), "wallet.db"), sqlitestore.Options{})
	require.NoError(t, err)
	defer db.Close()
	st, err := sqlitestore.New(ctx, db, sqlitestore.Options{})
	require.NoError(t, err)
	defer st.Close()
	_, err = db.ExecContext(ctx, `CREATE TABLE moves (id INTEGER PRIMARY KEY)`)
	require.NoError(t, err)

	b := SQLiteSharing(db, st).(*sqliteBackend)
	caller, cancel := context.WithCancel(ctx)
	err = b.write(caller, func(q conn) error {
		cancel() // the client went away while its debit was being written
		if _, err := q.exec(caller, `INSERT INTO moves (id) VALUES (1)`); err != nil {
			return err
		}
		var n int
		return q.queryRow(caller, `SELECT count(*) FROM moves`).Scan(&n)
	})
	require.NoError(t, err)
	var n int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM moves`).Scan(&n))
	require.Equal(t, 1, n)
}
