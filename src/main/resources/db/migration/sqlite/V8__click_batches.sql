-- Click batches shipped by edges, by idempotency key: a batch sent again after a lost answer is not counted twice.
-- The key is written in the same transaction as the batch's click_log row.
CREATE TABLE click_batches (
    key TEXT PRIMARY KEY,
    at  INTEGER NOT NULL -- epoch milliseconds
) WITHOUT ROWID;
