-- 0006_authorizations: authorization payments (store.Payment's
-- Authorization, HoldID, AuthorizedAt, AuthExpiresAt, CapturedAmount,
-- CapturingAmount, CaptureCount, LastCaptureID, AutoCapture,
-- NotifyCaptures), their captures (store.Capture) and outbox messages that
-- announce a capture's result (kind capture_result). Payments written
-- before this step read back as plain payments.
ALTER TABLE payments ADD COLUMN authorization_payment INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN hold_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN authorized_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN auth_expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN captured_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN capturing_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN capture_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN last_capture_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payments ADD COLUMN auto_capture INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN notify_captures INTEGER NOT NULL DEFAULT 0;

-- DueExpiries, authorization side: only authorizations awaiting capture
-- with no capture in flight.
CREATE INDEX payments_due_auth_expiry ON payments (auth_expires_at, id)
    WHERE status = 'AUTHORIZED' AND capturing_amount = 0;

CREATE TABLE captures (
    pos            INTEGER NOT NULL PRIMARY KEY, -- creation order
    id             TEXT    NOT NULL UNIQUE,
    payment_id     TEXT    NOT NULL REFERENCES payments (id),
    partner_id     TEXT    NOT NULL,
    request_id     TEXT    NOT NULL,
    fingerprint    TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    amount         INTEGER NOT NULL,
    last           INTEGER NOT NULL CHECK (last IN (0, 1)),
    status         TEXT    NOT NULL,
    notify         INTEGER NOT NULL CHECK (notify IN (0, 1)),
    extend_info    TEXT    NOT NULL,
    fail_reason    TEXT    NOT NULL,
    fail_message   TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    finished_at    INTEGER NOT NULL,
    next_check_at  INTEGER NOT NULL,
    check_attempts INTEGER NOT NULL
) STRICT;

-- Idempotency key of capture requests, kept forever.
CREATE UNIQUE INDEX captures_by_request ON captures (partner_id, request_id);
-- A payment's captures in creation order.
CREATE INDEX captures_by_payment ON captures (payment_id, pos);
-- DueChecks, capture side: only captures in flight.
CREATE INDEX captures_due_check ON captures (next_check_at, payment_id, id) WHERE status = 'INIT';

ALTER TABLE outbox ADD COLUMN capture_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN capture_request_id TEXT NOT NULL DEFAULT '';
