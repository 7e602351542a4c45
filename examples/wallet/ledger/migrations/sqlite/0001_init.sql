-- ledger schema, version 1, for SQLite. Applied by the ledger inside the
-- migration transaction, next to the paystate store's tables in the same
-- file. Times are unix microseconds; amounts are minor units.

CREATE TABLE ledger_users (
    user_id    TEXT    NOT NULL PRIMARY KEY,
    created_at INTEGER NOT NULL
) STRICT;

-- A user's money per currency. The CHECK backs up the guard of every debit.
CREATE TABLE ledger_balances (
    user_id  TEXT    NOT NULL REFERENCES ledger_users (user_id),
    currency TEXT    NOT NULL,
    balance  INTEGER NOT NULL CHECK (balance >= 0),
    PRIMARY KEY (user_id, currency)
) STRICT;

-- Agreement access tokens.
CREATE TABLE ledger_access_tokens (
    token   TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES ledger_users (user_id)
) STRICT;
CREATE INDEX ledger_access_tokens_user ON ledger_access_tokens (user_id);

-- Single-use payment codes; used_by is the operation id of the debit that
-- spent the code, '' while it is unspent.
CREATE TABLE ledger_payment_codes (
    code    TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES ledger_users (user_id),
    used_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- One row per operation id: the at-most-once record and the answer to
-- every repeat and Inquire. status 'pending' exists only inside the
-- transaction that claims the id. user_id is the user the request named or
-- the debit resolved, '' when none; applied_at is when the ledger decided.
CREATE TABLE ledger_operations (
    operation_id TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('debit', 'credit', 'fenced')),
    payment_id   TEXT    NOT NULL,
    refund_id    TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    amount       INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined')),
    reason       TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    applied_at   INTEGER NOT NULL
) STRICT;
