package dev.shortr.store.postgres;

import dev.shortr.cdn.PurgeCursors;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * {@link PurgeCursors} on PostgreSQL. Two nodes claiming at once queue on the row lock, and the second sees the first's
 * lease when its WHERE is checked again (READ COMMITTED), so one of them gets it.
 */
public final class PostgresPurgeCursors implements PurgeCursors {
    private static final String INSERT = "INSERT INTO cdn_purge_cursors (target, seq, holder, lease_until) VALUES (?, ?, ?, 0) "
            + "ON CONFLICT (target) DO NOTHING";
    private static final String CLAIM = "UPDATE cdn_purge_cursors SET holder = ?, lease_until = ? "
            + "WHERE target = ? AND (holder = ? OR lease_until <= ?) RETURNING seq";
    private static final String ADVANCE = "UPDATE cdn_purge_cursors SET seq = greatest(seq, ?) WHERE target = ? AND holder = ?";

    private final PostgresDatabase db;

    public PostgresPurgeCursors(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public OptionalLong claim(String target, String holder, Instant now, Instant until, long startSeq) {
        return db.write("claim purges at " + target, c -> {
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                insert.setString(1, target);
                insert.setLong(2, startSeq);
                insert.setString(3, holder);
                insert.executeUpdate();
            }
            try (PreparedStatement claim = c.prepareStatement(CLAIM)) {
                claim.setString(1, holder);
                claim.setLong(2, until.toEpochMilli());
                claim.setString(3, target);
                claim.setString(4, holder);
                claim.setLong(5, now.toEpochMilli());
                try (ResultSet rs = claim.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public boolean advance(String target, String holder, long seq) {
        return db.write("purged at " + target + " up to change " + seq, c -> {
            try (PreparedStatement advance = c.prepareStatement(ADVANCE)) {
                advance.setLong(1, seq);
                advance.setString(2, target);
                advance.setString(3, holder);
                return advance.executeUpdate() > 0;
            }
        });
    }
}
