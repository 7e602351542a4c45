-- ledger schema, version 1, for PostgreSQL. Applied by the ledger with
-- search_path set to the target schema (the paystate store's), inside the
-- migration transaction. Times are unix microseconds, as in SQLite, so
-- that both backends run the same statements; amounts are minor units.

CREATE TABLE ledger_users (
    user_id    text PRIMARY KEY,
    created_at bigint NOT NULL
);

-- A user's money per currency. The CHECK backs up the guard of every debit.
CREATE TABLE ledger_balances (
    user_id  text NOT NULL REFERENCES ledger_users (user_id),
    currency text NOT NULL,
    balance  bigint NOT NULL CHECK (balance >= 0),
    PRIMARY KEY (user_id, currency)
);

-- Agreement access tokens.
CREATE TABLE ledger_access_tokens (
    token   text PRIMARY KEY,
    user_id text NOT NULL REFERENCES ledger_users (user_id)
);
CREATE INDEX ledger_access_tokens_user ON ledger_access_tokens (user_id);

-- Single-use payment codes; used_by is the operation id of the debit that
-- spent the code, '' while it is unspent.
CREATE TABLE ledger_payment_codes (
    code    text PRIMARY KEY,
    user_id text NOT NULL REFERENCES ledger_users (user_id),
    used_by text NOT NULL DEFAULT ''
);

-- One row per operation id: the at-most-once record and the answer to
-- every repeat and Inquire. status 'pending' exists only inside the
-- transaction that claims the id. user_id is the user the request named or
-- the debit resolved, '' when none; applied_at is when the ledger decided.
CREATE TABLE ledger_operations (
    operation_id text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('debit', 'credit', 'fenced')),
    payment_id   text NOT NULL,
    refund_id    text NOT NULL,
    user_id      text NOT NULL,
    currency     text NOT NULL,
    amount       bigint NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined')),
    reason       text NOT NULL,
    message      text NOT NULL,
    applied_at   bigint NOT NULL
);
