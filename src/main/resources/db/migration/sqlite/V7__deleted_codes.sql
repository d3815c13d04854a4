-- Codes of deleted links, so that following one answers 410 Gone ("it was here and was removed on purpose",
-- RFC 9110 §15.5.11) instead of 404. A code reused by a new link leaves this table in the same transaction.
CREATE TABLE deleted_codes (
    code       TEXT    NOT NULL PRIMARY KEY,
    deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
