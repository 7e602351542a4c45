-- 0003_extend_info_refund_notify: the merchant's extendInfo on payments and
-- refunds, a refund's notify URL, and outbox messages that announce a
-- refund's result (kind refund_result) or carry the payment's extendInfo.
-- Rows written before this step read back as '' (no extendInfo, no URL, a
-- payment_result message).
ALTER TABLE payments ADD COLUMN extend_info TEXT NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN notify_url TEXT NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN extend_info TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN extend_info TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN refund_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN refund_request_id TEXT NOT NULL DEFAULT '';
