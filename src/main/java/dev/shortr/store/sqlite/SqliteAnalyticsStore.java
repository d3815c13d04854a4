package dev.shortr.store.sqlite;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Counts;
import dev.shortr.analytics.Dim;
import dev.shortr.analytics.Visit;
import dev.shortr.analytics.VisitChunk;
import dev.shortr.visit.TallyMap;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link AnalyticsStore} on a {@link SqliteDatabase}: counters are upserted, sketches merged on the writer
 * thread, visits appended as one chunk per flush. A scope goes to SQLite as one JSON array parameter.
 */
public final class SqliteAnalyticsStore implements AnalyticsStore {
    private static final String HOUR_UP = "INSERT INTO click_hours (link_id, hour, clicks, bots, heads) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (link_id, hour) DO UPDATE SET clicks = clicks + excluded.clicks, bots = bots + excluded.bots, "
            + "heads = heads + excluded.heads";
    private static final int KINDS = 3; // clicks, bots, HEADs: see AnalyticsStore.Batch
    private static final String DIM_UP = "INSERT INTO click_dims (link_id, day, dim, value, clicks, bots) VALUES (?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (link_id, day, dim, value) DO UPDATE SET clicks = clicks + excluded.clicks, bots = bots + excluded.bots";
    private static final String SKETCH_GET = "SELECT sketch FROM click_uniques WHERE link_id = ? AND day = ?";
    private static final String SKETCH_PUT = "INSERT INTO click_uniques (link_id, day, sketch) VALUES (?, ?, ?) "
            + "ON CONFLICT (link_id, day) DO UPDATE SET sketch = excluded.sketch";
    private static final String CHUNK_ADD = "INSERT INTO visit_chunks (first_at, last_at, visits, data) VALUES (?, ?, ?, ?)";
    private static final String IN_SCOPE = " link_id IN (SELECT value FROM json_each(?)) ";
    private static final int BATCH = 4096;

    private final SqliteDatabase db;

