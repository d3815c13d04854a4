-- Click analytics (see dev.shortr.analytics). Hours and days are UTC epoch hours and days.
-- Per link and hour: clicks (bots included), the bots among them, and HEAD requests (never clicks).
CREATE TABLE click_hours (
    link_id INTEGER NOT NULL,
    hour    INTEGER NOT NULL,
    clicks  INTEGER NOT NULL,
    bots    INTEGER NOT NULL,
    heads   INTEGER NOT NULL,
    PRIMARY KEY (link_id, hour)
) WITHOUT ROWID;
CREATE INDEX click_hours_by_hour ON click_hours (hour);

-- Per link, day and dimension value (dim codes in dev.shortr.analytics.Dim); unknown values are not kept.
CREATE TABLE click_dims (
    link_id INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    dim     INTEGER NOT NULL,
    value   TEXT    NOT NULL,
    clicks  INTEGER NOT NULL,
    bots    INTEGER NOT NULL,
    PRIMARY KEY (link_id, day, dim, value)
) WITHOUT ROWID;
CREATE INDEX click_dims_by_day ON click_dims (day, dim);

-- Unique-visitor sketches (dev.shortr.enrich.Uniques) per link and day; link_id 0 is the whole instance.
CREATE TABLE click_uniques (
    link_id INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    sketch  BLOB    NOT NULL,
    PRIMARY KEY (link_id, day)
) WITHOUT ROWID;

-- The raw visit log: one chunk (dev.shortr.analytics.VisitChunk) per flush; purged by age.
CREATE TABLE visit_chunks (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    first_at INTEGER NOT NULL,
    last_at  INTEGER NOT NULL,
    visits   INTEGER NOT NULL,
    data     BLOB    NOT NULL
);
CREATE INDEX visit_chunks_by_time ON visit_chunks (last_at);

-- The salt of each day's visitor hashes: random, and dropped after the day, so no hash can be recomputed.
CREATE TABLE visitor_salts (
    day  INTEGER PRIMARY KEY,
    salt BLOB    NOT NULL
);
