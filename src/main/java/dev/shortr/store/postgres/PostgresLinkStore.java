package dev.shortr.store.postgres;

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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@link LinkStore} on a {@link PostgresDatabase}. Each mutation is one transaction that ends by taking its change
 * numbers from the counter row (see {@link LinkWrites}); single creates are group-committed by {@link InsertGroups};
 * an {@link #update} locks the link's row, so read-modify-write is atomic across nodes. Reads see the last
 * committed state. Close it before the database: it commits the creates still queued.
 */
public final class PostgresLinkStore implements LinkStore, AutoCloseable {
    /** Reuse mode: {@code md5(target)} is what the index holds (targets outgrow a B-tree entry); target settles it. */
    static final String BY_TARGET = "SELECT " + LinkRows.COLUMNS + " FROM links l WHERE l.owner = ? "
            + "AND md5(l.target) = md5(?) AND l.target = ? ORDER BY l.id DESC LIMIT 1";
    static final String BY_TARGET_ANONYMOUS = "SELECT " + LinkRows.COLUMNS + " FROM links l WHERE l.owner IS NULL "
            + "AND md5(l.target) = md5(?) AND l.target = ? ORDER BY l.id DESC LIMIT 1";
    static final String CHANGES = "SELECT c.seq, c.kind, c.code, c.at, " + LinkRows.COLUMNS
            + " FROM changes c LEFT JOIN links l ON l.id = c.link_id AND c.kind <> 'DELETED'"
            + " WHERE c.seq > ? ORDER BY c.seq LIMIT ?";

    private final PostgresDatabase db;
    private final Clock clock;
    private final InsertGroups inserts;

    public PostgresLinkStore(PostgresDatabase db) {
        this(db, Clock.systemUTC());
    }

    /** {@code clock} stamps the change feed; link timestamps come from the links themselves. */
    public PostgresLinkStore(PostgresDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.inserts = new InsertGroups(this::insertAll, db.groupCommitMax(), db.poolWait().toMillis()).start();
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        return db.read("find " + code, c -> Optional.ofNullable(LinkRows.find(c, code, false)));
    }

    @Override
    public boolean wasDeleted(ShortCode code) {
        return db.read("was deleted " + code, c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM deleted_codes WHERE code = ?")) {
                q.setString(1, code.value());
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public Insert insert(Link draft) {
        return inserts.insert(draft);
    }

    @Override
    public List<Insert> insertAll(List<Link> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        return db.write("insert " + (drafts.size() == 1 ? drafts.getFirst().code().toString() : drafts.size() + " links"),
                c -> new LinkWrites(c, clock).insertAll(drafts));
    }

    @Override
    public Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        return db.write("update " + code, c -> new LinkWrites(c, clock).update(code, change));
    }

    @Override
    public boolean delete(ShortCode code) {
        return db.write("delete " + code, c -> new LinkWrites(c, clock).delete(code));
    }

    @Override
    public Page<Link> list(LinkQuery q) {
        Listing listing = listing(q);
        return db.read("list links", c -> {
            try (PreparedStatement list = c.prepareStatement(listing.sql())) {
                planWithValues(list);
                for (int i = 0; i < listing.params().size(); i++) {
                    list.setObject(i + 1, listing.params().get(i));
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
            }
        });
    }

    /**
     * Has the server plan {@code listing} with its values every time. A statement pgjdbc has prepared on the server
     * (from its fifth run) may get PostgreSQL's generic plan, and the generic plan of a listing walks the primary key
     * backwards whatever the owner or search term: every row, for a term found nowhere, where the plan for the value
     * takes its trigram or owner index. An unnamed statement is planned for the values it is bound to; a listing
     * costs that planning (a fraction of a millisecond), the statements on hot paths keep their cached plans.
     */
    static void planWithValues(PreparedStatement listing) throws java.sql.SQLException {
        listing.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
    }

    /** The statement a listing runs, and its parameters: one of at most 2^7 shapes, each with an index to use. */
    record Listing(String sql, List<Object> params) {}

    static Listing listing(LinkQuery q) {
        StringBuilder sql = new StringBuilder("SELECT ").append(LinkRows.COLUMNS).append(" FROM links l WHERE true");
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
            sql.append(" AND l.id IN (SELECT t.link_id FROM link_tags t WHERE t.tag = ?)");
            params.add(q.tag());
        }
        if (q.search() != null && !q.search().isEmpty()) {
            // code and target are ASCII, so ILIKE folds them exactly; titles are folded in Java when written
            String pattern = LinkRows.containsPattern(LinkRows.fold(q.search()));
            sql.append(" AND (l.code ILIKE ? OR l.target ILIKE ? OR l.title_folded LIKE ?)");
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
        return new Listing(sql.toString(), params);
    }

    @Override
    public Optional<Link> findByTarget(String owner, String target) {
        return db.read("find by target", c -> {
            try (PreparedStatement find = c.prepareStatement(owner == null ? BY_TARGET_ANONYMOUS : BY_TARGET)) {
                int i = 1;
                if (owner != null) {
                    find.setString(i++, owner);
                }
                find.setString(i++, target);
                find.setString(i, target);
                try (ResultSet rs = find.executeQuery()) {
                    return rs.next() ? Optional.of(LinkRows.link(rs, 0)) : Optional.empty();
                }
            }
        });
    }

    /** The counter's committed value: numbers commit in order, so it is the highest seq of the feed. */
    @Override
    public long lastSeq() {
        return db.read("last seq", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT n FROM change_counter"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<Change> changesAfter(long after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read("changes after " + after, c -> {
            try (PreparedStatement changes = c.prepareStatement(CHANGES)) {
                changes.setLong(1, after);
                changes.setInt(2, limit);
                List<Change> out = new ArrayList<>();
                try (ResultSet rs = changes.executeQuery()) {
                    while (rs.next()) {
                        // CREATED/UPDATED carry the link as it is now; null once it has been deleted
                        out.add(new Change(rs.getLong(1), Change.Kind.valueOf(rs.getString(2)), new ShortCode(rs.getString(3)),
                                LinkRows.link(rs, 4), LinkRows.instant(rs, 4)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Map<Long, ShortCode> codes(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        long[] array = ids.stream().mapToLong(Long::longValue).toArray();
        return db.read("codes of " + ids.size() + " links", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT id, code FROM links WHERE id = ANY (?::bigint[])")) {
                q.setObject(1, array);
                Map<Long, ShortCode> out = new HashMap<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), new ShortCode(rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public long count() {
        return db.read("count links", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM links"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public void ping() {
        db.ping();
    }

    @Override
    public List<Change.Row> changeRows(long after, int limit) {
        return limit <= 0 ? List.of() : db.read("change rows after " + after, c -> LinkRestore.rows(c, after, limit));
    }

    @Override
    public void restoreLinks(List<Link> links) {
        if (!links.isEmpty()) {
            db.write("restore " + links.size() + " links", c -> {
                new LinkRestore(c).links(links);
                return null;
            });
        }
    }

    @Override
    public void restoreChanges(List<Change.Row> rows) {
        if (!rows.isEmpty()) {
            db.write("restore " + rows.size() + " changes", c -> {
                new LinkRestore(c).changes(rows);
                return null;
            });
        }
    }

    /** Commits the creates still queued; later ones fail. */
    @Override
    public void close() {
        inserts.close();
    }
}
