package pgstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/paystate/paystate/store"
)

// ErrSchemaTooNew means the database schema was migrated by a newer version
// of paystate than this one: Open and New refuse it and change nothing.
// Upgrade the code (or point it at another schema).
var ErrSchemaTooNew = errors.New("pgstore: schema too new")

// SQLSTATE codes pgstore reacts to.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeReadOnlyTransaction  = "25006" // a write sent to a server that takes none
)

// sqlState returns the SQLSTATE of a PostgreSQL error in err's chain, or "".
func sqlState(err error) string {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pgErr.Code
	}
	return ""
}

// commitError turns an error from a Commit's transaction into the store's
// vocabulary, with what was being written as context: unique violations
// become store.ErrAlreadyExists; serialization failures and deadlocks, which
// applied nothing and are cured by reloading and deciding again, become
// store.ErrConflict. Other errors are wrapped unchanged: a broken or
// refused connection (a killed or stopped server, no primary reachable
// during a failover), a server shutting down (SQLSTATE 57P01-57P03) or one
// that takes no writes (25006) is none of the store's sentinels, so the
// engine treats the outcome as unknown and answers U, never F: the write may
// have committed before the connection broke.
func commitError(paymentID string, err error) error {
	switch state := sqlState(err); state {
	case codeUniqueViolation:
		what := "a record"
		if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
			what = constraintMeaning(pgErr.ConstraintName)
		}
		return fmt.Errorf("pgstore: commit %q: %s is already taken: %w: %w", paymentID, what, store.ErrAlreadyExists, err)
	case codeSerializationFailure, codeDeadlockDetected:
		return fmt.Errorf("pgstore: commit %q: %w: %w", paymentID, store.ErrConflict, err)
	}
	return fmt.Errorf("pgstore: commit %q: %w", paymentID, err)
}

// constraintMeaning names what a unique constraint of the schema protects.
func constraintMeaning(constraint string) string {
	switch constraint {
	case "payments_pkey":
		return "the payment id"
	case "payments_request_key":
		return "the payment request key (partner id, request id)"
	case "refunds_pkey":
		return "a refund id"
	case "refunds_request_key":
		return "a refund request key (partner id, request id)"
	case "captures_pkey":
		return "a capture id"
	case "captures_request_key":
		return "a capture request key (partner id, request id)"
	case "outbox_pkey":
		return "an outbox message id"
	}
	return "a unique key (" + constraint + ")"
}
