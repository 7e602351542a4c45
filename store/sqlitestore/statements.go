package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
)

// errClosed is returned by every method of a closed Store.
var errClosed = errors.New("sqlitestore: store is closed")

// statements holds every query of the Store, prepared once when the Store
// is created. database/sql prepares a statement again on each connection
// the first time it runs there (on that connection, inside a transaction
// too) and keeps it, so each query is parsed and planned once per
// connection, never per call.
//
// Preparing eagerly matters: preparing lazily inside a transaction would ask
// the pool for a second connection while holding one, which deadlocks a
// small pool.
type statements struct {
	byQuery map[string]*sql.Stmt
	closed  atomic.Bool
}

// prepareAll prepares every query in allQueries on db.
func prepareAll(ctx context.Context, db *sql.DB) (*statements, error) {
	s := &statements{byQuery: make(map[string]*sql.Stmt, len(allQueries))}
	for _, q := range allQueries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare %q: %w", q, err), s.close())
		}
		s.byQuery[q] = st
	}
	return s, nil
}

// stmt returns the prepared statement for query, bound to tx when tx is
// not nil. query must be one of allQueries.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if s.stmts.closed.Load() {
		return nil, errClosed
	}
	st, ok := s.stmts.byQuery[query]
	if !ok {
		panic("sqlitestore: query not in allQueries: " + query)
	}
	if tx != nil {
		return tx.StmtContext(ctx, st), nil
	}
	return st, nil
}

// close closes every statement; later calls of Store.stmt fail with
// errClosed.
func (s *statements) close() error {
	s.closed.Store(true)
	var errs []error
	for _, st := range s.byQuery {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// Values hidden from the planner. Once a database has been analyzed
// (ANALYZE, PRAGMA optimize), SQLite's planner consults the value bound to
// a parameter compared with an indexed column that is not a unique key,
// and then compiles the statement again each time that parameter is bound
// to a new value: every GetPayment would parse and plan its refunds query
// anew. Wherever that applies, the queries compare with CAST(? AS type),
// whose value the planner does not look at; the plans stay the same
// (TestQueriesUseIndexes) and nothing is compiled twice
// (TestReadsDoNotRecompileOnAnalyzedDatabase).

// allQueries is every query text the Store runs through Store.stmt.
var allQueries = []string{
	qInsertPayment, qUpdatePayment, qPaymentVersion,
	qInsertRefund, qUpdateRefund, qRefundOwner,
	qInsertCapture, qUpdateCapture, qCaptureOwner, qCapturesOf, qCaptureByRequest,
	qInsertEvent, qInsertOutbox, qSavepoint, qRelease, qRollbackTo,
	qPaymentByID, qPaymentByRequest, qRefundsOf, qRefundByID, qRefundOfPayment, qRefundByRequest, qHistory,
	qDueExpiries, qDueChecks,
	qClaimOutbox, qDelivered, qParked, qRescheduled, qLeaseOwner, qOutboxOf,
	qParkedOutbox, qResendOutbox, qOutboxCreatedAt, qOutboxBacklog,
	qAddCounter, qCounter,
}
