// Package pgstoretest gives tests a PostgreSQL database to run pgstore on:
// the server named by PAYSTATE_PG_DSN (scripts/with-postgres.sh starts a
// throwaway one and sets it), and a fresh schema per test so that tests
// sharing that database never see each other's rows.
package pgstoretest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/paystate/paystate/store/pgstore"
)

// EnvDSN names the environment variable that holds the test database's DSN.
const EnvDSN = "PAYSTATE_PG_DSN"

// DSN returns the DSN of the database tests may fill at will, from
// PAYSTATE_PG_DSN. When it is unset the test is skipped, except when the
// environment variable CI is "true": there it fails, because no test may
// be skipped in CI.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		const why = EnvDSN + " is not set: run the test under scripts/with-postgres.sh"
		if os.Getenv("CI") == "true" {
			t.Fatal(why + " (CI=true: PostgreSQL tests must run)")
		}
		t.Skip(why)
	}
	return dsn
}

// NewSchema creates a schema with a fresh random name in the database of
// dsn, drops it with everything in it when t ends, and returns its name.
func NewSchema(t testing.TB, dsn string) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "paystate_test_" + hex.EncodeToString(b[:])
	exec(t, dsn, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize())
	t.Cleanup(func() { exec(t, dsn, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE") })
	return name
}

// Open returns a Store on a fresh schema (see NewSchema) of the test
// database (see DSN). The Store is closed and the schema dropped when t
// ends.
func Open(t testing.TB) *pgstore.Store {
	t.Helper()
	return OpenWith(t, pgstore.Options{})
}

// OpenWith is Open with opts; opts.Schema is replaced by the fresh schema.
func OpenWith(t testing.TB, opts pgstore.Options) *pgstore.Store {
	t.Helper()
	dsn := DSN(t)
	opts.Schema = NewSchema(t, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := pgstore.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("pgstoretest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// exec runs one statement on a connection of its own.
func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("pgstoretest: connect to %s: %v", pgstore.RedactDSN(dsn), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgstoretest: %s: %v", sql, err)
	}
}
