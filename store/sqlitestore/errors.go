package sqlitestore

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/paystate/paystate/store"
)

// isUniqueViolation reports whether err is SQLite refusing a row because
// its primary key or a unique index is already taken. It looks at the
// extended result code, never at the message.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// insertError wraps the error of an INSERT of what: store.ErrAlreadyExists
// (with SQLite's word on which key) for a unique violation, err otherwise.
func insertError(what string, err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlitestore: %s: %w (%v)", what, store.ErrAlreadyExists, err)
	}
	return fmt.Errorf("sqlitestore: %s: %w", what, err)
}
