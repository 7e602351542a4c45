-- paystate schema, version 5: each payment counts its refunds
-- (store.Payment.RefundCount), so that a refund's decision never reads the
-- payment's other refunds. Payments written before this step are counted
-- here once.
ALTER TABLE payments ADD COLUMN refund_count bigint NOT NULL DEFAULT 0;
UPDATE payments p SET refund_count = r.n
    FROM (SELECT payment_id, count(*) AS n FROM refunds GROUP BY payment_id) r
    WHERE r.payment_id = p.id;
