package pgstore

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := loadMigrations(migrationFiles)
	require.NoError(t, err)
	require.Equal(t, "0001_init.sql", ms[0].name)
	require.Equal(t, len(ms), SchemaVersion())
}

func TestLoadMigrationsRejectsBadSets(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": file, "migrations/0003_c.sql": file},
		"twice":    {"migrations/0001_a.sql": file, "migrations/0001_b.sql": file},
		"no start": {"migrations/0002_b.sql": file},
		"bad name": {"migrations/init.sql": file},
		"empty":    {},
	} {
		_, err := loadMigrations(fsys)
		require.Error(t, err, name)
	}
	ms, err := loadMigrations(fstest.MapFS{"migrations/0002_b.sql": file, "migrations/0001_a.sql": file})
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, []int{ms[0].version, ms[1].version})
}
