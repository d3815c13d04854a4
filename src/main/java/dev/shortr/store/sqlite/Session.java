package dev.shortr.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection and the statements prepared on it, kept for reuse: preparing a statement costs more
 * than the point lookup it runs. Statements from {@link #prepare} belong to the session; callers close
 * their result sets (an open one would pin the connection's read snapshot) but never the statement.
 */
final class Session implements AutoCloseable {
    /** Enough for every fixed statement plus the filter combinations of a listing. */
    private static final int MAX_STATEMENTS = 96;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX_STATEMENTS) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    Session(Connection connection) {
        this.connection = connection;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s == null) {
            s = connection.prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    /** The value of a one-row, one-number query such as {@code SELECT count(*) ...}. */
    long single(String sql) throws SQLException {
        try (var rs = prepare(sql).executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        statements.values().forEach(Session::closeQuietly);
        statements.clear();
        connection.close();
    }

    private static void closeQuietly(PreparedStatement s) {
        try {
            s.close();
        } catch (SQLException e) {
            // finalizing a statement cannot lose data; the connection closes regardless
        }
    }
}
