package crashtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paystate/paystate/store"
	"github.com/paystate/paystate/store/pgstore"
	"github.com/paystate/paystate/store/pgstore/pgstoretest"
	"github.com/paystate/paystate/store/sqlitestore"
)

// backend opens one durable store from a target string the parent passes
// to the child: a file path for SQLite, "<dsn> <schema>" for PostgreSQL.
type backend struct {
	name string
	open func(ctx context.Context, target string) (store.Store, func(), error)
}

var backends = map[string]backend{
	"sqlite": {name: "sqlite", open: func(ctx context.Context, path string) (store.Store, func(), error) {
		s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	}},
	"postgres": {name: "postgres", open: func(ctx context.Context, target string) (store.Store, func(), error) {
		dsn, schema, _ := strings.Cut(target, " ")
		s, err := pgstore.Open(ctx, dsn, pgstore.Options{Schema: schema})
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}},
}

func TestCrashSQLite(t *testing.T) {
	crashDrill(t, backends["sqlite"], filepath.Join(t.TempDir(), "crash.db"))
}

func TestCrashPostgres(t *testing.T) {
	dsn := pgstoretest.DSN(t)
	crashDrill(t, backends["postgres"], dsn+" "+pgstoretest.NewSchema(t, dsn))
}
