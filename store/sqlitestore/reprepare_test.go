package sqlitestore_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/paystate/paystate/engine"
	"github.com/paystate/paystate/engine/memfunds"
	"github.com/paystate/paystate/store/sqlitestore"
)

// compileCounter opens connections that count every statement SQLite
// compiles on them: SQLite calls the authorizer while it compiles, also
// when it compiles a prepared statement again.
type compileCounter struct {
	driver.Connector
	compiles atomic.Int64
}

func (c *compileCounter) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	err = conn.(sqlite.AuthorizerRegisterer).RegisterAuthorizer(
		func(action sqlite.AuthorizerActionCode, _, _, _, _ string) sqlite.AuthorizerReturnCode {
			if action == sqlite.AuthSelect || action == sqlite.AuthUpdate {
				c.compiles.Add(1)
			}
			return sqlite.AuthorizerOK
		})
	return conn, err
}

// TestReadsDoNotRecompileOnAnalyzedDatabase: after ANALYZE (or PRAGMA
// optimize), SQLite's planner may look at the value bound to a parameter
// compared with an indexed column, and then compiles the statement again
// every time that parameter gets a new value, which made every GetPayment
// parse its refunds query anew. The Store's queries hide those values
// from the planner (CAST), so reading other payments, or the same lists at
// other times, compiles nothing.
func TestReadsDoNotRecompileOnAnalyzedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "analyzed.db")
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	ledger := memfunds.New()
	ledger.SetBalance("alice", "USD", 1<<40)
	eng, err := engine.New(s, ledger, engine.Config{Now: func() time.Time { return at }})
	require.NoError(t, err)
	var ids []string
	for i := range 40 {
		p, err := eng.Pay(ctx, engine.PayRequest{
			PartnerID: "shop", RequestID: fmt.Sprint("pay-", i), Scenario: engine.ScenarioCashier,
			Amount: engine.Money{Currency: "USD", Minor: 1000}, OrderTitle: "Tea", NotifyURL: "https://shop.example/n",
		})
		require.NoError(t, err)
		if i%4 != 0 { // some stay waiting for the user
			_, err = eng.Confirm(ctx, p.ID, "alice")
			require.NoError(t, err)
			for k := range i % 3 {
				_, err = eng.Refund(ctx, engine.RefundRequest{PartnerID: "shop", RequestID: fmt.Sprint("ref-", i, "-", k),
					PaymentID: p.ID, Amount: engine.Money{Currency: "USD", Minor: 100}})
				require.NoError(t, err)
			}
		}
		ids = append(ids, p.ID)
	}
	require.NoError(t, s.Close())

	dsn, err := sqlitestore.DSN(path, sqlitestore.Options{})
	require.NoError(t, err)
	base, err := sqlite.NewConnector(dsn)
	require.NoError(t, err)
	counter := &compileCounter{Connector: base}
	db := sql.OpenDB(counter)
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: it compiles each statement once
	_, err = db.ExecContext(ctx, `ANALYZE`)
	require.NoError(t, err)
	var samples int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat4`).Scan(&samples))
	require.Positive(t, samples, "ANALYZE wrote no samples: the planner would not look at bound values")
	s, err = sqlitestore.New(ctx, db, sqlitestore.Options{})
	require.NoError(t, err)
	defer s.Close()

	readAll := func(id string, now time.Time) {
		_, err := s.GetPayment(ctx, id)
		require.NoError(t, err)
		_, err = s.History(ctx, id)
		require.NoError(t, err)
		msgs, err := s.Outbox(ctx, id)
		require.NoError(t, err)
		if len(msgs) > 0 {
			_, err = s.ParkedOutbox(ctx, msgs[0].ID, 10)
			require.NoError(t, err)
		}
		_, err = s.DueExpiries(ctx, now, 10)
		require.NoError(t, err)
		_, err = s.DueChecks(ctx, now, 10)
		require.NoError(t, err)
		_, err = s.OutboxBacklog(ctx, now, 10)
		require.NoError(t, err)
		_, err = s.ClaimOutbox(ctx, "test", now.Add(-time.Hour), time.Minute, 1)
		require.NoError(t, err)
	}
	readAll(ids[1], at) // compiles what New did not
	before := counter.compiles.Load()
	for i, id := range ids[2:] {
		readAll(id, at.Add(time.Duration(i)*time.Minute))
	}
	require.Zero(t, counter.compiles.Load()-before, "statements compiled again while reading other payments")
}
