-- shortr schema, SQLite dialect. Timestamps are epoch milliseconds; days are ISO-8601 dates (UTC).

-- AUTOINCREMENT (not plain rowid) so ids are never reused: clicks and API cursors are keyed by id.
-- code uses the default BINARY collation, so codes are case-sensitive (abc123 and ABC123 differ).
CREATE TABLE links (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code          TEXT    NOT NULL UNIQUE,
    target        TEXT    NOT NULL,
    host          TEXT    NOT NULL,
    redirect      INTEGER NOT NULL,
    cache_seconds INTEGER,
    forward_query INTEGER NOT NULL DEFAULT 0,
    expires_at    INTEGER,
    max_clicks    INTEGER,
    title         TEXT,
    -- title folded in Java (Locale.ROOT): SQLite's LIKE and lower() fold ASCII only
    title_folded  TEXT,
    owner         TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    seq           INTEGER NOT NULL
);
-- "reuse" mode: newest link of an owner with this exact target (rowid rides along for ORDER BY id DESC)
CREATE INDEX links_owner_target ON links (owner, target);
CREATE INDEX links_created_at ON links (created_at);

CREATE TABLE link_tags (
    link_id  INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag      TEXT    NOT NULL,
    PRIMARY KEY (link_id, position)
) WITHOUT ROWID;
CREATE INDEX link_tags_tag ON link_tags (tag, link_id);

-- The change feed. link_id has no foreign key on purpose: a DELETED change outlives its link.
CREATE TABLE changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT    NOT NULL CHECK (kind IN ('CREATED', 'UPDATED', 'DELETED')),
    code    TEXT    NOT NULL,
    link_id INTEGER NOT NULL,
    at      INTEGER NOT NULL
);

-- No foreign key either: a click flushed just after its link was deleted must not fail the whole batch.
-- Ids are never reused, so such a row is an orphan that nothing reads.
CREATE TABLE click_days (
    link_id INTEGER NOT NULL,
    day     TEXT    NOT NULL,
    clicks  INTEGER NOT NULL,
    PRIMARY KEY (link_id, day)
) WITHOUT ROWID;

CREATE TABLE api_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    scopes     TEXT    NOT NULL,
    prefix     TEXT    NOT NULL,
    hash       BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
