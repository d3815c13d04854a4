-- Where each CDN purge target (a Varnish, a purge API) is in the link change feed: every change up to seq has been
-- purged there. The node holding the lease (holder, until lease_until in epoch ms) is the one that purges.
CREATE TABLE cdn_purge_cursors (
    target      text   NOT NULL PRIMARY KEY,
    seq         bigint NOT NULL,
    holder      text   NOT NULL,
    lease_until bigint NOT NULL
);
