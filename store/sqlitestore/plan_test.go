package sqlitestore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// TestQueriesUseIndexes holds every query of the Store to its plan: each
// table is reached through an index (or its primary key), never scanned
// whole, and no listing sorts all its rows before returning the first, so that a lookup or a
// due listing costs the same with a million rows as with ten.
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
		n := strings.Count(q, "?") // enough arguments, also for ?NNN forms
		args := make([]any, n)
		for i := range args {
			args[i] = 1
		}
		rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		require.NoError(t, err, q)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") {
				require.True(t, strings.Contains(step, " USING ") || strings.HasPrefix(step, "SCAN (subquery"),
					"full scan in %q\nplan: %q", q, plan)
			}
			// A full sort would read every matching row before the first
			// one is returned; "FOR LAST TERM OF ORDER BY" only orders rows
			// that tie on the earlier terms, as they stream past.
			require.NotEqual(t, "USE TEMP B-TREE FOR ORDER BY", step, "sort in %q\nplan: %q", q, plan)
		}
		t.Logf("%s\n\t%s", strings.Join(strings.Fields(q), " "), strings.Join(plan, "\n\t"))
	}
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