    public SqliteAnalyticsStore(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void write(Batch batch, BinaryOperator<byte[]> merge) {
        db.write("add analytics", s -> {
            PreparedStatement hours = s.prepare(HOUR_UP);
            int[] n = {0};
            if (batch.hours() != null) {
                TallyMap counts = batch.hours();
                counts.sortInPlace(); // primary-key order, so the B-tree fills front to back; the batch owns the map
                checked(() -> counts.forEach((key, count) -> {
                    long linkKind = TallyMap.linkOf(key);
                    int kind = (int) (linkKind & 3);
                    if (kind >= KINDS || count == 0 || db.deleted(linkKind >>> 2)) {
                        return;
                    }
                    unchecked(() -> {
                        hours.setLong(1, linkKind >>> 2);
                        hours.setLong(2, TallyMap.dayOf(key));
                        for (int k = 0; k < KINDS; k++) {
                            hours.setLong(3 + k, k == kind ? count : 0);
                        }
                        addBatched(hours, n);
                    });
                }));
            }
            hours.executeBatch();
            PreparedStatement dims = s.prepare(DIM_UP);
            checked(() -> batch.dims().forEach((linkId, day, dim, value, clicks, bots) -> {
                if (db.deleted(linkId)) {
                    return;
                }
                unchecked(() -> {
                    dims.setLong(1, linkId);
                    dims.setLong(2, day);
                    dims.setInt(3, dim.code);
                    dims.setString(4, value);
                    dims.setLong(5, clicks);
                    dims.setLong(6, bots);
                    addBatched(dims, n);
                });
            }));
            dims.executeBatch();
            PreparedStatement visitor = s.prepare("INSERT OR IGNORE INTO click_visitors (link_id, day, hash) VALUES (?, ?, ?)");
            Visitors vs = batch.visitors();
            for (int i = 0; i < vs.keys().length; i++) {
                if (db.deleted(TallyMap.linkOf(vs.keys()[i]))) {
                    continue;
                }
                visitor.setLong(1, TallyMap.linkOf(vs.keys()[i]));
                visitor.setLong(2, TallyMap.dayOf(vs.keys()[i]));
                visitor.setLong(3, vs.hashes()[i]);
                addBatched(visitor, n);
            }
            visitor.executeBatch();
            for (Map.Entry<DayKey, byte[]> e : batch.sketches().entrySet()) {
                if (e.getKey().linkId() != INSTANCE && db.deleted(e.getKey().linkId())) {
                    continue;
                }
                mergeSketch(s, e.getKey(), e.getValue(), merge);
            }
            for (VisitChunk v : batch.visits() == null ? List.<VisitChunk>of() : batch.visits()) {
                if (v.count() == 0) {
                    continue;
                }
                PreparedStatement add = s.prepare(CHUNK_ADD);
                add.setLong(1, v.firstMs());
                add.setLong(2, v.lastMs());
                add.setInt(3, v.count());
                add.setBytes(4, v.data());
                add.executeUpdate();
            }
            return null;
        });
    }

    /** Adds the statement's parameters to its batch, running the batch every {@link #BATCH} rows of the write. */
    private static void addBatched(PreparedStatement st, int[] rows) throws SQLException {
        st.addBatch();
        if (++rows[0] % BATCH == 0) {
            st.executeBatch();
        }
    }

    @FunctionalInterface
    private interface SqlStep {
        void run() throws SQLException;
    }

    /** Carries an SQLException out of a callback that may not throw it, to {@link #checked}. */
    private static final class SqlFailure extends RuntimeException {
        SqlFailure(SQLException cause) {
            super(cause);
        }
    }

    private static void unchecked(SqlStep step) {
        try {
            step.run();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    private static void checked(SqlStep step) throws SQLException {
        try {
            step.run();
        } catch (SqlFailure e) {
            throw (SQLException) e.getCause();
        }
    }

    private static void mergeSketch(Session s, DayKey k, byte[] sketch, BinaryOperator<byte[]> merge) throws SQLException {
        PreparedStatement get = s.prepare(SKETCH_GET);
        get.setLong(1, k.linkId());
        get.setLong(2, k.day());
        byte[] stored = null;
        try (ResultSet rs = get.executeQuery()) {
            if (rs.next()) {
                stored = rs.getBytes(1);
            }
        }
        PreparedStatement put = s.prepare(SKETCH_PUT);
        put.setLong(1, k.linkId());
        put.setLong(2, k.day());
        put.setBytes(3, stored == null ? sketch : merge.apply(stored, sketch));
        put.executeUpdate();
    }

    @Override
    public List<Map.Entry<Long, Counts>> hours(Collection<Long> scope, long fromHour, long toHour) {
        String sql = "SELECT hour, sum(clicks), sum(bots), sum(heads) FROM click_hours WHERE hour >= ? AND hour < ?"
                + (scope == null ? "" : " AND" + IN_SCOPE) + " GROUP BY hour ORDER BY hour";
        return db.read("hourly clicks", s -> {
            PreparedStatement q = s.prepare(sql);
            q.setLong(1, fromHour);
            q.setLong(2, toHour);
            if (scope != null) {
                q.setString(3, json(scope));
            }
            List<Map.Entry<Long, Counts>> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getLong(1), new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4))));
                }
            }
            return out;
        });
    }

    @Override
    public List<Map.Entry<String, Counts>> top(Collection<Long> scope, Dim dim, long fromDay, long toDay, int limit) {
        String sql = "SELECT value, sum(clicks) AS c, sum(bots) FROM click_dims WHERE day >= ? AND day < ? AND dim = ?"
                + (scope == null ? "" : " AND" + IN_SCOPE) + " GROUP BY value ORDER BY c DESC, value LIMIT ?";
        return db.read("top " + dim.plural, s -> {
            PreparedStatement q = s.prepare(sql);
            int i = 1;
            q.setLong(i++, fromDay);
            q.setLong(i++, toDay);
            q.setInt(i++, dim.code);
            if (scope != null) {
                q.setString(i++, json(scope));
            }
            q.setInt(i, limit);
            List<Map.Entry<String, Counts>> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3), 0)));
                }
            }
            return out;
        });
    }

    @Override
    public void visitors(Collection<Long> scope, long fromDay, long toDay, VisitorSink sink) {
        String where = " WHERE day >= ? AND day < ? AND" + (scope == null ? " link_id = " + INSTANCE : IN_SCOPE);
        db.read("unique visitors", s -> {
            Map<Long, long[]> hashes = new java.util.HashMap<>();
            Map<Long, Integer> counts = new java.util.HashMap<>();
            PreparedStatement rows = s.prepare("SELECT link_id, day, hash FROM click_visitors" + where);
            bindRange(rows, scope, fromDay, toDay);
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    long key = TallyMap.key(rs.getLong(1), rs.getLong(2));
                    int n = counts.merge(key, 1, Integer::sum);
                    long[] h = hashes.computeIfAbsent(key, k -> new long[8]);
                    if (n > h.length) {
                        h = java.util.Arrays.copyOf(h, h.length * 2);
                        hashes.put(key, h);
                    }
                    h[n - 1] = rs.getLong(3);
                }
            }
            Map<Long, byte[]> sketches = new java.util.HashMap<>();
            PreparedStatement q = s.prepare("SELECT link_id, day, sketch FROM click_uniques" + where);
            bindRange(q, scope, fromDay, toDay);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    sketches.put(TallyMap.key(rs.getLong(1), rs.getLong(2)), rs.getBytes(3));
                }
            }
            java.util.Set<Long> keys = new java.util.HashSet<>(hashes.keySet());
            keys.addAll(sketches.keySet());
            for (long key : keys) {
                long[] h = hashes.get(key);
                sink.accept(TallyMap.linkOf(key), TallyMap.dayOf(key), h == null ? new long[0] : java.util.Arrays.copyOf(h, counts.get(key)),
                        sketches.get(key));
            }
            return null;
        });
    }

    private static void bindRange(PreparedStatement q, Collection<Long> scope, long fromDay, long toDay) throws SQLException {
        q.setLong(1, fromDay);
        q.setLong(2, toDay);
        if (scope != null) {
            q.setString(3, json(scope));
        }
    }

    @Override
    public void visits(Collection<Long> scope, long fromMs, long toMs, Consumer<Visit> sink) {
        java.util.Set<Long> ids = scope == null ? null : java.util.Set.copyOf(scope);
        db.read("visits", s -> {
            PreparedStatement q = s.prepare("SELECT data FROM visit_chunks WHERE last_at >= ? AND first_at < ? ORDER BY id");
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
            return null;
        });
    }

    @Override
    public long purgeVisits(long beforeMs) {
        return db.write("purge visits before " + beforeMs, s -> {
            PreparedStatement count = s.prepare("SELECT coalesce(sum(visits), 0) FROM visit_chunks WHERE last_at < ?");
            count.setLong(1, beforeMs);
            long n;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
            PreparedStatement del = s.prepare("DELETE FROM visit_chunks WHERE last_at < ?");
            del.setLong(1, beforeMs);
            del.executeUpdate();
            return n;
        });
    }

    @Override
    public byte[] salt(long day, Supplier<byte[]> fresh) {
        return db.write("visitor salt of day " + day, s -> {
            PreparedStatement get = s.prepare("SELECT salt FROM visitor_salts WHERE day = ?");
            get.setLong(1, day);
            try (ResultSet rs = get.executeQuery()) {
                if (rs.next()) {
                    return rs.getBytes(1);
                }
            }
            byte[] salt = fresh.get();
            PreparedStatement put = s.prepare("INSERT INTO visitor_salts (day, salt) VALUES (?, ?)");
            put.setLong(1, day);
            put.setBytes(2, salt);
            put.executeUpdate();
            return salt;
        });
    }

    @Override
    public void forgetSalts(long day) {
        db.write("forget visitor salts before day " + day, s -> {
            PreparedStatement drop = s.prepare("DELETE FROM visitor_salts WHERE day < ?");
            drop.setLong(1, day);
            return drop.executeUpdate();
        });
    }

    @Override
    public void exportRows(long afterLinkId, long lastLinkId, Consumer<dev.shortr.analytics.AnalyticsRow> sink) {
        db.read("analytics rows of links " + afterLinkId + ".." + lastLinkId, s -> {
            AnalyticsRestore.export(s, afterLinkId, lastLinkId, sink);
            return null;
        });
    }

    @Override
    public List<dev.shortr.analytics.AnalyticsRow.Chunk> chunksAfter(long afterId, int limit) {
        return limit <= 0 ? List.of() : db.read("visit chunks after " + afterId, s -> AnalyticsRestore.chunks(s, afterId, limit));
    }

    @Override
    public long lastChunkId() {
        return db.read("last visit chunk", s -> s.single("SELECT coalesce(max(id), 0) FROM visit_chunks"));
    }

    @Override
    public void restore(List<? extends dev.shortr.analytics.AnalyticsRow> rows) {
        if (!rows.isEmpty()) {
            db.write("restore " + rows.size() + " analytics rows", s -> {
                AnalyticsRestore.restore(s, rows);
                return null;
            });
        }
    }

    private static String json(Collection<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
