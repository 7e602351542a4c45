-- 0004_refund_count: each payment counts its refunds (store.Payment.
-- RefundCount), so that a refund's decision never reads the payment's
-- other refunds. Payments written before this step are counted here once.
ALTER TABLE payments ADD COLUMN refund_count INTEGER NOT NULL DEFAULT 0;
UPDATE payments SET refund_count = (SELECT count(*) FROM refunds WHERE refunds.payment_id = payments.id)
    WHERE id IN (SELECT payment_id FROM refunds);
