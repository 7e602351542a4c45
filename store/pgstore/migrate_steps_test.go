package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
)

// Columns of the tables at schema version 6, before 0007 added the
// authorization fields to payments and the capture fields to outbox:
// paymentColumns and outboxColumns start with them.
const (
	paymentColumnsV6 = 32
	outboxColumnsV6  = 24
)

// TestMigrationAuthorizations: a payment and its message written by code of
// schema version 6 read back unchanged after 0007, with every
// authorization field zero and no captures, and are listed as before.
func TestMigrationAuthorizations(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	schema := pgstoretest.NewSchema(t, dsn)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	defer pool.Close()
	require.NoError(t, pgstore.MigrateToForTest(ctx, pool, schema, 6))

	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	waiting := testPayment("pay-waiting", now)
	waiting.Status, waiting.PaidAt, waiting.ExpiresAt = "ACCEPT", time.Time{}, now.Add(-time.Minute)
	paid := testPayment("pay-paid", now)
	msg := store.OutboxMessage{ID: "msg-1", PaymentID: paid.ID, PartnerID: paid.PartnerID, RequestID: paid.RequestID,
		Kind: "payment_result", NotifyURL: paid.NotifyURL, Status: "SUCCESS", Currency: "USD", Amount: paid.Amount,
		CreatedAt: now, NextAttemptAt: now}
	insert := func(table string, columns []string, values []any, n int) {
		t.Helper()
		placeholders := make([]string, n)
		for i := range placeholders {
			placeholders[i] = fmt.Sprintf("$%d", i+1)
		}
		sql := "INSERT INTO " + pgx.Identifier{schema, table}.Sanitize() + " (" + strings.Join(columns[:n], ", ") +
			") VALUES (" + strings.Join(placeholders, ", ") + ")"
		_, err := pool.Exec(ctx, sql, values[:n]...)
		require.NoError(t, err, sql)
	}
	for _, p := range []store.Payment{waiting, paid} {
		cols, vals := pgstore.PaymentRowForTest(&p)
		insert("payments", cols, vals, paymentColumnsV6)
	}
	cols, vals := pgstore.OutboxRowForTest(&msg)
	insert("outbox", cols, vals, outboxColumnsV6)

	s, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	for _, p := range []store.Payment{waiting, paid} {
		snap, err := s.GetPayment(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, store.Snapshot{Payment: p, Refunds: []store.Refund{}, Captures: []store.Capture{}}, snap)
		require.False(t, snap.Payment.Authorization)
		require.True(t, snap.Payment.AuthorizedAt.IsZero() && snap.Payment.AuthExpiresAt.IsZero())
		snap, err = s.LoadPayment(ctx, p.ID, "")
		require.NoError(t, err)
		require.Equal(t, store.Snapshot{Payment: p, Refunds: []store.Refund{}, Captures: []store.Capture{}}, snap)
	}
	msgs, err := s.Outbox(ctx, paid.ID)
	require.NoError(t, err)
	require.Equal(t, []store.OutboxMessage{msg}, msgs)
	ids, err := s.DueExpiries(ctx, now, 10)
	require.NoError(t, err)
	require.Equal(t, []string{waiting.ID}, ids, "an old payment is no authorization due to expire")

	// The migrated payment goes on as an authorization.
	p := paid
	p.Version, p.Status, p.Authorization, p.AuthExpiresAt, p.CaptureCount = 2, "AUTHORIZED", true, now, 1
	k := capture("cap-1", &p, 10, now)
	require.NoError(t, s.Commit(ctx, store.Change{Payment: p, ExpectedVersion: 1, NewCaptures: []store.Capture{k}}))
	snap, err := s.LoadPayment(ctx, p.ID, "")
	require.NoError(t, err)
	require.Equal(t, store.Snapshot{Payment: p, Refunds: []store.Refund{}, Captures: []store.Capture{k}}, snap)
}
