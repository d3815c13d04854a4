-- shortr schema, PostgreSQL dialect: the tables and meanings of db/migration/sqlite V1..V7, in one file, since this
-- dialect starts here. None of those seven could be shared (AUTOINCREMENT, WITHOUT ROWID, BLOB, INSERT OR IGNORE);
-- a later migration written in SQL both accept can live in one location that both adapters list.
-- Timestamps are epoch milliseconds (bigint), as in SQLite, so both adapters map rows the same way and keep
-- exactly the millisecond; click_days' day is a date; analytics hours and days are UTC epoch numbers.

-- trigram indexes for the listing's substring search (trusted extension: a database owner may create it)
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Identity, not a plain sequence default, and never reset: ids are never reused (clicks and API cursors are keyed
-- by id). code compares bytewise whatever the database's collation: abc123 and ABC123 differ.
CREATE TABLE links (
    id            bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          text     NOT NULL COLLATE "C" UNIQUE,
    target        text     NOT NULL,
    host          text     NOT NULL,
    redirect      smallint NOT NULL,
    cache_seconds integer,
    forward_query boolean  NOT NULL DEFAULT false,
    expires_at    bigint,
    max_clicks    bigint,
    title         text,
    -- title folded in Java (Locale.ROOT), like SQLite's: lower() would fold by the database's collation
    title_folded  text,
    owner         text,
    disabled      boolean  NOT NULL DEFAULT false,
    created_at    bigint   NOT NULL,
    updated_at    bigint   NOT NULL,
    -- false counts the link's clicks but records nothing about its visitors
    track         boolean  NOT NULL DEFAULT true
);
-- "reuse" mode: the newest link of an owner with this exact target. Targets run to 8 KiB, past what a B-tree
-- entry holds, so the index keeps their md5 and the query compares both.
CREATE INDEX links_owner_target ON links (owner, md5(target), id);
-- the owner filter, newest or oldest first, without a sort
CREATE INDEX links_owner ON links (owner, id);
CREATE INDEX links_created_at ON links (created_at);
-- the search (q): a case-insensitive substring of code or target (ILIKE; both are ASCII), or of the folded title
CREATE INDEX links_code_trgm ON links USING gin (code gin_trgm_ops);
CREATE INDEX links_target_trgm ON links USING gin (target gin_trgm_ops);
CREATE INDEX links_title_trgm ON links USING gin (title_folded gin_trgm_ops);

CREATE TABLE link_tags (
    link_id  bigint   NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    position smallint NOT NULL,
    tag      text     NOT NULL,
    PRIMARY KEY (link_id, position)
);
CREATE INDEX link_tags_tag ON link_tags (tag, link_id);

-- The change feed. Its one counter row hands out seq numbers: every mutation increments it as its last write,
-- so the row lock orders commits, and seq N+1 can only commit after N has (see LinkWrites).
CREATE TABLE change_counter (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    n   bigint  NOT NULL
);
INSERT INTO change_counter (one, n) VALUES (true, 0);

-- Each link's seq (that of its last change), beside the link rather than in it: the number is known only at the
-- end of the transaction that inserts the link, and writing it into the new links row would store that row twice,
-- with an entry in each of its eight indexes (three of them trigram GIN) for both versions.
CREATE TABLE link_seqs (
    link_id bigint PRIMARY KEY,
    seq     bigint NOT NULL
);

-- link_id has no foreign key on purpose: a DELETED change outlives its link.
CREATE TABLE changes (
    seq     bigint PRIMARY KEY,
    kind    text   NOT NULL CHECK (kind IN ('CREATED', 'UPDATED', 'DELETED')),
    code    text   NOT NULL,
    link_id bigint NOT NULL,
    at      bigint NOT NULL
);

-- Codes of deleted links, so that following one answers 410 Gone; a code taken again leaves in the same transaction.
CREATE TABLE deleted_codes (
    code       text   NOT NULL COLLATE "C" PRIMARY KEY,
    deleted_at bigint NOT NULL
);

-- No foreign key: a click flushed just after its link was deleted must not fail the whole batch. Ids are never
-- reused, so such a row is an orphan that nothing reads.
CREATE TABLE click_days (
    link_id bigint NOT NULL,
    day     date   NOT NULL,
    clicks  bigint NOT NULL,
    PRIMARY KEY (link_id, day)
);

