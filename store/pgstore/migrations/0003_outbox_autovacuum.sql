-- paystate schema, version 3: the outbox is vacuumed after a fixed number
-- of dead rows instead of a fifth of the table.
--
-- Every delivery leaves two dead row versions behind (the claim and the
-- outcome); their entries stay in the partial index outbox_claimable until
-- a vacuum removes them, and each claim steps over them. PostgreSQL's
-- default waits until 20 % of a table is dead: 200,000 versions on an
-- outbox of a million delivered messages, during which claims slowed to
-- 1.5 times their cost on a fresh table in the store benchmark.
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
