package ledger

import (
	"context"
	"fmt"
)

// MigrateTo brings the ledger's tables in b (from SQLite or Postgres) to
// version and no further, as the code of that version did, without
// opening a Ledger on them.
func MigrateTo(ctx context.Context, b Backend, version int) error {
	switch b := b.(type) {
	case *sqliteBackend:
		old := *b
		old.migrations = sqliteMigrations[:version]
		return old.open(ctx)
	case *pgBackend:
		old := *b
		old.migrations = postgresMigrations[:version]
		return old.open(ctx)
	}
	return fmt.Errorf("backend %T", b)
}
