-- How long a CDN (a shared cache in front of shortr) may keep a link's redirect, as s-maxage; NULL: the node's
-- default (cdn.sharedMaxAge) for links browsers may cache, 0: no CDN keeps it.
ALTER TABLE links ADD COLUMN cdn_seconds INTEGER;
