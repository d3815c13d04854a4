package dev.shortr.store.postgres;

import dev.shortr.analytics.AnalyticsRow;
import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Dim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reading and writing analytics rows exactly as stored, for copying a database (shortr migrate). An export reads each
 * link-keyed table by a range of its primary key's first column, through a cursor (a range may hold millions of
 * rows); a restore is one upsert per table, its rows sent as arrays. Rows are written without the check a flush
 * makes that their link exists: a copy restores a range's analytics before its links.
 */
final class AnalyticsRestore {
    private static final String HOURS = "SELECT link_id, hour, clicks, bots, heads FROM click_hours WHERE link_id > ? AND link_id <= ?";
    private static final String DIMS = "SELECT link_id, day, dim, value, clicks, bots FROM click_dims WHERE link_id > ? AND link_id <= ?";
    private static final String VISITORS = "SELECT link_id, day, hash FROM click_visitors WHERE link_id > ? AND link_id <= ?";
    private static final String SKETCHES = "SELECT link_id, day, sketch FROM click_uniques WHERE link_id > ? AND link_id <= ?";
    private static final String SALTS = "SELECT day, salt FROM visitor_salts";
    static final String CHUNKS = "SELECT id, first_at, last_at, visits, data FROM visit_chunks WHERE id > ? ORDER BY id LIMIT ?";
    /** Rows fetched at a time by an export's cursors. */
    private static final int FETCH = 2000;

