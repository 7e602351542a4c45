package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"modernc.org/sqlite" // also registers the "sqlite" database/sql driver

	"github.com/paystate/paystate/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store kept in one SQLite database file. Create one with
// Open or New; it is safe for concurrent use by many goroutines and, through
// SQLite's file locks, by several processes on the same file.
type Store struct {
	db    *sql.DB
	owned bool // Close closes db

	// writeSlot is a one-token semaphore: writers of this Store queue here,
	// in Go, instead of polling SQLite's lock under busy_timeout.
	writeSlot chan struct{}
	stmts     *statements

	queueMu sync.Mutex
	queue   []*pendingCommit // Commits waiting for a group commit (group.go)

	closeOnce sync.Once
	closeErr  error
}

// Open opens the SQLite database at path, creating the file (not its
// directory) when it does not exist, brings its schema up to date and
// returns a Store that owns the connections. Every connection uses WAL,
// foreign keys, the Options' busy timeout and synchronous setting, and
// begins transactions with BEGIN IMMEDIATE.
//
// path is a file system path, not a URI: "file:..." is refused, and so are
// "" and ":memory:" (use memstore when nothing needs to survive the
// process). Errors name path.
// Open refuses a database whose schema is newer than this code knows and
// changes nothing in it.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	db, err := OpenDB(path, opts)
	if err != nil {
		return nil, err
	}
	opts, _ = opts.withDefaults() // OpenDB checked them
	s, err := newStore(ctx, db, opts, "open "+path, true)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

// OpenDB opens the *sql.DB that Open builds its Store on, for callers that
// keep tables of their own in the same file (a ledger, say) and hand the
// *sql.DB to New and to their own code; the caller owns and closes it.
// path is checked as Open checks it. Every connection is configured as DSN
// describes, and the pool holds opts.MaxConns connections, all kept open
// (database/sql would keep 2 idle ones: each new connection parses the
// schema again, its statements are prepared again, and its page cache
// starts cold).
func OpenDB(path string, opts Options) (*sql.DB, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlitestore: open %q: need the path of a database file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(abs, opts))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(opts.MaxConns)
	db.SetMaxIdleConns(opts.MaxConns) // keep connections, and their prepared statements
	return db, nil
}

// DSN returns the data source name Open uses for the database file at path
// with opts (zero fields meaning their defaults), for callers that open the
// *sql.DB themselves and hand it to New. path should be absolute.
func DSN(path string, opts Options) (string, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return "", err
	}
	return dsn(path, opts), nil
}

// dsn builds a modernc.org/sqlite file: URI for path. The driver runs the
// _pragma values on every new connection, busy_timeout first.
func dsn(path string, opts Options) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+string(opts.Synchronous)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	// In a URI, '%', '?' and '#' in the path must be escaped.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?" + q.Encode()
}

// New returns a Store on a *sql.DB the caller opened with the
// modernc.org/sqlite driver and keeps owning: Close leaves it open. New
// brings the schema up to date, like Open.
//
// Every connection of db must be configured like Open's (DSN returns that
// data source name): journal_mode WAL, foreign_keys on, a busy_timeout, and
// synchronous at least opts.Synchronous (FULL by default). New checks one
// connection and returns an error naming what is missing; _txlock=immediate
// is recommended for other writers but not needed by the Store, whose write
// transactions all begin with a write. Writes of one Store are serialized
// in Go, so db may have any number of connections.
func New(ctx context.Context, db *sql.DB, opts Options) (*Store, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if db == nil {
		return nil, errors.New("sqlitestore: New: nil *sql.DB")
	}
	if _, ok := db.Driver().(*sqlite.Driver); !ok {
		// Errors are classified by this driver's result codes.
		return nil, fmt.Errorf("sqlitestore: New: driver %T, want modernc.org/sqlite", db.Driver())
	}
	return newStore(ctx, db, opts, "New", false)
}

// newStore checks db's configuration, migrates it and returns the Store.
// op prefixes error messages ("open <path>" or "New").
func newStore(ctx context.Context, db *sql.DB, opts Options, op string, owned bool) (*Store, error) {
	if err := checkPragmas(ctx, db, opts); err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	stmts, err := prepareAll(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	return &Store{
		db:        db,
		owned:     owned,
		writeSlot: make(chan struct{}, 1),
		stmts:     stmts,
	}, nil
}

// checkPragmas verifies, on one connection of db, the settings the Store's
// guarantees rest on. It is also the first use of a connection, so an
// unopenable file or one that is not a database fails here.
func checkPragmas(ctx context.Context, db *sql.DB, opts Options) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal_mode is %q, want WAL (_pragma=journal_mode(WAL))", mode)
	}
	var fk, busy, sync int
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return err
	}
	if fk != 1 {
		return errors.New("foreign keys are off, want on (_pragma=foreign_keys(1))")
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		return err
	}
	if busy <= 0 {
		return errors.New("busy_timeout is 0, want one (_pragma=busy_timeout(5000))")
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return err
	}
	want, _ := opts.Synchronous.level() // validated by withDefaults
	if sync < want {
		return fmt.Errorf("synchronous is %d, want at least %d (%s)", sync, want, opts.Synchronous)
	}
	return nil
}

// Close releases the Store's prepared statements and, when Open created
// the Store, closes the database (checkpointing its write-ahead log). It
// leaves a caller's *sql.DB given to New open. Calling Close again returns
// the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.stmts.close()
		if s.owned {
			s.closeErr = errors.Join(s.closeErr, s.db.Close())
		}
	})
	return s.closeErr
}
