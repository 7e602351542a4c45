package ledger

import "testing"

// Both backends have the same schema history, step for step.
func TestMigrationsMatchAcrossBackends(t *testing.T) {
	if len(sqliteMigrations) != len(postgresMigrations) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(sqliteMigrations), len(postgresMigrations))
	}
	for i, m := range sqliteMigrations {
		if m.name != postgresMigrations[i].name {
			t.Errorf("step %d: %s in SQLite, %s in PostgreSQL", m.version, m.name, postgresMigrations[i].name)
		}
	}
}
