package dev.shortr.store.sqlite;

import dev.shortr.analytics.AnalyticsRow;
import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Dim;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reading and writing analytics rows exactly as stored, for copying a database (shortr migrate). Every link-keyed
 * table is read by a range of its primary key's first column, so an export walks the B-trees in order.
 */
final class AnalyticsRestore {
    private static final String HOURS = "SELECT link_id, hour, clicks, bots, heads FROM click_hours WHERE link_id > ? AND link_id <= ?";
    private static final String DIMS = "SELECT link_id, day, dim, value, clicks, bots FROM click_dims WHERE link_id > ? AND link_id <= ?";
    private static final String VISITORS = "SELECT link_id, day, hash FROM click_visitors WHERE link_id > ? AND link_id <= ?";
    private static final String SKETCHES = "SELECT link_id, day, sketch FROM click_uniques WHERE link_id > ? AND link_id <= ?";
    private static final String SALTS = "SELECT day, salt FROM visitor_salts";
    static final String CHUNKS = "SELECT id, first_at, last_at, visits, data FROM visit_chunks WHERE id > ? ORDER BY id LIMIT ?";

    private static final String HOUR_PUT = "INSERT INTO click_hours (link_id, hour, clicks, bots, heads) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (link_id, hour) DO UPDATE SET clicks = excluded.clicks, bots = excluded.bots, heads = excluded.heads";
    private static final String DIM_PUT = "INSERT INTO click_dims (link_id, day, dim, value, clicks, bots) VALUES (?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (link_id, day, dim, value) DO UPDATE SET clicks = excluded.clicks, bots = excluded.bots";
    private static final String VISITOR_PUT = "INSERT OR IGNORE INTO click_visitors (link_id, day, hash) VALUES (?, ?, ?)";
    private static final String SKETCH_PUT = "INSERT OR REPLACE INTO click_uniques (link_id, day, sketch) VALUES (?, ?, ?)";
    private static final String SALT_PUT = "INSERT OR REPLACE INTO visitor_salts (day, salt) VALUES (?, ?)";
    private static final String CHUNK_PUT = "INSERT OR REPLACE INTO visit_chunks (id, first_at, last_at, visits, data) VALUES (?, ?, ?, ?, ?)";

    private AnalyticsRestore() {
    }

    static void export(Session s, long after, long last, Consumer<AnalyticsRow> sink) throws SQLException {
        try (ResultSet rs = range(s, HOURS, after, last)) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.Hour(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        try (ResultSet rs = range(s, DIMS, after, last)) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.DimValue(rs.getLong(1), rs.getLong(2), Dim.ofCode(rs.getInt(3)), rs.getString(4),
                        rs.getLong(5), rs.getLong(6)));
            }
        }
        try (ResultSet rs = range(s, VISITORS, after, last)) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.Visitor(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        try (ResultSet rs = range(s, SKETCHES, after, last)) {
            while (rs.next()) {
                sink.accept(new AnalyticsRow.Sketch(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
            }
        }
        if (after < AnalyticsStore.INSTANCE && AnalyticsStore.INSTANCE <= last) {
            try (ResultSet rs = s.prepare(SALTS).executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AnalyticsRow.Salt(rs.getLong(1), rs.getBytes(2)));
                }
            }
        }
    }

    private static ResultSet range(Session s, String sql, long after, long last) throws SQLException {
        PreparedStatement q = s.prepare(sql);
        q.setLong(1, after);
        q.setLong(2, last);
        return q.executeQuery();
    }

    static List<AnalyticsRow.Chunk> chunks(Session s, long afterId, int limit) throws SQLException {
        PreparedStatement q = s.prepare(CHUNKS);
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

    static void restore(Session s, List<? extends AnalyticsRow> rows) throws SQLException {
        for (AnalyticsRow row : rows) {
            switch (row) {
                case AnalyticsRow.Hour h -> run(s, HOUR_PUT, h.linkId(), h.hour(), h.clicks(), h.bots(), h.heads());
                case AnalyticsRow.DimValue d -> run(s, DIM_PUT, d.linkId(), d.day(), d.dim().code, d.value(), d.clicks(), d.bots());
                case AnalyticsRow.Visitor v -> run(s, VISITOR_PUT, v.linkId(), v.day(), v.hash());
                case AnalyticsRow.Sketch k -> run(s, SKETCH_PUT, k.linkId(), k.day(), k.sketch());
                case AnalyticsRow.Salt t -> run(s, SALT_PUT, t.day(), t.salt());
                case AnalyticsRow.Chunk c -> run(s, CHUNK_PUT, c.id(), c.firstMs(), c.lastMs(), c.visits(), c.data());
            }
        }
    }

    private static void run(Session s, String sql, Object... params) throws SQLException {
        PreparedStatement st = s.prepare(sql);
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
        st.executeUpdate();
    }
}
