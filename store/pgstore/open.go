package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paystate/paystate/store"
)

var _ store.Store = (*Store)(nil)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Schema is the PostgreSQL schema that holds paystate's tables. It is
	// created (with the tables) when missing. Default "public". Give each
	// deployment, or each test, its own schema to keep them apart in one
	// database.
	Schema string
	// SeparateCommits runs every Commit in a transaction of its own. By
	// default concurrent Commits of one Store share transactions (up to 32
	// Changes each, a failing one undone alone: see the package doc): at
	// 32 concurrent payment lifecycles that took about half the CPU per
	// lifecycle and ran 1.6 times as many per second (see "PostgreSQL
	// commit batching" in docs/benchmarks.md), and a Commit that runs alone
	// takes the same path either way. The one difference a caller can see
	// is that when a shared COMMIT's outcome is unknown (the connection
	// broke during it) every Commit in it returns that unknown outcome.
	SeparateCommits bool
}

// withDefaults returns o with its zero values replaced by the defaults.
func (o Options) withDefaults() Options {
	if o.Schema == "" {
		o.Schema = "public"
	}
	return o
}

// Store is a store.Store on PostgreSQL. It is safe for concurrent use by
// many goroutines, and any number of Stores in any number of processes may
// share one schema.
type Store struct {
	pool     *pgxpool.Pool
	ownsPool bool // Close closes pool: Open created it
	schema   string
	q        queries

	separateCommits bool         // Options.SeparateCommits
	batch           *batcher     // the queue of concurrent Commits
	commitTxs       atomic.Int64 // transactions Commit has begun, for benchmarks

	beforeSharedCommit func(backendPID uint32) // tests only: called before a shared COMMIT
	cq                 counterQueries
}

// Open creates a connection pool for dsn (a libpq-style URL or keyword/value
// string; pool settings such as pool_max_conns go in it too), prepared for
// failover (see ConfigureFailover), migrates the schema (see New) and
// returns a Store that owns the pool: Close closes it. For a cluster with a
// standby, name every server and ask for the primary:
// postgres://user@host1:5432,host2:5432/db?target_session_attrs=read-write.
// Errors name the DSN with its password removed (see RedactDSN).
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open %s: invalid DSN: %s", RedactDSN(dsn), parseErrorReason(err))
	}
	ConfigureFailover(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, &openError{dsn: RedactDSN(dsn), err: err}
	}
	s, err := New(ctx, pool, opts)
	if err != nil {
		pool.Close()
		return nil, &openError{dsn: RedactDSN(dsn), err: err}
	}
	s.ownsPool = true
	return s, nil
}

// openError is an error of Open: "pgstore: open <redacted DSN>: <err>".
type openError struct {
	dsn string // redacted
	err error
}

func (e *openError) Error() string {
	return "pgstore: open " + e.dsn + ": " + strings.TrimPrefix(e.err.Error(), "pgstore: ")
}

func (e *openError) Unwrap() error { return e.err }

// parseErrorReason says why pgx could not parse a DSN without quoting it.
// pgx's message holds the DSN, redacted only as well as a DSN that failed
// to parse allows, and the underlying error may quote fragments of it (a
// URL parse error, a keyword/value syntax error), so only pgx's short
// reason is kept ("invalid port", "cannot parse pool_max_conns").
func parseErrorReason(err error) string {
	pce, ok := errors.AsType[*pgconn.ParseConfigError](err)
	if !ok {
		return "cannot parse it"
	}
	// pce.Error() is "cannot parse `<dsn>`: <reason>" plus " (<inner>)"
	// when there is an inner error.
	msg := pce.Error()
	if inner := pce.Unwrap(); inner != nil {
		msg = strings.TrimSuffix(msg, " ("+inner.Error()+")")
	}
	if i := strings.LastIndex(msg, "`: "); i >= 0 && strings.HasPrefix(msg, "cannot parse `") {
		return msg[i+len("`: "):]
	}
	return "cannot parse it"
}

// New returns a Store over a pool the caller owns (Close leaves it open).
// It first brings opts.Schema up to the newest embedded migration, creating
// the schema when it is missing, and fails with ErrSchemaTooNew, changing
// nothing, when the schema was migrated by newer code. Concurrent calls,
// in any number of processes, migrate once.
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: New: pool is nil")
	}
	opts = opts.withDefaults()
	if err := migrate(ctx, pool, opts.Schema); err != nil {
		return nil, err
	}
	return &Store{pool: pool, schema: opts.Schema, q: newQueries(opts.Schema), cq: newCounterQueries(opts.Schema),
		separateCommits: opts.SeparateCommits, batch: newBatcher()}, nil
}

// Close closes the pool when Open created it; a pool passed to New is left
// to its owner. The Store must not be used afterwards.
func (s *Store) Close() {
	if s.ownsPool {
		s.pool.Close()
	}
}

// Pool returns the connection pool the Store runs on, for health checks
// and metrics (Pool().Stat()). Closing it is the owner's business.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema returns the PostgreSQL schema that holds the Store's tables.
func (s *Store) Schema() string { return s.schema }
