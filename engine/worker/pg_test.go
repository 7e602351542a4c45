package worker

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
)

// TestTwoWorkersOnOnePostgreSQL: two workers, each with its own connection
// pool (as two processes would have), share one PostgreSQL outbox.
func TestTwoWorkersOnOnePostgreSQL(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	schema := pgstoretest.NewSchema(t, dsn)
	open := func() *pgstore.Store {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		require.NoError(t, err)
		t.Cleanup(s.Close)
		return s
	}
	first, second := open(), open()
	checkTwoWorkers(t, newRig(t, first), second)
}
