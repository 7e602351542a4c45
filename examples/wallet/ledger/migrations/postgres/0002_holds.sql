-- ledger schema, version 2, for PostgreSQL: holds (engine.Holds). A user's
-- money in a currency is available (balance, what pays a debit or a new
-- hold) plus held (set aside by holds not yet captured or released).
-- Captured money goes to the merchant's balance. Across users and
-- merchants, balance + held + merchant balance changes only by debits and
-- credits, never by a hold, a capture or a release.

ALTER TABLE ledger_balances ADD COLUMN held bigint NOT NULL DEFAULT 0 CHECK (held >= 0);

-- One row per hold placed; hold_id is the operation id of the Hold.
-- captured is what captures took from it, released what its release gave
-- back: amount - captured - released is still held while state is 'open',
-- and nothing is once it is 'released'.
CREATE TABLE ledger_holds (
    hold_id    text PRIMARY KEY,
    payment_id text NOT NULL,
    partner_id text NOT NULL,
    user_id    text NOT NULL REFERENCES ledger_users (user_id),
    currency   text NOT NULL,
    amount     bigint NOT NULL CHECK (amount > 0),
    captured   bigint NOT NULL DEFAULT 0 CHECK (captured >= 0),
    released   bigint NOT NULL DEFAULT 0 CHECK (released >= 0),
    state      text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'released')),
    CHECK (captured + released <= amount),
    CHECK (state = 'released' OR released = 0)
);

-- What the wallet owes each merchant (partner) per currency: the captures.
CREATE TABLE ledger_merchant_balances (
    partner_id text NOT NULL,
    currency   text NOT NULL,
    balance    bigint NOT NULL CHECK (balance >= 0),
    PRIMARY KEY (partner_id, currency)
);

-- Operations of the new kinds. hold_id is the hold a capture or release
-- applies to, capture_id the engine's capture; amount of a release is
-- what it gave back.
ALTER TABLE ledger_operations DROP CONSTRAINT ledger_operations_kind_check;
ALTER TABLE ledger_operations ADD CONSTRAINT ledger_operations_kind_check
    CHECK (kind IN ('debit', 'credit', 'hold', 'capture', 'release', 'fenced'));
ALTER TABLE ledger_operations ADD COLUMN hold_id text NOT NULL DEFAULT '';
ALTER TABLE ledger_operations ADD COLUMN capture_id text NOT NULL DEFAULT '';
