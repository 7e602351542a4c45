package drills

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store/pgstore/pgstoretest"
)

// newDatabase creates a fresh database on the test server
// (pgstoretest.DSN: skipped without one, failed under CI=true), dropped
// when the test ends, and returns its DSN.
func newDatabase(t *testing.T) string {
	t.Helper()
	return createDatabase(t, pgstoretest.DSN(t))
}

// createDatabase creates a fresh database on the server of dsn, dropped
// when the test ends, and returns its DSN.
func createDatabase(t *testing.T, dsn string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "drill_" + hex.EncodeToString(b[:])
	admin := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	require.NoError(t, admin("CREATE DATABASE "+name))
	t.Cleanup(func() { _ = admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}
