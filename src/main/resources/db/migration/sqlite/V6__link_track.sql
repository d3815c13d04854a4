-- Per-link tracking switch: 0 counts the link's clicks but records nothing about its visitors.
ALTER TABLE links ADD COLUMN track INTEGER NOT NULL DEFAULT 1;
