package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paystate/paystate/engine"
)

// Ledger is the wallet's funds port over a database: see the package
// documentation. Create one with Open; it is safe for concurrent use, and
// Ledgers in several processes may share one database.
type Ledger struct {
	db Backend
	q  queries
}

var (
	_ engine.Funds     = (*Ledger)(nil)
	_ engine.Evaluator = (*Ledger)(nil)
)

// Open returns the Ledger kept in db, first creating or migrating its
// tables. It does not take db over: closing the database is the caller's
// business, after the Ledger is no longer used. Errors name the database
// and the problem.
func Open(ctx context.Context, db Backend) (*Ledger, error) {
	if db == nil {
		return nil, errors.New("ledger: open: nil Backend")
	}
	if err := db.open(ctx); err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", db.describe(), err)
	}
	q := newQueries(db.table)
	if err := db.prepareQueries(ctx, q.all()); err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", db.describe(), err)
	}
	return &Ledger{db: db, q: q}, nil
}

// stamp is the current time as the ledger stores it: unix microseconds.
func (l *Ledger) stamp() int64 { return time.Now().UnixMicro() }
