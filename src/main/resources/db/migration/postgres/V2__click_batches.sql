-- Click batches shipped by edges, by idempotency key: a batch sent again after a lost answer is not counted twice.
-- The key is written in the same transaction as the batch's counts.
CREATE TABLE click_batches (
    key text PRIMARY KEY,
    at  timestamptz NOT NULL DEFAULT now()
);
