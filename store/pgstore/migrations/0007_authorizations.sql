-- paystate schema, version 7: authorization payments. A payment may hold
-- funds on the payer (store.Payment.Authorization and the fields after it)
-- and captures take money from that hold, each a row of the captures table
-- (store.Capture); outbox messages may announce a capture's result (kind
-- capture_result). Rows written before this step read back as no
-- authorization: false, '', 0 and the zero times. Constant defaults add the
-- columns without rewriting the tables; there are no captures to count.
--
-- store.Payment.Authorization is is_authorization: AUTHORIZATION is a
-- reserved word of PostgreSQL's grammar, and a column of that name would
-- have to be quoted in every statement. auth_expires_at is a due column
-- (see 0001): the zero time is '-infinity', due since forever;
-- authorized_at is not, the zero time is NULL.
ALTER TABLE payments ADD COLUMN is_authorization boolean NOT NULL DEFAULT false;
ALTER TABLE payments ADD COLUMN hold_id          text NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN authorized_at    timestamptz;
ALTER TABLE payments ADD COLUMN auth_expires_at  timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE payments ADD COLUMN captured_amount  bigint NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN capturing_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN capture_count    bigint NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN last_capture_id  text NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN auto_capture     boolean NOT NULL DEFAULT false;
ALTER TABLE payments ADD COLUMN notify_captures  boolean NOT NULL DEFAULT false;

-- DueExpiries: authorizations whose hold runs out, by expiry, except
-- those with a capture in flight (it ends the authorization itself when it
-- settles).
CREATE INDEX payments_due_auth_expiry ON payments (auth_expires_at, id)
    WHERE status = 'AUTHORIZED' AND capturing_amount = 0;

CREATE TABLE captures (
    seq            bigint GENERATED ALWAYS AS IDENTITY, -- creation order
    id             text COLLATE "C" PRIMARY KEY,
    payment_id     text COLLATE "C" NOT NULL REFERENCES payments (id),
    partner_id     text NOT NULL,
    request_id     text NOT NULL,
    fingerprint    text NOT NULL,
    currency       text NOT NULL,
    amount         bigint NOT NULL,
    last           boolean NOT NULL,
    status         text NOT NULL,
    notify         boolean NOT NULL,
    extend_info    text NOT NULL,
    fail_reason    text NOT NULL,
    fail_message   text NOT NULL,
    created_at     timestamptz,
    updated_at     timestamptz,
    finished_at    timestamptz,
    next_check_at  timestamptz NOT NULL,
    check_attempts bigint NOT NULL
);

-- Idempotency key of capture requests.
CREATE UNIQUE INDEX captures_request_key ON captures (partner_id, request_id);
-- A payment's captures in creation order.
CREATE INDEX captures_by_payment ON captures (payment_id, seq);
-- DueChecks: captures in flight, by next check.
CREATE INDEX captures_due_check ON captures (next_check_at, payment_id, id) WHERE status = 'INIT';

ALTER TABLE outbox ADD COLUMN capture_id text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN capture_request_id text NOT NULL DEFAULT '';
