package ledger

import (
	"context"
	"errors"
)

// Backend is the database a Ledger keeps its tables in: SQLite or
// Postgres returns one.
type Backend interface {
	// describe names the database in errors, e.g. `PostgreSQL schema "public"`.
	describe() string
	// open checks that the database suits the ledger and brings the
	// ledger's tables up to the newest embedded migration.
	open(ctx context.Context) error
	// table returns the name of a ledger table as queries must spell it.
	table(name string) string
	// prepareQueries readies the ledger's statements, called once after open
	// with every query text the Ledger will run, so that none is parsed
	// and planned again per call.
	prepareQueries(ctx context.Context, queries []string) error
	// write runs fn in one read-write transaction and commits it when fn
	// returns nil; on an error nothing of it remains.
	write(ctx context.Context, fn func(q conn) error) error
	// read runs statements outside any transaction, each on its own.
	read() conn
}

// conn runs the statements of the ledger: a transaction, or the database
// itself. Queries use $1, $2, ... for their arguments in both backends.
type conn interface {
	// exec runs a statement and returns how many rows it changed.
	exec(ctx context.Context, query string, args ...any) (int64, error)
	// queryRow runs a query whose first row Scan reads; Scan returns
	// errNoRows when there is none.
	queryRow(ctx context.Context, query string, args ...any) row
	// query runs a query and calls each for every row it returns, in
	// order, stopping at the first error, which it returns.
	query(ctx context.Context, query string, args []any, each func(r row) error) error
}

// row is the first row of a query.
type row interface {
	Scan(dest ...any) error
}

// errNoRows is what row.Scan returns, in every backend, for a query that
// found nothing.
var errNoRows = errors.New("ledger: no rows")
