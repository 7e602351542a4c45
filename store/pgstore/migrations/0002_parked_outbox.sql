-- paystate schema, version 2: the index of ParkedOutbox.
--
-- Only parked messages that were never delivered are indexed, in listing
-- order: created_at (NULL, the zero time, as '-infinity', first), then id,
-- so the operator's pages are read in order from the cursor on and the
-- index stays as small as the parked backlog. ParkedOutbox repeats the
-- expression and the condition word for word.
CREATE INDEX outbox_parked ON outbox ((coalesce(created_at, '-infinity'::timestamptz)), id)
    WHERE parked AND delivered_at IS NULL;
