-- 0002_parked_outbox: the index of ParkedOutbox.
--
-- Only parked messages that were never delivered are indexed, in listing
-- order (created_at, then id), so the operator's pages are read in order
-- from the cursor on, and the index stays as small as the parked backlog.
CREATE INDEX outbox_parked ON outbox (created_at, id)
    WHERE parked = 1 AND delivered_at = 0;
