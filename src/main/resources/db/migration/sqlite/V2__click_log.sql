-- Clicks not yet folded into click_days: one row per ClickStore.add (data is a TallyBlob, see ClickLog),
-- plus one per deleted link. A compaction folds the rows in and deletes them in one transaction; rows a
-- crash leaves are folded in at the next open. AUTOINCREMENT so ids only grow: a compaction deletes by
-- "id <= the last row it folded in".
CREATE TABLE click_log (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    at   INTEGER NOT NULL,
    data BLOB    NOT NULL
);
