// Package sqlitestore is the embedded durable store.Store: one SQLite
// database file, through modernc.org/sqlite (pure Go, no cgo). It is the
// default store of the reference wallet server. Create a Store with Open
// (a path; the Store owns its connections) or New (a *sql.DB the caller
// owns and configured as DSN describes, such as OpenDB's, which shares the
// file with the caller's own tables).
//
// # Durability
//
// Every connection runs in WAL mode with synchronous FULL (Options can
// lower it to NORMAL, knowingly), foreign keys on and a busy timeout. A
// Commit returns only after its transaction is in the fsynced write-ahead
// log, so an acknowledged Commit survives a crash of the process or the
// machine. Open's connections begin write transactions with BEGIN
// IMMEDIATE, and the first statement of every write transaction that
// touches a table is a write, so writers from several processes on one
// file queue on SQLite's lock instead of failing on a lock upgrade.
//
// # Connections and writers
//
// SQLite lets one transaction write at a time. A Store therefore keeps one
// pool (Options.MaxConns) and a one-token write slot: writers of the Store
// queue on the slot in Go, readers run concurrently on the other
// connections, each read of several rows in its own snapshot (WAL readers
// never block the writer nor wait for it). A dedicated writer connection
// and separate read pool would add nothing to that but a second pool to
// size. Several processes may open the same file; SQLite's lock and the
// busy timeout order their writers.
//
// Commits that arrive while another is in progress are group-committed:
// the next holder of the write slot applies all queued Changes in one
// transaction, each in its own savepoint, so that they share one fsync. A
// Change that fails (store.ErrConflict, store.ErrAlreadyExists, ...) is
// rolled back to its savepoint alone and only its caller sees the error.
// This is what makes synchronous FULL affordable under concurrency (see
// BenchmarkCommitCreate). Delivery records (RecordDelivery) join the same
// queue, and so can the writes of code that keeps its own tables in the
// Store's file, a ledger say, through CommitFunc.
//
// Every query is prepared once per connection. Every lookup and listing is
// served by an index: the unique (partner_id, request_id) keys, and partial
// indexes that hold only the rows a listing can return (payments in
// ACCEPT, funds operations in flight, undelivered outbox messages, parked
// ones), so finished payments and delivered messages never slow the
// background work down. TestQueriesUseIndexes holds every query to its
// plan.
//
// # Schema
//
// The schema lives in numbered SQL files embedded from migrations/, applied
// in order, each in its own transaction, and recorded in the schema_version
// table. A database whose schema is newer than this code is refused before
// anything is written. Times are INTEGER unix microseconds in UTC, 0 for the
// zero time (so the one instant 1970-01-01T00:00:00Z reads back as the zero
// time); they come back truncated to the microsecond, in UTC.
package sqlitestore
