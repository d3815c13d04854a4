package dev.shortr.store.sqlite;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.ShortCode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@link LinkStore} on a {@link SqliteDatabase}. Mutations go through the group-committing writer (an
 * {@link #update} function runs on the writer thread, inside the transaction, so read-modify-write is
 * atomic); reads go to the read-only pool and see the last committed state.
 */
public final class SqliteLinkStore implements LinkStore {
    static final String BY_TARGET = "SELECT " + LinkRows.COLUMNS
            + " FROM links l WHERE l.owner IS ? AND l.target = ? ORDER BY l.id DESC LIMIT 1";
    private static final String CHANGES = "SELECT c.seq, c.kind, c.code, c.at, " + LinkRows.COLUMNS
            + " FROM changes c LEFT JOIN links l ON l.id = c.link_id AND c.kind <> 'DELETED'"
            + " WHERE c.seq > ? ORDER BY c.seq LIMIT ?";

    private final SqliteDatabase db;
    private final Clock clock;

    public SqliteLinkStore(SqliteDatabase db) {
        this(db, Clock.systemUTC());
    }

    /** {@code clock} stamps the change feed; link timestamps come from the links themselves. */
    public SqliteLinkStore(SqliteDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        return db.read("find " + code, s -> Optional.ofNullable(LinkRows.find(s, code)));
    }

    @Override
    public boolean wasDeleted(ShortCode code) {
        return db.read("was deleted " + code, s -> {
            PreparedStatement q = s.prepare("SELECT 1 FROM deleted_codes WHERE code = ?");
            q.setString(1, code.value());
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        });
    }

    @Override
    public Insert insert(Link draft) {
        return db.write("insert " + draft.code(), s -> new LinkWrites(s, clock).insert(draft));
    }

    @Override
    public List<Insert> insertAll(List<Link> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        return db.write("insert " + drafts.size() + " links", s -> {
            LinkWrites w = new LinkWrites(s, clock);
            List<Insert> out = new ArrayList<>(drafts.size());
            for (Link d : drafts) {
                out.add(w.insert(d)); // a repeated code within the batch is CodeTaken, like any other
            }
            return out;
        });
    }

    @Override
    public Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        return db.write("update " + code, s -> new LinkWrites(s, clock).update(code, change));
    }

    @Override
    public boolean delete(ShortCode code) {
        LinkWrites.Deleted deleted = db.write("delete " + code, s -> new LinkWrites(s, clock).delete(code), d -> {
            if (d != null) {
                db.clickLog().forgotten(d.linkId(), d.forgetRow());
                db.linkDeleted(d.linkId());
            }
        });
        return deleted != null;
    }

    @Override
    public Page<Link> list(LinkQuery q) {
        StringBuilder sql = new StringBuilder("SELECT ").append(LinkRows.COLUMNS).append(" FROM links l WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (q.afterId() > 0) {
            sql.append(q.oldestFirst() ? " AND l.id > ?" : " AND l.id < ?");
            params.add(q.afterId());
        }
        if (q.owner() != null) {
            sql.append(" AND l.owner = ?");
            params.add(q.owner());
        }
        if (q.tag() != null) {
            sql.append(" AND l.id IN (SELECT link_id FROM link_tags WHERE tag = ?)");
            params.add(q.tag());
        }
        if (q.search() != null && !q.search().isEmpty()) {
            // code and target are ASCII, so LIKE's ASCII-only folding is exact for them; titles are folded
            // in Java when written
            String pattern = LinkRows.containsPattern(LinkRows.fold(q.search()));
            sql.append(" AND (l.code LIKE ? ESCAPE '\\' OR l.target LIKE ? ESCAPE '\\' OR l.title_folded LIKE ? ESCAPE '\\')");
            params.add(pattern);
            params.add(pattern);
            params.add(pattern);
        }
        if (q.createdFrom() != null) {
            sql.append(" AND l.created_at >= ?");
            params.add(q.createdFrom().toEpochMilli());
        }
        if (q.createdBefore() != null) {
            sql.append(" AND l.created_at < ?");
            params.add(q.createdBefore().toEpochMilli());
        }
        // one row more than asked tells whether there is a next page, so the last page says 0
        sql.append(q.oldestFirst() ? " ORDER BY l.id ASC LIMIT ?" : " ORDER BY l.id DESC LIMIT ?");
        params.add(q.limit() + 1);
        return db.read("list links", s -> {
            PreparedStatement list = s.prepare(sql.toString()); // one of at most 2^7 shapes, so worth keeping
            for (int i = 0; i < params.size(); i++) {
                list.setObject(i + 1, params.get(i));
            }
            List<Link> items = new ArrayList<>(q.limit());
            boolean more = false;
            try (ResultSet rs = list.executeQuery()) {
                while (rs.next()) {
                    if (items.size() == q.limit()) {
                        more = true;
                        break;
                    }
                    items.add(LinkRows.link(rs, 0));
                }
            }
            return new Page<>(items, more ? items.getLast().id() : 0);
        });
    }

    @Override
    public Optional<Link> findByTarget(String owner, String target) {
        return db.read("find by target", s -> {
            PreparedStatement find = s.prepare(BY_TARGET);
            find.setString(1, owner);
            find.setString(2, target);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of(LinkRows.link(rs, 0)) : Optional.empty();
            }
        });
    }

    @Override
    public long lastSeq() {
        return db.read("last seq", s -> s.single("SELECT coalesce(max(seq), 0) FROM changes"));
    }

    @Override
    public List<Change> changesAfter(long after, int limit) {
        if (limit <= 0) {
            return List.of(); // SQLite reads a negative LIMIT as "no limit"
        }
        return db.read("changes after " + after, s -> {
            PreparedStatement changes = s.prepare(CHANGES);
            changes.setLong(1, after);
            changes.setInt(2, limit);
            List<Change> out = new ArrayList<>();
            try (ResultSet rs = changes.executeQuery()) {
                while (rs.next()) {
                    // CREATED/UPDATED carry the link as it is now; null once it has been deleted
                    out.add(new Change(rs.getLong(1), Change.Kind.valueOf(rs.getString(2)),
                            new ShortCode(rs.getString(3)), LinkRows.link(rs, 4), LinkRows.instant(rs, 4)));
                }
            }
            return out;
        });
    }

    @Override
    public java.util.Map<Long, ShortCode> codes(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        String json = ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "[", "]"));
        return db.read("codes of " + ids.size() + " links", s -> {
            java.sql.PreparedStatement q = s.prepare("SELECT id, code FROM links WHERE id IN (SELECT value FROM json_each(?))");
            q.setString(1, json);
            java.util.Map<Long, ShortCode> out = new java.util.HashMap<>();
            try (java.sql.ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new ShortCode(rs.getString(2)));
                }
            }
            return out;
        });
    }

    @Override
    public long count() {
        return db.read("count links", s -> s.single("SELECT count(*) FROM links"));
    }

    @Override
    public void ping() {
        db.ping();
    }

    @Override
    public List<Change.Row> changeRows(long after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read("change rows after " + after, s -> LinkRestore.rows(s, after, limit));
    }

    @Override
    public void restoreLinks(List<Link> links) {
        if (!links.isEmpty()) {
            db.write("restore " + links.size() + " links", s -> {
                new LinkRestore(s).links(links);
                return null;
            });
        }
    }

    @Override
    public void restoreChanges(List<Change.Row> rows) {
        if (!rows.isEmpty()) {
            db.write("restore " + rows.size() + " changes", s -> {
                new LinkRestore(s).changes(rows);
                return null;
            });
        }
    }
}
