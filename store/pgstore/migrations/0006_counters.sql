-- paystate schema, version 6: the counters a Commit adds to
-- (store.Change.Counters: the engine's per-user daily sums and counts) and
-- the day whose counters a payment holds room in (store.Payment.UsageDay).
-- Payments written before this step hold none (''); a constant default
-- adds the column without rewriting the table.
ALTER TABLE payments ADD COLUMN usage_day text NOT NULL DEFAULT '';

CREATE TABLE counters (
    key   text COLLATE "C" PRIMARY KEY,
    value bigint NOT NULL
);
