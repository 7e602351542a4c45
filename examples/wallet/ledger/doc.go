// Package ledger is the reference wallet's funds port (engine.Funds and
// engine.Evaluator): user balances, agreement access tokens and single-use
// payment codes kept in tables of the same database as the paystate store,
// so that a restart neither loses nor duplicates money and several wallet
// processes on one database share one ledger.
//
// # Database
//
// Open takes the database the store runs on: SQLite (a *sql.DB of the
// modernc.org/sqlite driver, see SQLite) or PostgreSQL (a *pgxpool.Pool and
// the store's schema, see Postgres). Its tables are named ledger_* and its
// schema version is kept in ledger_schema_version, so they never collide
// with the store's; Open creates or migrates them from the migrations
// embedded in the package, once however many processes start together, and
// refuses a schema newer than this code (ErrSchemaTooNew).
//
//	ledger_users            one row per user
//	ledger_balances         (user, currency) -> minor units, never negative
//	ledger_access_tokens    agreement access token -> user
//	ledger_payment_codes    payment code -> user, and the debit that spent it
//	ledger_operations       operation id -> kind, user, amount, status, reason, applied_at
//
// The database is the only copy of the balances: nothing is cached in
// memory, so every process sees every other's movements.
//
// # Money
//
// Every Debit and Credit is one database transaction. It first claims its
// operation id by inserting the ledger_operations row (the id is the
// primary key), then moves the money (a debit only while the balance stays
// at least zero, in the same UPDATE that takes it) and records the outcome
// in that row. A repeated id finds the row and returns the recorded answer,
// so an operation is applied at most once, whichever process repeats it.
// Inquire answers from that row too; for an id it has never seen it records
// a declined ("fenced") row, so a Debit that arrives late with that id is
// declined and the engine's decision stands.
//
// A database error, a timeout or a cancelled context is returned as an
// error: the transaction was rolled back (or, if the connection broke
// during the commit, perhaps committed). The engine reads the error as an
// unknown outcome and asks Inquire later, which answers from what the
// database holds. The ledger never guesses.
//
// Declines carry engine codes: CodeBalanceNotEnough, CodeUserNotExist,
// CodeInvalidAccessToken (unknown access token), CodeInvalidCode (unknown
// payment code), CodeAuthCodeAlreadyUsed (spent payment code), and
// CodeProcessFail (a fenced id, or a request no ledger could apply, such as
// a non-positive amount).
//
// # Seeding
//
// Seed loads the users of the wallet's configuration at every start. It
// creates users that do not exist yet and gives a user its starting balance
// in a currency only when the ledger has no balance for that user and
// currency yet: a restart with the same configuration neither resets nor
// adds money. Access tokens follow the configuration (see Seed).
package ledger
