// Package ledger is the reference wallet's funds port (engine.Funds,
// engine.Holds and engine.Evaluator): user balances, holds on them,
// merchant balances, agreement access tokens and single-use payment codes
// kept in tables of the same database as the paystate store,
// so that a restart neither loses nor duplicates money and several wallet
// processes on one database share one ledger.
//
// # Database
//
// Open takes the database the store runs on: SQLite (a *sql.DB of the
// modernc.org/sqlite driver, see SQLite, or SQLiteSharing to write in the
// sqlitestore's group commits, as the wallet does) or PostgreSQL (a
// *pgxpool.Pool and the store's schema, see Postgres). Its tables are named ledger_* and its
// schema version is kept in ledger_schema_version, so they never collide
// with the store's; Open creates or migrates them from the migrations
// embedded in the package, once however many processes start together, and
// refuses a schema newer than this code (ErrSchemaTooNew).
//
//	ledger_users              one row per user
//	ledger_balances           (user, currency) -> available and held minor units, never negative
//	ledger_holds              hold id (its Hold's operation id) -> payer, amount, captured, released, state
//	ledger_merchant_balances  (partner id, currency) -> what captures paid the merchant
//	ledger_access_tokens      agreement access token -> user
//	ledger_payment_codes      payment code -> user, and the debit or hold that spent it
//	ledger_operations         operation id -> kind, user, amount, hold, status, reason, applied_at
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
// # Holds
//
// A user's money in a currency is available (what debits and new holds
// take, and Balance reports as Balance.Available) plus held (what holds
// set aside, Balance.Held). Hold, Capture and Release are operations like
// Debit and Credit: one transaction each, claimed by operation id, applied
// at most once, answered again by Inquire, and fenced by an Inquire that
// comes first. Hold moves money from available to held under the guard
// of a debit and opens the hold; Capture moves part of what the hold has
// left to the balance of the merchant that placed it; Release gives the
// rest back to available and closes the hold, and a second release of a
// closed hold gives back nothing and succeeds. The guarded UPDATE of the
// hold's row orders concurrent captures and releases of one hold, in any
// number of processes. Across users and merchants, available plus held
// plus the merchants' balances changes only by debits and credits: holds,
// captures and releases move money inside the ledger.
//
// Declines carry engine codes: CodeBalanceNotEnough, CodeUserNotExist,
// CodeInvalidAccessToken (unknown access token), CodeInvalidCode (unknown
// payment code), CodeAuthCodeAlreadyUsed (spent payment code), and
// CodeProcessFail (a fenced id, a request no ledger could apply, such as
// a non-positive amount, and a capture or release of a hold the ledger
// never placed, a capture of a released hold or of more than the hold has
// left).
//
// # Seeding
//
// Seed loads the users of the wallet's configuration at every start. It
// creates users that do not exist yet and gives a user its starting balance
// in a currency only when the ledger has no balance for that user and
// currency yet: a restart with the same configuration neither resets nor
// adds money. Access tokens follow the configuration (see Seed).
package ledger