    private static final String HOUR_PUT = "INSERT INTO click_hours (link_id, hour, clicks, bots, heads) "
            + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) "
            + "ON CONFLICT (link_id, hour) DO UPDATE SET clicks = excluded.clicks, bots = excluded.bots, heads = excluded.heads";
    private static final String DIM_PUT = "INSERT INTO click_dims (link_id, day, dim, value, clicks, bots) "
            + "SELECT * FROM unnest(?::bigint[], ?::int[], ?::int[], ?::text[], ?::bigint[], ?::bigint[]) "
            + "ON CONFLICT (link_id, day, dim, value) DO UPDATE SET clicks = excluded.clicks, bots = excluded.bots";
    private static final String VISITOR_PUT = "INSERT INTO click_visitors (link_id, day, hash) "
            + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) ON CONFLICT DO NOTHING";
    private static final String SKETCH_PUT = "INSERT INTO click_uniques (link_id, day, sketch) "
            + "SELECT * FROM unnest(?::bigint[], ?::int[], ?::bytea[]) ON CONFLICT (link_id, day) DO UPDATE SET sketch = excluded.sketch";
    private static final String SALT_PUT = "INSERT INTO visitor_salts (day, salt) SELECT * FROM unnest(?::int[], ?::bytea[]) "
            + "ON CONFLICT (day) DO UPDATE SET salt = excluded.salt";
    private static final String CHUNK_PUT = "INSERT INTO visit_chunks (id, first_at, last_at, visits, data) OVERRIDING SYSTEM VALUE "
            + "SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::bytea[]) "
            + "ON CONFLICT (id) DO UPDATE SET first_at = excluded.first_at, last_at = excluded.last_at, visits = excluded.visits, "
            + "data = excluded.data";

    private AnalyticsRestore() {
    }

    /** Runs inside a transaction: pgjdbc only fetches through a cursor there. */
    static void export(Connection c, long after, long last, Consumer<AnalyticsRow> sink) throws SQLException {
        try (PreparedStatement q = range(c, HOURS, after, last); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.Hour(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        try (PreparedStatement q = range(c, DIMS, after, last); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.DimValue(rs.getLong(1), rs.getLong(2), Dim.ofCode(rs.getInt(3)), rs.getString(4),
                        rs.getLong(5), rs.getLong(6)));
            }
        }
        try (PreparedStatement q = range(c, VISITORS, after, last); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.Visitor(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        try (PreparedStatement q = range(c, SKETCHES, after, last); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.Sketch(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
            }
        }
        if (after < AnalyticsStore.INSTANCE && AnalyticsStore.INSTANCE <= last) {
            try (PreparedStatement q = c.prepareStatement(SALTS); ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AnalyticsRow.Salt(rs.getLong(1), rs.getBytes(2)));
                }
            }
        }
    }

    private static PreparedStatement range(Connection c, String sql, long after, long last) throws SQLException {
        PreparedStatement q = c.prepareStatement(sql);
        q.setFetchSize(FETCH);
        q.setLong(1, after);
        q.setLong(2, last);
        return q;
    }

    static List<AnalyticsRow.Chunk> chunks(Connection c, long afterId, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(CHUNKS)) {
            q.setLong(1, afterId);
            q.setInt(2, limit);
            List<AnalyticsRow.Chunk> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new AnalyticsRow.Chunk(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getBytes(5)));
                }
            }
            return out;
        }
    }

    /**
     * One upsert per kind of row. A row given twice in one call is written once, the later one: an upsert may not
     * touch one row twice in a statement.
     */
    static void restore(Connection c, List<? extends AnalyticsRow> rows) throws SQLException {
        Map<Object, AnalyticsRow> latest = new LinkedHashMap<>();
        for (AnalyticsRow r : rows) {
            latest.put(key(r), r);
        }
        ColumnArrays hours = new ColumnArrays(5, 0);
        ColumnArrays dims = new ColumnArrays(5, 1);
        ColumnArrays visitors = new ColumnArrays(3, 0);
        List<AnalyticsRow.Sketch> sketches = new ArrayList<>();
        List<AnalyticsRow.Salt> salts = new ArrayList<>();
        List<AnalyticsRow.Chunk> chunks = new ArrayList<>();
        for (AnalyticsRow row : latest.values()) {
            switch (row) {
                case AnalyticsRow.Hour h -> hours.longs(h.linkId(), h.hour(), h.clicks(), h.bots(), h.heads());
                case AnalyticsRow.DimValue d -> dims.add(d.linkId(), d.day(), d.dim().code, d.value(), d.clicks(), d.bots());
                case AnalyticsRow.Visitor v -> visitors.longs(v.linkId(), v.day(), v.hash());
                case AnalyticsRow.Sketch k -> sketches.add(k);
                case AnalyticsRow.Salt t -> salts.add(t);
                case AnalyticsRow.Chunk ch -> chunks.add(ch);
            }
        }
        try (PreparedStatement put = c.prepareStatement(HOUR_PUT)) {
            hours.flushAt(1, put);
        }
        try (PreparedStatement put = c.prepareStatement(DIM_PUT)) {
            dims.flushAt(1, put);
        }
        try (PreparedStatement put = c.prepareStatement(VISITOR_PUT)) {
            visitors.flushAt(1, put);
        }
        if (!sketches.isEmpty()) {
            run(c, SKETCH_PUT, sketches.stream().mapToLong(AnalyticsRow.Sketch::linkId).toArray(),
                    sketches.stream().mapToInt(k -> Math.toIntExact(k.day())).toArray(),
                    sketches.stream().map(AnalyticsRow.Sketch::sketch).toArray(byte[][]::new));
        }
        if (!salts.isEmpty()) {
            run(c, SALT_PUT, salts.stream().mapToInt(t -> Math.toIntExact(t.day())).toArray(),
                    salts.stream().map(AnalyticsRow.Salt::salt).toArray(byte[][]::new));
        }
        if (!chunks.isEmpty()) {
            run(c, CHUNK_PUT, chunks.stream().mapToLong(AnalyticsRow.Chunk::id).toArray(),
                    chunks.stream().mapToLong(AnalyticsRow.Chunk::firstMs).toArray(),
                    chunks.stream().mapToLong(AnalyticsRow.Chunk::lastMs).toArray(),
                    chunks.stream().mapToInt(AnalyticsRow.Chunk::visits).toArray(),
                    chunks.stream().map(AnalyticsRow.Chunk::data).toArray(byte[][]::new));
            LinkRestore.raiseIdentity(c, "visit_chunks", chunks.stream().mapToLong(AnalyticsRow.Chunk::id).max().orElseThrow());
        }
    }

    /** What identifies the stored row {@code r} replaces. */
    private static Object key(AnalyticsRow r) {
        return switch (r) {
            case AnalyticsRow.Hour h -> List.of("hour", h.linkId(), h.hour());
            case AnalyticsRow.DimValue d -> List.of("dim", d.linkId(), d.day(), d.dim(), d.value());
            case AnalyticsRow.Visitor v -> v;
            case AnalyticsRow.Sketch k -> List.of("sketch", k.linkId(), k.day());
            case AnalyticsRow.Salt t -> List.of("salt", t.day());
            case AnalyticsRow.Chunk ch -> List.of("chunk", ch.id());
        };
    }

    private static void run(Connection c, String sql, Object... arrays) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < arrays.length; i++) {
                st.setObject(i + 1, arrays[i]);
            }
            st.executeUpdate();
        }
    }
}
