-- 0001_init: the four tables of store.Store and the indexes that serve
-- every lookup and listing.
--
-- Conventions: times are INTEGER unix microseconds in UTC, 0 for the zero
-- time; booleans are INTEGER 0/1; every text column is NOT NULL ('' when
-- empty) so that equality tests and partial indexes never meet NULL. The
-- tables are STRICT: SQLite refuses a value of the wrong type.

CREATE TABLE payments (
    id              TEXT    NOT NULL PRIMARY KEY,
    partner_id      TEXT    NOT NULL,
    request_id      TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    scenario        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    amount          INTEGER NOT NULL,
    refunded_amount INTEGER NOT NULL,
    held_amount     INTEGER NOT NULL,
    user_id         TEXT    NOT NULL,
    order_title     TEXT    NOT NULL,
    order_data      BLOB,   -- NULL for a nil slice, X'' for an empty one
    notify_url      TEXT    NOT NULL,
    return_url      TEXT    NOT NULL,
    fail_reason     TEXT    NOT NULL,
    fail_message    TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    paid_at         INTEGER NOT NULL,
    closed_at       INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    pending_op      TEXT    NOT NULL,
    op_id           TEXT    NOT NULL,
    next_check_at   INTEGER NOT NULL,
    check_attempts  INTEGER NOT NULL,
    op_count        INTEGER NOT NULL,
    cancelled_at    INTEGER NOT NULL,
    version         INTEGER NOT NULL
) STRICT;

-- Idempotency key of pay requests, kept forever.
CREATE UNIQUE INDEX payments_by_request ON payments (partner_id, request_id);
-- DueExpiries: only payments waiting for the user are indexed.
CREATE INDEX payments_due_expiry ON payments (expires_at, id) WHERE status = 'ACCEPT';
-- DueChecks, payment side: only payments with a funds operation in flight.
CREATE INDEX payments_due_check ON payments (next_check_at, id) WHERE pending_op <> '';

CREATE TABLE refunds (
    pos            INTEGER NOT NULL PRIMARY KEY, -- creation order
    id             TEXT    NOT NULL UNIQUE,
    payment_id     TEXT    NOT NULL REFERENCES payments (id),
    partner_id     TEXT    NOT NULL,
    request_id     TEXT    NOT NULL,
    fingerprint    TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    amount         INTEGER NOT NULL,
    reason         TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    fail_reason    TEXT    NOT NULL,
    fail_message   TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    finished_at    INTEGER NOT NULL,
    next_check_at  INTEGER NOT NULL,
    check_attempts INTEGER NOT NULL
) STRICT;

-- Idempotency key of refund requests, kept forever.
CREATE UNIQUE INDEX refunds_by_request ON refunds (partner_id, request_id);
-- A payment's refunds in creation order.
CREATE INDEX refunds_by_payment ON refunds (payment_id, pos);
-- DueChecks, refund side: only refunds in flight.
CREATE INDEX refunds_due_check ON refunds (next_check_at, payment_id, id) WHERE status = 'INIT';

CREATE TABLE events (
    pos        INTEGER NOT NULL PRIMARY KEY, -- commit order
    payment_id TEXT    NOT NULL REFERENCES payments (id),
    refund_id  TEXT    NOT NULL,
    seq        INTEGER NOT NULL, -- the payment version the change produced
    at         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    from_state TEXT    NOT NULL,
    to_state   TEXT    NOT NULL,
    detail     TEXT    NOT NULL
) STRICT;

-- History: by seq, then commit order.
CREATE INDEX events_by_payment ON events (payment_id, seq, pos);

CREATE TABLE outbox (
    pos                INTEGER NOT NULL PRIMARY KEY, -- creation order
    id                 TEXT    NOT NULL UNIQUE,
    payment_id         TEXT    NOT NULL REFERENCES payments (id),
    partner_id         TEXT    NOT NULL,
    request_id         TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    notify_url         TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    fail_reason        TEXT    NOT NULL,
    fail_msg           TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    amount             INTEGER NOT NULL,
    payment_created_at INTEGER NOT NULL,
    payment_time       INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    next_attempt_at    INTEGER NOT NULL,
    attempts           INTEGER NOT NULL,
    lease_owner        TEXT    NOT NULL,
    lease_until        INTEGER NOT NULL,
    delivered_at       INTEGER NOT NULL,
    parked             INTEGER NOT NULL CHECK (parked IN (0, 1)),
    last_error         TEXT    NOT NULL
) STRICT;

-- A payment's messages in creation order.
CREATE INDEX outbox_by_payment ON outbox (payment_id, pos);
-- ClaimOutbox: only messages still to be delivered are indexed, in claim
-- order, so delivered and parked messages never slow down the claim.
CREATE INDEX outbox_claimable ON outbox (next_attempt_at, created_at, id)
    WHERE delivered_at = 0 AND parked = 0;
