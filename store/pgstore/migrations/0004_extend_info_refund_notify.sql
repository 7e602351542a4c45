-- paystate schema, version 4: the merchant's extendInfo on payments and
-- refunds, a refund's notify URL, and outbox messages that announce a
-- refund's result (kind refund_result) or carry the payment's extendInfo.
-- Rows written before this step read back as '' (no extendInfo, no URL, a
-- payment_result message). A constant default adds the columns without
-- rewriting the tables.
ALTER TABLE payments ADD COLUMN extend_info text NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN notify_url text NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN extend_info text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN extend_info text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN refund_id text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN refund_request_id text NOT NULL DEFAULT '';
