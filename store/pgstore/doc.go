// Package pgstore is the PostgreSQL backend of paystate (jackc/pgx v5 over
// a pgxpool): the production store, shared by many engine processes at once.
//
// # Use
//
//	st, err := pgstore.Open(ctx, "postgres://paystate@db/paystate", pgstore.Options{})
//	...
//	defer st.Close()
//	eng, err := engine.New(st, funds, engine.Config{})
//
// New does the same over a pool the caller owns. Open and New bring the
// schema up to date first (see Migrations) and refuse a database whose
// schema is newer than this code.
//
// # Correctness across processes
//
// Nothing is coordinated in process memory. A Commit is one READ COMMITTED
// transaction: it creates a payment with a plain INSERT (the unique indexes
// on the id and on partner_id + request_id make twin creates collide:
// store.ErrAlreadyExists) or updates it with UPDATE ... WHERE id = $1 AND
// version = $2 (no row: store.ErrConflict). The row lock that UPDATE takes
// serialises every writer of one payment, so the refund rule holds however
// many processes refund it at once (and the capture rule however many
// capture an authorization). Refund, capture, event and outbox rows of
// the change are written in the same transaction, which is committed
// (synchronous_commit must not be off) before Commit returns.
//
// # Commit batching
//
// Concurrent Commits of one Store share transactions: while two shared
// transactions run, further Commits queue, and the next to get a turn
// applies up to 32 of them in one transaction with one COMMIT (batch.go,
// batchtx.go). Each Change still succeeds or fails on its own (a failing
// one is undone to its savepoint, the others commit), every caller is
// answered after the COMMIT, and when the COMMIT's outcome is unknown
// every caller in it is told so (an error matching no store sentinel). A
// Commit that arrives alone runs alone, as before.
// Options.SeparateCommits gives every Commit a transaction of its own.
//
// ClaimOutbox leases messages with one UPDATE over a SELECT ... FOR UPDATE
// SKIP LOCKED, so dispatchers in several processes share the outbox and never
// hold the same message at once; RecordDelivery is guarded by the lease
// owner. ResendOutbox changes only the due time and the parked flag, so it
// never disturbs a lease either.
//
// A read of a payment with its refunds and captures is one statement,
// hence one consistent snapshot.
//
// Statements run in pgx's default mode, prepared once per connection and
// cached. Behind PgBouncer in transaction mode (before 1.21) add
// default_query_exec_mode=exec to the DSN.
//
// # Failover
//
// For a primary with a synchronous standby, name both servers in the DSN
// and ask for the writable one:
// postgres://user@host1:5432,host2:5432/db?target_session_attrs=read-write.
// While no primary accepts writes, every call fails with an error that is
// none of the store's sentinels (the engine answers U); once the standby
// is promoted, new connections reach it and the same Store goes on without
// a restart. Broken connections leave the pool on their error; a
// connection to a server that takes no writes any more leaves it when
// released (ConfigureFailover), and a write it refuses (SQLSTATE 25006,
// nothing applied) empties the pool, and Commit tries once more on a new
// connection. Acknowledged commits survive the primary's loss only with
// synchronous_commit on and the standby in synchronous_standby_names.
//
// # Time
//
// Times are timestamptz columns, stored to the microsecond (pgx truncates)
// and returned in UTC. A zero time.Time is stored as NULL, except in the
// columns that say when something becomes due (payments.expires_at,
// payments.auth_expires_at, payments.next_check_at, refunds.next_check_at,
// captures.next_check_at, outbox.next_attempt_at),
// where it is stored as '-infinity': a zero due time means "due since
// forever", and '-infinity' keeps that meaning for col <= now and
// ORDER BY col, so the partial indexes serve the due listings with plain
// range scans. Both NULL and '-infinity' read back as the zero time.
// ParkedOutbox, which pages by created_at, orders by
// coalesce(created_at, '-infinity') so that the zero time comes first
// there too, and its partial index is on that expression.
//
// # Text
//
// Strings are text columns, so they must be valid UTF-8 without NUL bytes
// (the engine validates what it gets from merchants); ids are compared and
// ordered bytewise (COLLATE "C"), like the in-memory store.
//
// # Migrations
//
// The schema lives in embedded SQL files (migrations/NNNN_name.sql). Open and
// New apply the missing ones in order inside one transaction that holds a
// transaction-level advisory lock for the schema, so processes starting at
// the same moment migrate exactly once, and record each in the
// schema_version table. A schema_version newer than the newest migration
// this code knows is refused (ErrSchemaTooNew) before anything is changed.
package pgstore