-- n orders keys minted in the same millisecond (SQLite uses its rowid)
CREATE TABLE api_keys (
    id         text   NOT NULL PRIMARY KEY,
    name       text   NOT NULL,
    scopes     text   NOT NULL,
    prefix     text   NOT NULL,
    hash       bytea  NOT NULL UNIQUE,
    created_at bigint NOT NULL,
    revoked_at bigint,
    n          bigint GENERATED ALWAYS AS IDENTITY
);

-- Click analytics (see dev.shortr.analytics). Per link and UTC epoch hour: clicks (bots included), the bots among
-- them, and HEAD requests (never clicks).
CREATE TABLE click_hours (
    link_id bigint NOT NULL,
    hour    bigint NOT NULL,
    clicks  bigint NOT NULL,
    bots    bigint NOT NULL,
    heads   bigint NOT NULL,
    PRIMARY KEY (link_id, hour)
);
CREATE INDEX click_hours_by_hour ON click_hours (hour);

-- Per link, UTC epoch day and dimension value (dim codes in dev.shortr.analytics.Dim).
CREATE TABLE click_dims (
    link_id bigint   NOT NULL,
    day     integer  NOT NULL,
    dim     smallint NOT NULL,
    value   text     NOT NULL,
    clicks  bigint   NOT NULL,
    bots    bigint   NOT NULL,
    PRIMARY KEY (link_id, day, dim, value)
);
CREATE INDEX click_dims_by_day ON click_dims (day, dim);

-- Unique-visitor sketches (dev.shortr.enrich.Uniques) per link and day; link_id 0 is the whole instance.
CREATE TABLE click_uniques (
    link_id bigint  NOT NULL,
    day     integer NOT NULL,
    sketch  bytea   NOT NULL,
    PRIMARY KEY (link_id, day)
);

-- Unique visitors of a link-day while they are few, one row per salted visitor hash (ON CONFLICT DO NOTHING).
CREATE TABLE click_visitors (
    link_id bigint  NOT NULL,
    day     integer NOT NULL,
    hash    bigint  NOT NULL,
    PRIMARY KEY (link_id, day, hash)
);

-- The raw visit log: one chunk (dev.shortr.analytics.VisitChunk) per flush; purged by age.
CREATE TABLE visit_chunks (
    id       bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_at bigint  NOT NULL,
    last_at  bigint  NOT NULL,
    visits   integer NOT NULL,
    data     bytea   NOT NULL
);
CREATE INDEX visit_chunks_by_time ON visit_chunks (last_at);

-- The salt of each day's visitor hashes: random, dropped after the day. The first node to ask for a day's salt
-- makes it; every other one reads the same.
CREATE TABLE visitor_salts (
    day  integer PRIMARY KEY,
    salt bytea   NOT NULL
);

-- Webhooks: endpoints, the events sent to them, and the outbox of deliveries (see db/migration/sqlite/V4).
-- n orders endpoints created in the same millisecond.
CREATE TABLE webhook_endpoints (
    id                    text    NOT NULL PRIMARY KEY,
    url                   text    NOT NULL,
    events                text    NOT NULL,
    enabled               boolean NOT NULL,
    description           text,
    secret                text    NOT NULL,
    previous_secret       text,
    previous_secret_until bigint,
    created_at            bigint  NOT NULL,
    updated_at            bigint  NOT NULL,
    n                     bigint  GENERATED ALWAYS AS IDENTITY
);

CREATE TABLE webhook_events (
    id   text   NOT NULL PRIMARY KEY,
    type text   NOT NULL,
    at   bigint NOT NULL,
    body bytea  NOT NULL
);
CREATE INDEX webhook_events_at ON webhook_events (at);

-- One row per (event, endpoint): enqueueing an event twice is a no-op. While an attempt is in flight the row is
-- claimed and next_attempt_at is the end of the claim; nodes claim with SKIP LOCKED, so no two send one row.
CREATE TABLE webhook_deliveries (
    id              bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        text    NOT NULL REFERENCES webhook_events (id),
    endpoint_id     text    NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state           text    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at bigint,
    claimed         boolean NOT NULL DEFAULT false,
    last_status     integer,
    last_error      text,
    last_attempt_at bigint,
    delivered_at    bigint,
    created_at      bigint  NOT NULL,
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

-- How far the change feed has been turned into events (name 'links': the last seq handled).
CREATE TABLE webhook_feed (
    name text   NOT NULL PRIMARY KEY,
    seq  bigint NOT NULL
);
