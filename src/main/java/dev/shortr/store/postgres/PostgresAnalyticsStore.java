package dev.shortr.store.postgres;

import dev.shortr.analytics.AnalyticsRow;
import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Counts;
import dev.shortr.analytics.Visit;
import dev.shortr.analytics.VisitChunk;
import dev.shortr.visit.TallyMap;
import dev.shortr.analytics.Dim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link AnalyticsStore} on a {@link PostgresDatabase}. One flush is one transaction: counters are upserted
 * ({@code INSERT ... ON CONFLICT DO UPDATE}) from arrays, summed per key in the statement, a statement per
 * {@value #CHUNK} rows; visitors are inserted the same way; sketches are merged under a row lock, so two nodes
 * flushing the same link-day both count; visit chunks go as one JDBC batch.
 *
 * <p>A deleted link's analytics must not come back. SQLite remembers deleted ids in memory, which only works for one
 * node; here every flush holds an advisory lock shared, link deletes hold it exclusively, and a flush writes only
 * rows of links that exist (or of the whole instance, link 0). A flush that began before a delete therefore commits
 * first and has its rows deleted with the link; one that begins after it no longer finds the link.
 */
public final class PostgresAnalyticsStore implements AnalyticsStore {
    static final int CHUNK = 50_000;
    private static final int KINDS = 3; // clicks, bots, HEADs: see AnalyticsStore.Batch
    private static final String SHARED = "SELECT pg_advisory_xact_lock_shared(" + PostgresDatabase.ANALYTICS_LOCK + ")";
    private static final String LIVE = "(u.link_id = " + INSTANCE + " OR EXISTS (SELECT 1 FROM links l WHERE l.id = u.link_id))";
    static final String HOURS_UP = "INSERT INTO click_hours (link_id, hour, clicks, bots, heads) "
            + "SELECT u.link_id, u.hour, sum(u.clicks), sum(u.bots), sum(u.heads) "
            + "FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) AS u(link_id, hour, clicks, bots, heads) "
            + "WHERE " + LIVE + " GROUP BY u.link_id, u.hour ORDER BY u.link_id, u.hour "
            + "ON CONFLICT (link_id, hour) DO UPDATE SET clicks = click_hours.clicks + excluded.clicks, "
            + "bots = click_hours.bots + excluded.bots, heads = click_hours.heads + excluded.heads";
    private static final String DIMS_UP = "INSERT INTO click_dims (link_id, day, dim, value, clicks, bots) "
            + "SELECT u.link_id, u.day, u.dim, u.value, sum(u.clicks), sum(u.bots) "
            + "FROM unnest(?::bigint[], ?::int[], ?::int[], ?::text[], ?::bigint[], ?::bigint[]) AS u(link_id, day, dim, value, clicks, bots) "
            + "WHERE " + LIVE + " GROUP BY u.link_id, u.day, u.dim, u.value ORDER BY u.link_id, u.day, u.dim, u.value "
            + "ON CONFLICT (link_id, day, dim, value) DO UPDATE SET clicks = click_dims.clicks + excluded.clicks, "
            + "bots = click_dims.bots + excluded.bots";
    private static final String VISITORS_ADD = "INSERT INTO click_visitors (link_id, day, hash) "
            + "SELECT u.link_id, u.day, u.hash FROM unnest(?::bigint[], ?::int[], ?::bigint[]) AS u(link_id, day, hash) "
            + "WHERE " + LIVE + " ORDER BY u.link_id, u.day, u.hash ON CONFLICT DO NOTHING";
    private static final String LIVE_LINKS = "SELECT id FROM links WHERE id = ANY (?::bigint[])";
    private static final String SKETCH_GET = "SELECT sketch FROM click_uniques WHERE link_id = ? AND day = ? FOR UPDATE";
    private static final String SKETCH_SET = "UPDATE click_uniques SET sketch = ? WHERE link_id = ? AND day = ?";
    private static final String SKETCH_ADD = "INSERT INTO click_uniques (link_id, day, sketch) VALUES (?, ?, ?) "
            + "ON CONFLICT (link_id, day) DO NOTHING";
    private static final String CHUNK_ADD = "INSERT INTO visit_chunks (first_at, last_at, visits, data) VALUES (?, ?, ?, ?)";
    private static final String IN_SCOPE = " AND link_id = ANY (?::bigint[])";

    private final PostgresDatabase db;

    public PostgresAnalyticsStore(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void write(Batch batch, BinaryOperator<byte[]> merge) {
        db.write("add analytics", c -> {
            try (PreparedStatement lock = c.prepareStatement(SHARED)) {
                lock.execute();
            }
            if (batch.hours() != null) {
                hours(c, batch.hours());
            }
            dims(c, batch.dims());
            visitors(c, batch.visitors());
            sketches(c, batch.sketches(), merge);
            visits(c, batch.visits());
            return null;
        });
    }

    private static void hours(Connection c, TallyMap counts) throws SQLException {
        counts.sortInPlace(); // link order, so the rows are locked in the same order by every node; the batch owns the map
        ColumnArrays rows = new ColumnArrays(5, 0);
        try (PreparedStatement up = c.prepareStatement(HOURS_UP)) {
            SqlFailure.checked(() -> counts.forEach((key, count) -> {
                long linkKind = TallyMap.linkOf(key);
                int kind = (int) (linkKind & 3);
                if (kind >= KINDS || count == 0) {
                    return;
                }
                rows.longs(linkKind >>> 2, TallyMap.dayOf(key), kind == 0 ? count : 0, kind == 1 ? count : 0, kind == 2 ? count : 0);
                SqlFailure.unchecked(() -> rows.flushAt(CHUNK, up));
            }));
            rows.flushAt(1, up);
        }
    }

    private static void dims(Connection c, DimCounts dims) throws SQLException {
        ColumnArrays rows = new ColumnArrays(5, 1);
        try (PreparedStatement up = c.prepareStatement(DIMS_UP)) {
            SqlFailure.checked(() -> dims.forEach((linkId, day, dim, value, clicks, bots) -> {
                rows.add(linkId, day, dim.code, value, clicks, bots);
                SqlFailure.unchecked(() -> rows.flushAt(CHUNK, up));
            }));
            rows.flushAt(1, up);
        }
    }

    private static void visitors(Connection c, Visitors vs) throws SQLException {
        if (vs.keys().length == 0) {
            return;
        }
        try (PreparedStatement add = c.prepareStatement(VISITORS_ADD)) {
            for (int from = 0; from < vs.keys().length; from += CHUNK) {
                int to = Math.min(vs.keys().length, from + CHUNK);
                long[] links = new long[to - from];
                int[] days = new int[to - from];
                for (int i = from; i < to; i++) {
                    links[i - from] = TallyMap.linkOf(vs.keys()[i]);
                    days[i - from] = (int) TallyMap.dayOf(vs.keys()[i]);
                }
                add.setObject(1, links);
                add.setObject(2, days);
                add.setObject(3, Arrays.copyOfRange(vs.hashes(), from, to));
                add.executeUpdate();
            }
        }
    }

    /** Merges each sketch into the stored one under its row lock; a row two nodes create at once is merged too. */
    private static void sketches(Connection c, Map<DayKey, byte[]> sketches, BinaryOperator<byte[]> merge) throws SQLException {
        if (sketches.isEmpty()) {
            return;
        }
        Set<Long> live = new HashSet<>(List.of(INSTANCE));
        try (PreparedStatement q = c.prepareStatement(LIVE_LINKS)) {
            q.setObject(1, sketches.keySet().stream().mapToLong(DayKey::linkId).distinct().toArray());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    live.add(rs.getLong(1));
                }
            }
        }
        List<DayKey> keys = new ArrayList<>(sketches.keySet());
        keys.sort(java.util.Comparator.comparingLong(DayKey::linkId).thenComparingLong(DayKey::day)); // one lock order
        try (PreparedStatement get = c.prepareStatement(SKETCH_GET); PreparedStatement set = c.prepareStatement(SKETCH_SET);
             PreparedStatement add = c.prepareStatement(SKETCH_ADD)) {
            for (DayKey k : keys) {
                if (!live.contains(k.linkId())) {
                    continue;
                }
                byte[] sketch = sketches.get(k);
                while (true) { // at most twice: an insert loses only to a row that then exists
                    get.setLong(1, k.linkId());
                    get.setLong(2, k.day());
                    byte[] stored = null;
                    try (ResultSet rs = get.executeQuery()) {
                        if (rs.next()) {
                            stored = rs.getBytes(1);
                        }
                    }
                    if (stored != null) {
                        set.setBytes(1, merge.apply(stored, sketch));
                        set.setLong(2, k.linkId());
                        set.setLong(3, k.day());
                        set.executeUpdate();
                        break;
                    }
                    add.setLong(1, k.linkId());
                    add.setLong(2, k.day());
                    add.setBytes(3, sketch);
                    if (add.executeUpdate() == 1) {
                        break;
                    }
                }
            }
        }
    }

    private static void visits(Connection c, List<VisitChunk> visits) throws SQLException {
        if (visits == null || visits.stream().allMatch(v -> v.count() == 0)) {
            return;
        }
        try (PreparedStatement add = c.prepareStatement(CHUNK_ADD)) {
            for (VisitChunk v : visits) {
                if (v.count() == 0) {
                    continue;
                }
                add.setLong(1, v.firstMs());
                add.setLong(2, v.lastMs());
                add.setInt(3, v.count());
                add.setBytes(4, v.data());
                add.addBatch();
            }
            add.executeBatch();
        }
    }

    @Override
    public List<Map.Entry<Long, Counts>> hours(Collection<Long> scope, long fromHour, long toHour) {
        String sql = "SELECT hour, sum(clicks), sum(bots), sum(heads) FROM click_hours WHERE hour >= ? AND hour < ?"
                + (scope == null ? "" : IN_SCOPE) + " GROUP BY hour ORDER BY hour";
        return db.read("hourly clicks", c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setLong(1, fromHour);
                q.setLong(2, toHour);
                if (scope != null) {
                    q.setObject(3, ids(scope));
                }
                List<Map.Entry<Long, Counts>> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(Map.entry(rs.getLong(1), new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4))));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<Map.Entry<String, Counts>> top(Collection<Long> scope, Dim dim, long fromDay, long toDay, int limit) {
        // ties in byte order, as SQLite's BINARY collation has them
        String sql = "SELECT value, sum(clicks) AS c, sum(bots) FROM click_dims WHERE day >= ? AND day < ? AND dim = ?"
                + (scope == null ? "" : IN_SCOPE) + " GROUP BY value ORDER BY c DESC, value COLLATE \"C\" LIMIT ?";
        return db.read("top " + dim.plural, c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                int i = 1;
                q.setLong(i++, fromDay);
                q.setLong(i++, toDay);
                q.setInt(i++, dim.code);
                if (scope != null) {
                    q.setObject(i++, ids(scope));
                }
                q.setInt(i, limit);
                List<Map.Entry<String, Counts>> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(Map.entry(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3), 0)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void visitors(Collection<Long> scope, long fromDay, long toDay, VisitorSink sink) {
        String where = " WHERE day >= ? AND day < ?" + (scope == null ? " AND link_id = " + INSTANCE : IN_SCOPE);
        db.read("unique visitors", c -> {
            Map<Long, long[]> hashes = new HashMap<>();
            Map<Long, Integer> counts = new HashMap<>();
            try (PreparedStatement rows = c.prepareStatement("SELECT link_id, day, hash FROM click_visitors" + where)) {
                bindRange(rows, scope, fromDay, toDay);
                try (ResultSet rs = rows.executeQuery()) {
                    while (rs.next()) {
                        long key = TallyMap.key(rs.getLong(1), rs.getLong(2));
                        int n = counts.merge(key, 1, Integer::sum);
                        long[] h = hashes.computeIfAbsent(key, k -> new long[8]);
                        if (n > h.length) {
                            h = Arrays.copyOf(h, h.length * 2);
                            hashes.put(key, h);
                        }
                        h[n - 1] = rs.getLong(3);
                    }
                }
            }
            Map<Long, byte[]> sketches = new HashMap<>();
            try (PreparedStatement q = c.prepareStatement("SELECT link_id, day, sketch FROM click_uniques" + where)) {
                bindRange(q, scope, fromDay, toDay);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        sketches.put(TallyMap.key(rs.getLong(1), rs.getLong(2)), rs.getBytes(3));
                    }
                }
            }
            Set<Long> keys = new HashSet<>(hashes.keySet());
            keys.addAll(sketches.keySet());
            for (long key : keys) {
                long[] h = hashes.get(key);
                sink.accept(TallyMap.linkOf(key), TallyMap.dayOf(key), h == null ? new long[0] : Arrays.copyOf(h, counts.get(key)),
                        sketches.get(key));
            }
            return null;
        });
    }

    private static void bindRange(PreparedStatement q, Collection<Long> scope, long fromDay, long toDay) throws SQLException {
        q.setLong(1, fromDay);
        q.setLong(2, toDay);
        if (scope != null) {
            q.setObject(3, ids(scope));
        }
    }

    /** Streams: a cursor fetches a few chunks at a time (pgjdbc only does so inside a transaction). */
    @Override
    public void visits(Collection<Long> scope, long fromMs, long toMs, Consumer<Visit> sink) {
        Set<Long> ids = scope == null ? null : Set.copyOf(scope);
        db.write("visits", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT data FROM visit_chunks WHERE last_at >= ? AND first_at < ? ORDER BY id")) {
                q.setFetchSize(8);
                q.setLong(1, fromMs);
                q.setLong(2, toMs);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        VisitChunk.read(rs.getBytes(1), v -> {
                            if (v.atMs() >= fromMs && v.atMs() < toMs && (ids == null || ids.contains(v.linkId()))) {
                                sink.accept(v);
                            }
                        });
                    }
                }
            }
            return null;
        });
    }

    @Override
    public long purgeVisits(long beforeMs) {
        return db.write("purge visits before " + beforeMs, c -> {
            try (PreparedStatement purge = c.prepareStatement("WITH d AS (DELETE FROM visit_chunks WHERE last_at < ? RETURNING visits) "
                    + "SELECT coalesce(sum(visits), 0) FROM d")) {
                purge.setLong(1, beforeMs);
                try (ResultSet rs = purge.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The first node to ask makes the day's salt; an insert that loses the race reads the winner's. */
    @Override
    public byte[] salt(long day, Supplier<byte[]> fresh) {
        return db.write("visitor salt of day " + day, c -> {
            byte[] stored = storedSalt(c, day);
            if (stored != null) {
                return stored;
            }
            byte[] salt = fresh.get();
            try (PreparedStatement put = c.prepareStatement("INSERT INTO visitor_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING")) {
                put.setLong(1, day);
                put.setBytes(2, salt);
                return put.executeUpdate() == 1 ? salt : storedSalt(c, day);
            }
        });
    }

    private static byte[] storedSalt(Connection c, long day) throws SQLException {
        try (PreparedStatement get = c.prepareStatement("SELECT salt FROM visitor_salts WHERE day = ?")) {
            get.setLong(1, day);
            try (ResultSet rs = get.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    @Override
    public void forgetSalts(long day) {
        db.write("forget visitor salts before day " + day, c -> {
            try (PreparedStatement drop = c.prepareStatement("DELETE FROM visitor_salts WHERE day < ?")) {
                drop.setLong(1, day);
                return drop.executeUpdate();
            }
        });
    }

    /** In a transaction, so that each table is read through a cursor, a few thousand rows at a time. */
    @Override
    public void exportRows(long afterLinkId, long lastLinkId, Consumer<AnalyticsRow> sink) {
        db.write("analytics rows of links " + afterLinkId + ".." + lastLinkId, c -> {
            AnalyticsRestore.export(c, afterLinkId, lastLinkId, sink);
            return null;
        });
    }

    @Override
    public List<AnalyticsRow.Chunk> chunksAfter(long afterId, int limit) {
        return limit <= 0 ? List.of() : db.read("visit chunks after " + afterId, c -> AnalyticsRestore.chunks(c, afterId, limit));
    }

    @Override
    public long lastChunkId() {
        return db.read("last visit chunk", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT coalesce(max(id), 0) FROM visit_chunks"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public void restore(List<? extends AnalyticsRow> rows) {
        if (!rows.isEmpty()) {
            db.write("restore " + rows.size() + " analytics rows", c -> {
                AnalyticsRestore.restore(c, rows);
                return null;
            });
        }
    }

    private static long[] ids(Collection<Long> scope) {
        return scope.stream().mapToLong(Long::longValue).toArray();
    }

    /** Carries an SQLException out of a callback that may not throw it. */
    private static final class SqlFailure extends RuntimeException {
        SqlFailure(SQLException cause) {
            super(cause);
        }

        interface Step {
            void run() throws SQLException;
        }

        static void unchecked(Step step) {
            try {
                step.run();
            } catch (SQLException e) {
                throw new SqlFailure(e);
            }
        }

        static void checked(Step step) throws SQLException {
            try {
                step.run();
            } catch (SqlFailure e) {
                throw (SQLException) e.getCause();
            }
        }
    }
}
