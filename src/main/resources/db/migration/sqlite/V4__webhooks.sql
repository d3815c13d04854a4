-- Webhooks: endpoints (subscriptions), the events sent to them, and the outbox of deliveries.

-- events: '*' or comma-separated wire names (link.created,link.deleted). Secrets are kept as given out
-- (whsec_...): signing needs them, so they cannot be hashed like API keys.
CREATE TABLE webhook_endpoints (
    id                    TEXT    NOT NULL PRIMARY KEY,
    url                   TEXT    NOT NULL,
    events                TEXT    NOT NULL,
    enabled               INTEGER NOT NULL,
    description           TEXT,
    secret                TEXT    NOT NULL,
    previous_secret       TEXT,
    previous_secret_until INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);

-- One row per event, whatever the number of endpoints; body is the exact JSON that is signed and sent.
CREATE TABLE webhook_events (
    id   TEXT    NOT NULL PRIMARY KEY,
    type TEXT    NOT NULL,
    at   INTEGER NOT NULL,
    body BLOB    NOT NULL
);
CREATE INDEX webhook_events_at ON webhook_events (at);

-- The outbox: one row per (event, endpoint), so enqueueing an event twice is a no-op (INSERT OR IGNORE).
-- A pending row is due at next_attempt_at; while an attempt is in flight it is claimed (claimed = 1) and
-- next_attempt_at is the end of the claim, so a node that dies mid-attempt sends it again later.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL REFERENCES webhook_events (id),
    endpoint_id     TEXT    NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    claimed         INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    last_attempt_at INTEGER,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

-- How far the change feed has been turned into events (name 'links': the last seq handled).
CREATE TABLE webhook_feed (
    name TEXT    NOT NULL PRIMARY KEY,
    seq  INTEGER NOT NULL
);
