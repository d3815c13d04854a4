-- Unique visitors of a link-day while they are few: one row per salted visitor hash, added with
-- INSERT OR IGNORE (no read-modify-write). A link-day with more visitors than dev.shortr.enrich.Uniques keeps
-- exactly also has a sketch in click_uniques; its uniques are the union of both.
CREATE TABLE click_visitors (
    link_id INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    hash    INTEGER NOT NULL,
    PRIMARY KEY (link_id, day, hash)
) WITHOUT ROWID;
