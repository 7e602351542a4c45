-- 0005_counters: the counters a Commit adds to (store.Change.Counters: the
-- engine's per-user daily sums and counts) and the day whose counters a
-- payment holds room in (store.Payment.UsageDay). Payments written before
-- this step hold none ('').
ALTER TABLE payments ADD COLUMN usage_day TEXT NOT NULL DEFAULT '';

CREATE TABLE counters (
    key   TEXT    NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
