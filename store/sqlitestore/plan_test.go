package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// TestQueriesUseIndexes holds every query of the Store to its plan (see
// planErrors), so that a lookup or a due listing costs the same with a
// million rows as with ten.
func TestQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"), Options{})
	require.NoError(t, err)
	defer s.Close()
	// Statistics as a large database would have them, so the planner does
	// not prefer scans of the (empty) test tables.
	_, err = s.db.ExecContext(ctx, `ANALYZE`)
	require.NoError(t, err)

	for _, q := range allQueries {
		plan, err := explain(ctx, s.db, q)
		require.NoError(t, err, q)
		require.NoError(t, errors.Join(planErrors(q, plan)...))
		t.Logf("%s\n\t%s", strings.Join(strings.Fields(q), " "), strings.Join(plan, "\n\t"))
	}
}

// planIndexes names the index a query must be served by, where the
// planner could pick another one.
var planIndexes = map[string]string{
	qDueExpiries:   "payments_due_expiry",
	qClaimOutbox:   "outbox_claimable",
	qParkedOutbox:  "outbox_parked",
	qOutboxBacklog: "outbox_claimable",
}

// explain returns the steps of SQLite's plan for q, with 1 for every
// parameter.
func explain(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	args := make([]any, strings.Count(q, "?")) // enough, also for ?NNN forms
	for i := range args {
		args[i] = 1
	}
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return nil, fmt.Errorf("explain %q: %w", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}

// planErrors checks the plan of q: each table is reached through an index
// (or its primary key), never scanned whole (a scan of a subquery's result
// of json_each over a parameter, or of the constant row of a SELECT
// without FROM reads no table); no listing sorts all
// its rows before returning the first; and the query uses the index
// planIndexes names for it, if any.
func planErrors(q string, plan []string) []error {
	var errs []error
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, " USING ") &&
			!strings.HasPrefix(step, "SCAN (subquery") && !strings.HasPrefix(step, "SCAN json_each VIRTUAL TABLE") &&
			step != "SCAN CONSTANT ROW" {
			errs = append(errs, fmt.Errorf("full scan in %q: %q", q, plan))
		}
		// A full sort would read every matching row before the first
		// one is returned; "FOR LAST TERM OF ORDER BY" only orders rows
		// that tie on the earlier terms, as they stream past.
		if step == "USE TEMP B-TREE FOR ORDER BY" {
			errs = append(errs, fmt.Errorf("sort in %q: %q", q, plan))
		}
	}
	if idx, ok := planIndexes[q]; ok && !strings.Contains(strings.Join(plan, "\n")+" ", " INDEX "+idx+" ") {
		errs = append(errs, fmt.Errorf("%q does not use index %s: %q", q, idx, plan))
	}
	return errs
}

func TestLoadMigrations(t *testing.T) {
	ms, err := loadMigrations(migrationFiles)
	require.NoError(t, err)
	require.Equal(t, len(ms), latestVersion)

	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": file, "migrations/0003_c.sql": file},
		"repeat":   {"migrations/0001_a.sql": file, "migrations/0001_b.sql": file},
		"bad name": {"migrations/init.sql": file},
		"none":     {},
	} {
		_, err := loadMigrations(fsys)
		require.Error(t, err, name)
	}
}
