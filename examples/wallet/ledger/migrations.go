package ledger

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// migrationFiles holds the ledger's schema for each backend, one numbered
// file per step: migrations/<backend>/0001_init.sql, 0002_....sql, and so
// on. A released step is never edited; a change is a new step, written for
// both backends.
//
//go:embed migrations
var migrationFiles embed.FS

// ErrSchemaTooNew means the ledger's tables were migrated by newer code
// than this: Open refuses them and changes nothing. Run the newer code.
var ErrSchemaTooNew = errors.New("ledger: schema too new")

// migration is one schema step.
type migration struct {
	version int
	name    string // file name, recorded with the version
	sql     string
}

// The embedded schema histories, in order, checked once.
var (
	sqliteMigrations   = mustLoadMigrations("sqlite")
	postgresMigrations = mustLoadMigrations("postgres")
)

// loadMigrations reads migrations/<backend>/*.sql and checks that they are
// numbered 1, 2, 3, ... without gaps or repeats.
func loadMigrations(backend string) ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/"+backend+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // fs.Glob sorts
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_description.sql", backend, base)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s/%s: want version %d next", backend, base, len(ms)+1)
		}
		b, err := fs.ReadFile(migrationFiles, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations for %s", backend)
	}
	return ms, nil
}

func mustLoadMigrations(backend string) []migration {
	ms, err := loadMigrations(backend)
	if err != nil {
		panic("ledger: " + err.Error())
	}
	return ms
}

// pending returns the steps of ms that a database at version current still
// needs, or ErrSchemaTooNew for a version ms does not reach.
func pending(ms []migration, current int) ([]migration, error) {
	latest := ms[len(ms)-1].version
	if current > latest {
		return nil, fmt.Errorf("the ledger tables are at version %d, this code knows versions up to %d "+
			"(refusing to touch them: run the newer code): %w", current, latest, ErrSchemaTooNew)
	}
	return ms[current:], nil
}

// orEmbedded returns ms, or the embedded history when ms is nil.
func orEmbedded(ms, embedded []migration) []migration {
	if ms == nil {
		return embedded
	}
	return ms
}
