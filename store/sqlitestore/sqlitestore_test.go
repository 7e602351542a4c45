package sqlitestore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/engine/enginetest"
	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/sqlitestore"
	"github.com/paystate/paystate/store/storetest"
)

// openTemp opens a Store on a fresh file in t.TempDir and closes it when
// the test ends.
func openTemp(t testing.TB) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "paystate.db"), sqlitestore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// TestConformance runs the shared store conformance suite, and the engine
// over the store, each subtest on a fresh file.
func TestConformance(t *testing.T) {
	newStore := func(t *testing.T) store.Store { return openTemp(t) }
	storetest.Run(t, newStore)
	enginetest.RunStore(t, newStore)
}

// Fixtures for the tests storetest does not cover.

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

func payment(id, request string) store.Payment {
	return store.Payment{
		ID: id, PartnerID: "shop", RequestID: request, Fingerprint: "fp", Scenario: "AGREEMENT",
		Status: "SUCCESS", Currency: "USD", Amount: 10_000, UserID: "alice", OrderData: []byte{},
		CreatedAt: t0, UpdatedAt: t0, PaidAt: t0, Version: 1,
	}
}

// commitPaid creates a paid payment with one refund, one event and one
// outbox message, and returns the Change.
func commitPaid(t *testing.T, s store.Store, id string) store.Change {
	t.Helper()
	p := payment(id, "req-"+id)
	c := store.Change{
		Payment: p,
		Events:  []store.Event{{PaymentID: id, Seq: 1, At: t0, Name: "debit_succeeded", To: "SUCCESS"}},
		Outbox: []store.OutboxMessage{{
			ID: "msg-" + id, PaymentID: id, PartnerID: "shop", RequestID: p.RequestID, Kind: "payment_result",
			Status: "SUCCESS", Currency: "USD", Amount: p.Amount, CreatedAt: t0, NextAttemptAt: t0,
		}},
	}
	require.NoError(t, s.Commit(context.Background(), c))
	p2 := p
	p2.Version, p2.HeldAmount = 2, 500
	c2 := store.Change{
		Payment: p2, ExpectedVersion: 1,
		NewRefunds: []store.Refund{{
			ID: "ref-" + id, PaymentID: id, PartnerID: "shop", RequestID: "rreq-" + id, Currency: "USD",
			Amount: 500, Status: "INIT", CreatedAt: t0, UpdatedAt: t0, NextCheckAt: t0.Add(time.Minute),
		}},
		Events: []store.Event{{PaymentID: id, RefundID: "ref-" + id, Seq: 2, At: t0, Name: "refund", To: "INIT"}},
	}
	require.NoError(t, s.Commit(context.Background(), c2))
	return c2
}

