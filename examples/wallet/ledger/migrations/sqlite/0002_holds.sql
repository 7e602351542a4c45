-- ledger schema, version 2, for SQLite: holds (engine.Holds). A user's
-- money in a currency is available (balance, what pays a debit or a new
-- hold) plus held (set aside by holds not yet captured or released).
-- Captured money goes to the merchant's balance. Across users and
-- merchants, balance + held + merchant balance changes only by debits and
-- credits, never by a hold, a capture or a release.

ALTER TABLE ledger_balances ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0);

-- One row per hold placed; hold_id is the operation id of the Hold.
-- captured is what captures took from it, released what its release gave
-- back: amount - captured - released is still held while state is 'open',
-- and nothing is once it is 'released'.
CREATE TABLE ledger_holds (
    hold_id    TEXT    NOT NULL PRIMARY KEY,
    payment_id TEXT    NOT NULL,
    partner_id TEXT    NOT NULL,
    user_id    TEXT    NOT NULL REFERENCES ledger_users (user_id),
    currency   TEXT    NOT NULL,
    amount     INTEGER NOT NULL CHECK (amount > 0),
    captured   INTEGER NOT NULL DEFAULT 0 CHECK (captured >= 0),
    released   INTEGER NOT NULL DEFAULT 0 CHECK (released >= 0),
    state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'released')),
    CHECK (captured + released <= amount),
    CHECK (state = 'released' OR released = 0)
) STRICT;

-- What the wallet owes each merchant (partner) per currency: the captures.
CREATE TABLE ledger_merchant_balances (
    partner_id TEXT    NOT NULL,
    currency   TEXT    NOT NULL,
    balance    INTEGER NOT NULL CHECK (balance >= 0),
    PRIMARY KEY (partner_id, currency)
) STRICT;

-- Operations of the new kinds. SQLite cannot change a CHECK in place: the
-- table is rebuilt, every row kept. hold_id is the hold a capture or
-- release applies to, capture_id the engine's capture; amount of a release
-- is what it gave back.
CREATE TABLE ledger_operations_v2 (
    operation_id TEXT    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('debit', 'credit', 'hold', 'capture', 'release', 'fenced')),
    payment_id   TEXT    NOT NULL,
    refund_id    TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    amount       INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined')),
    reason       TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    applied_at   INTEGER NOT NULL,
    hold_id      TEXT    NOT NULL DEFAULT '',
    capture_id   TEXT    NOT NULL DEFAULT ''
) STRICT;
INSERT INTO ledger_operations_v2
    (operation_id, kind, payment_id, refund_id, user_id, currency, amount, status, reason, message, applied_at)
    SELECT operation_id, kind, payment_id, refund_id, user_id, currency, amount, status, reason, message, applied_at
    FROM ledger_operations;
DROP TABLE ledger_operations;
ALTER TABLE ledger_operations_v2 RENAME TO ledger_operations;
