package pgstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
)

// onePool returns a pool of one connection on a fresh schema of the test
// database, configured by configure before it is created, and a Store
// over it.
func onePool(t *testing.T, configure func(*pgxpool.Config)) (*pgxpool.Pool, *pgstore.Store) {
	t.Helper()
	dsn := pgstoretest.DSN(t)
	schema := pgstoretest.NewSchema(t, dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.MaxConns = 1
	configure(cfg)
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := pgstore.New(t.Context(), pool, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	return pool, st
}

// turnReadOnly makes the pool's connection refuse writes, as a connection
// to a primary that was demoted to a standby would.
func turnReadOnly(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	conn, err := pool.Acquire(t.Context())
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(), "SET default_transaction_read_only = on")
	require.NoError(t, err)
	conn.Release()
}

// requireStored fails unless the payment id is stored.
func requireStored(t *testing.T, st *pgstore.Store, id string) {
	t.Helper()
	snap, err := st.GetPayment(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, id, snap.Payment.ID)
}

// TestReadOnlyConnectionNotReused: with ConfigureFailover, a connection
// whose server says it takes no writes leaves the pool when released, and
// the next Commit writes on a new connection.
func TestReadOnlyConnectionNotReused(t *testing.T) {
	pool, st := onePool(t, pgstore.ConfigureFailover)
	turnReadOnly(t, pool)
	// pgxpool runs AfterRelease in a goroutine of its own.
	require.Eventually(t, func() bool { return pool.Stat().TotalConns() == 0 }, 5*time.Second, time.Millisecond,
		"the read-only connection is closed on release")

	require.NoError(t, st.Commit(t.Context(), store.Change{Payment: testPayment("pay-1", time.Now())}))
	requireStored(t, st, "pay-1")
}

// TestCommitRetriesAfterReadOnlyRefusal: on a pool without
// ConfigureFailover, a Commit that meets a read-only connection is refused
// by the server, applied nothing, and is tried once more on a new
// connection, which succeeds.
func TestCommitRetriesAfterReadOnlyRefusal(t *testing.T) {
	pool, st := onePool(t, func(*pgxpool.Config) {})
	turnReadOnly(t, pool)
	require.Equal(t, int32(1), pool.Stat().TotalConns(), "the read-only connection is still pooled")

	require.NoError(t, st.Commit(t.Context(), store.Change{Payment: testPayment("pay-1", time.Now())}))
	requireStored(t, st, "pay-1")
}

// TestCommitOnStandbyIsUnknown: when every server the pool reaches takes
// no writes (only a standby is up during a failover), Commit fails with an
// error that is none of the store's sentinels, so the engine answers U,
// never F; nothing is written, and once a writable server is back the same
// Store commits.
func TestCommitOnStandbyIsUnknown(t *testing.T) {
	var readOnly atomic.Bool
	pool, st := onePool(t, func(cfg *pgxpool.Config) {
		cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
			if readOnly.Load() {
				_, err := c.Exec(ctx, "SET default_transaction_read_only = on")
				return err
			}
			return nil
		}
	})
	// The Store migrated on a writable connection; from now on every new
	// connection is read-only.
	readOnly.Store(true)
	pool.Reset()

	err := st.Commit(t.Context(), store.Change{Payment: testPayment("pay-1", time.Now())})
	require.Error(t, err)
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	require.True(t, ok, "the server's refusal is kept: %v", err)
	require.Equal(t, "25006", pgErr.Code)
	for _, sentinel := range []error{store.ErrConflict, store.ErrAlreadyExists, store.ErrNotFound} {
		require.NotErrorIs(t, err, sentinel)
	}

	readOnly.Store(false)
	_, err = st.GetPayment(t.Context(), "pay-1")
	require.ErrorIs(t, err, store.ErrNotFound, "the refused commit wrote nothing")
	require.NoError(t, st.Commit(t.Context(), store.Change{Payment: testPayment("pay-1", time.Now())}))
	requireStored(t, st, "pay-1")
}

// TestCommitAfterServerEndedConnection: when the server ends a pooled
// connection (a restart, a failover, an administrator), a Commit on it may
// fail, with none of the store's sentinels, and the next Commit runs on a
// new connection.
func TestCommitAfterServerEndedConnection(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	pool, st := onePool(t, pgstore.ConfigureFailover)
	var pid uint32
	require.NoError(t, pool.AcquireFunc(t.Context(), func(c *pgxpool.Conn) error {
		pid = c.Conn().PgConn().PID()
		return nil
	}))
	admin, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer admin.Close(context.Background())
	var ended bool
	require.NoError(t, admin.QueryRow(t.Context(), "SELECT pg_terminate_backend($1)", pid).Scan(&ended))
	require.True(t, ended)

	err = st.Commit(t.Context(), store.Change{Payment: testPayment("pay-1", time.Now())})
	if err != nil {
		for _, sentinel := range []error{store.ErrConflict, store.ErrAlreadyExists, store.ErrNotFound} {
			require.NotErrorIs(t, err, sentinel)
		}
		require.NoError(t, st.Commit(t.Context(), store.Change{Payment: testPayment("pay-1", time.Now())}))
	}
	requireStored(t, st, "pay-1")
}
