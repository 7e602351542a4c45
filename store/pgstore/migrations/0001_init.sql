-- paystate schema, version 1. Applied by pgstore with search_path set to the
-- target schema, inside the migration transaction.
--
-- Times: timestamptz; a zero Go time is NULL, except in the "due" columns
-- (expires_at, next_check_at, next_attempt_at) where it is '-infinity'.
-- Ids use COLLATE "C" so that ORDER BY id is bytewise, like Go.

CREATE TABLE payments (
    id              text COLLATE "C" PRIMARY KEY,
    partner_id      text NOT NULL,
    request_id      text NOT NULL,
    fingerprint     text NOT NULL,
    scenario        text NOT NULL,
    status          text NOT NULL,
    currency        text NOT NULL,
    amount          bigint NOT NULL,
    refunded_amount bigint NOT NULL,
    held_amount     bigint NOT NULL,
    user_id         text NOT NULL,
    order_title     text NOT NULL,
    order_data      bytea,              -- NULL for a nil slice, '' for an empty one
    notify_url      text NOT NULL,
    return_url      text NOT NULL,
    fail_reason     text NOT NULL,
    fail_message    text NOT NULL,
    created_at      timestamptz,
    updated_at      timestamptz,
    paid_at         timestamptz,
    closed_at       timestamptz,
    expires_at      timestamptz NOT NULL,
    pending_op      text NOT NULL,
    op_id           text NOT NULL,
    next_check_at   timestamptz NOT NULL,
    check_attempts  bigint NOT NULL,
    op_count        bigint NOT NULL,
    cancelled_at    timestamptz,
    version         bigint NOT NULL
);

-- Idempotency key of pay requests.
CREATE UNIQUE INDEX payments_request_key ON payments (partner_id, request_id);
-- DueExpiries: payments waiting for the user, by expiry.
CREATE INDEX payments_due_expiry ON payments (expires_at, id) WHERE status = 'ACCEPT';
-- DueChecks: payments with a funds operation in flight, by next check.
CREATE INDEX payments_due_check ON payments (next_check_at, id) WHERE pending_op <> '';

CREATE TABLE refunds (
    seq            bigint GENERATED ALWAYS AS IDENTITY, -- creation order
    id             text COLLATE "C" PRIMARY KEY,
    payment_id     text COLLATE "C" NOT NULL REFERENCES payments (id),
    partner_id     text NOT NULL,
    request_id     text NOT NULL,
    fingerprint    text NOT NULL,
    currency       text NOT NULL,
    amount         bigint NOT NULL,
    reason         text NOT NULL,
    status         text NOT NULL,
    fail_reason    text NOT NULL,
    fail_message   text NOT NULL,
    created_at     timestamptz,
    updated_at     timestamptz,
    finished_at    timestamptz,
    next_check_at  timestamptz NOT NULL,
    check_attempts bigint NOT NULL
);

-- Idempotency key of refund requests.
CREATE UNIQUE INDEX refunds_request_key ON refunds (partner_id, request_id);
-- A payment's refunds in creation order.
CREATE INDEX refunds_by_payment ON refunds (payment_id, seq);
-- DueChecks: refunds whose credit is in flight, by next check.
CREATE INDEX refunds_due_check ON refunds (next_check_at, payment_id, id) WHERE status = 'INIT';

CREATE TABLE events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- commit order
    payment_id text COLLATE "C" NOT NULL REFERENCES payments (id),
    refund_id  text NOT NULL,
    seq        bigint NOT NULL,
    at         timestamptz,
    name       text NOT NULL,
    from_state text NOT NULL,
    to_state   text NOT NULL,
    detail     text NOT NULL
);

-- History: a payment's events by seq, then commit order.
CREATE INDEX events_by_payment ON events (payment_id, seq, id);

CREATE TABLE outbox (
    pos                bigint GENERATED ALWAYS AS IDENTITY, -- creation order
    id                 text COLLATE "C" PRIMARY KEY,
    payment_id         text COLLATE "C" NOT NULL REFERENCES payments (id),
    partner_id         text NOT NULL,
    request_id         text NOT NULL,
    kind               text NOT NULL,
    notify_url         text NOT NULL,
    status             text NOT NULL,
    fail_reason        text NOT NULL,
    fail_msg           text NOT NULL,
    currency           text NOT NULL,
    amount             bigint NOT NULL,
    payment_created_at timestamptz,
    payment_time       timestamptz,
    created_at         timestamptz,
    next_attempt_at    timestamptz NOT NULL,
    attempts           bigint NOT NULL,
    lease_owner        text NOT NULL,
    lease_until        timestamptz,
    delivered_at       timestamptz,
    parked             boolean NOT NULL,
    last_error         text NOT NULL
);

-- ClaimOutbox: only messages still to deliver, in claim order, so delivered
-- and parked messages never slow claims down.
CREATE INDEX outbox_claimable ON outbox (next_attempt_at, created_at NULLS FIRST, id)
    WHERE delivered_at IS NULL AND NOT parked;
-- Outbox: a payment's messages in creation order.
CREATE INDEX outbox_by_payment ON outbox (payment_id, pos);