// everything reads back what the store holds about payment id.
func everything(t *testing.T, s store.Store, id string) (store.Snapshot, []store.Event, []store.OutboxMessage) {
	t.Helper()
	ctx := context.Background()
	snap, err := s.GetPayment(ctx, id)
	require.NoError(t, err)
	hist, err := s.History(ctx, id)
	require.NoError(t, err)
	msgs, err := s.Outbox(ctx, id)
	require.NoError(t, err)
	return snap, hist, msgs
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paystate.db")
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	commitPaid(t, s, "pay-1")
	claimed, err := s.ClaimOutbox(ctx, "d1", t0, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	snap, hist, msgs := everything(t, s, "pay-1")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
	_, err = s.GetPayment(ctx, "pay-1")
	require.Error(t, err, "a closed Store fails")

	s, err = sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	defer s.Close()
	snap2, hist2, msgs2 := everything(t, s, "pay-1")
	require.Equal(t, snap, snap2)
	require.Equal(t, hist, hist2)
	require.Equal(t, msgs, msgs2)
	require.Equal(t, "d1", msgs2[0].LeaseOwner, "the lease survived")
	require.NotNil(t, snap2.Payment.OrderData, "an empty OrderData stays empty, not nil")
	r, err := s.GetRefundByRequest(ctx, "shop", "rreq-pay-1")
	require.NoError(t, err)
	require.Equal(t, snap2.Refunds, []store.Refund{r})
	require.NoError(t, s.RecordDelivery(ctx, store.Delivery{MessageID: "msg-pay-1", Owner: "d1", At: t0, Delivered: true}))
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paystate.db")
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	commitPaid(t, s, "pay-1")
	require.NoError(t, s.Close())

	// A newer paystate migrated the file to a version this code does not know.
	db := rawDB(t, path)
	_, err = db.Exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`)
	require.NoError(t, err)
	before := dump(t, db)

	_, err = sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.ErrorContains(t, err, path)
	require.ErrorContains(t, err, "newer than this code knows")
	_, err = sqlitestore.New(ctx, db, sqlitestore.Options{})
	require.ErrorContains(t, err, "newer than this code knows")
	require.Equal(t, before, dump(t, db), "nothing changed")
}

func TestUnopenablePath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	missing := filepath.Join(dir, "no-such-dir", "paystate.db")
	_, err := sqlitestore.Open(ctx, missing, sqlitestore.Options{})
	require.ErrorContains(t, err, missing)
	_, statErr := os.Stat(filepath.Dir(missing))
	require.ErrorIs(t, statErr, fs.ErrNotExist, "Open creates no directory")

	notDB := filepath.Join(dir, "notes.txt")
	content := bytes.Repeat([]byte("this is not a database\n"), 100)
	require.NoError(t, os.WriteFile(notDB, content, 0o600))
	_, err = sqlitestore.Open(ctx, notDB, sqlitestore.Options{})
	require.ErrorContains(t, err, notDB)
	got, err := os.ReadFile(notDB)
	require.NoError(t, err)
	require.Equal(t, content, got, "the file is left alone")

	for _, p := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		_, err = sqlitestore.Open(ctx, p, sqlitestore.Options{})
		require.Error(t, err, "path %q", p)
	}
	_, err = sqlitestore.Open(ctx, filepath.Join(dir, "x.db"), sqlitestore.Options{Synchronous: "OFF"})
	require.ErrorContains(t, err, "Synchronous")
}

func TestOpenOddPath(t *testing.T) {
	// '?', '#' and '%' are escaped in the URI and land in the file name.
	path := filepath.Join(t.TempDir(), "odd ?#%41 name.db")
	s, err := sqlitestore.Open(context.Background(), path, sqlitestore.Options{Synchronous: sqlitestore.SyncNormal})
	require.NoError(t, err)
	commitPaid(t, s, "pay-1")
	require.NoError(t, s.Close())
	_, err = os.Stat(path)
	require.NoError(t, err)
}

func TestNewWithCallerDB(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paystate.db")
	dsn, err := sqlitestore.DSN(path, sqlitestore.Options{})
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	defer db.Close()

	s, err := sqlitestore.New(ctx, db, sqlitestore.Options{})
	require.NoError(t, err)
	commitPaid(t, s, "pay-1")
	require.NoError(t, s.Close())
	require.NoError(t, db.PingContext(ctx), "Close leaves the caller's DB open")

	s2, err := sqlitestore.New(ctx, db, sqlitestore.Options{})
	require.NoError(t, err, "New again: the schema is already there")
	snap, _, _ := everything(t, s2, "pay-1")
	require.Equal(t, int64(2), snap.Payment.Version)
	require.NoError(t, s2.Close())

	// The same file through Open sees the same data.
	s3, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	defer s3.Close()
	snap3, _, _ := everything(t, s3, "pay-1")
	require.Equal(t, snap, snap3)
}

func TestNewChecksConfiguration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for name, dsn := range map[string]string{
		"journal_mode": filepath.Join(dir, "a.db") + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(100)",
		"foreign keys": filepath.Join(dir, "b.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(100)",
		"busy_timeout": filepath.Join(dir, "c.db") + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)",
		"synchronous": filepath.Join(dir, "d.db") +
			"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(100)&_pragma=synchronous(NORMAL)",
	} {
		db, err := sql.Open("sqlite", dsn)
		require.NoError(t, err)
		_, err = sqlitestore.New(ctx, db, sqlitestore.Options{})
		require.ErrorContains(t, err, name)
		var tables int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&tables))
		require.Zero(t, tables, "%s: nothing created", name)
		require.NoError(t, db.Close())
	}
}

// TestTwoStoresOneFile runs two Stores on one file, as two processes would:
// SQLite's lock (BEGIN IMMEDIATE, busy_timeout) orders their writers, and
// twins and stale versions come out as the contract's errors, never as
// SQLITE_BUSY.
func TestTwoStoresOneFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paystate.db")
	var stores [2]*sqlitestore.Store
	for i := range stores {
		s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
		require.NoError(t, err)
		defer s.Close()
		stores[i] = s
	}

	const twins = 50
	var wg sync.WaitGroup
	errs := make([][2]error, twins)
	for i := range twins {
		for j, s := range stores {
			wg.Go(func() {
				p := payment(fmt.Sprintf("pay-%d-%d", i, j), fmt.Sprintf("req-%d", i))
				errs[i][j] = s.Commit(ctx, store.Change{Payment: p})
			})
		}
	}
	wg.Wait()
	for i, e := range errs {
		won := 0
		for _, err := range e {
			if err == nil {
				won++
			} else {
				require.ErrorIs(t, err, store.ErrAlreadyExists, "twin %d", i)
			}
		}
		require.Equal(t, 1, won, "twin %d: exactly one create wins", i)
	}

	// Version races between the two: every update either lands or conflicts.
	commitPaid(t, stores[0], "hot")
	var landed atomic.Int64
	for _, s := range stores {
		for range 4 {
			wg.Go(func() {
				for range 20 {
					snap, err := s.GetPayment(ctx, "hot")
					if err != nil {
						t.Error(err)
						return
					}
					p := snap.Payment
					p.Version++
					switch err := s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: p.Version - 1}); {
					case err == nil:
						landed.Add(1)
					case !errors.Is(err, store.ErrConflict):
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	snap, err := stores[1].GetPayment(ctx, "hot")
	require.NoError(t, err)
	require.Equal(t, 2+landed.Load(), snap.Payment.Version, "every landed update counted once")
}

// rawDB opens path without the Store, for poking at the file.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	dsn, err := sqlitestore.DSN(path, sqlitestore.Options{})
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// dump returns the schema and every row of every table, as text.
func dump(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	rows, err := db.Query(`SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name, def string
		require.NoError(t, rows.Scan(&name, &def))
		out = append(out, def)
		if strings.HasPrefix(def, "CREATE TABLE") {
			tables = append(tables, name)
		}
	}
	require.NoError(t, rows.Err())
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			out = append(out, fmt.Sprint(table, vals))
		}
		require.NoError(t, rows.Err())
	}
	return out
}
