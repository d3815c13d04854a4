package dev.shortr.store.sqlite;

import dev.shortr.cdn.PurgeCursors;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.OptionalLong;

/** {@link PurgeCursors} on a {@link SqliteDatabase}: a claim and an advance are each one unit of the group commit. */
public final class SqlitePurgeCursors implements PurgeCursors {
    private static final String INSERT = "INSERT INTO cdn_purge_cursors (target, seq, holder, lease_until) VALUES (?, ?, ?, 0) "
            + "ON CONFLICT (target) DO NOTHING";
    private static final String CLAIM = "UPDATE cdn_purge_cursors SET holder = ?, lease_until = ? "
            + "WHERE target = ? AND (holder = ? OR lease_until <= ?) RETURNING seq";
    private static final String ADVANCE = "UPDATE cdn_purge_cursors SET seq = max(seq, ?) WHERE target = ? AND holder = ?";

    private final SqliteDatabase db;

    public SqlitePurgeCursors(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public OptionalLong claim(String target, String holder, Instant now, Instant until, long startSeq) {
        return db.write("claim purges at " + target, s -> {
            PreparedStatement insert = s.prepare(INSERT);
            insert.setString(1, target);
            insert.setLong(2, startSeq);
            insert.setString(3, holder);
            insert.executeUpdate();
            PreparedStatement claim = s.prepare(CLAIM);
            claim.setString(1, holder);
            claim.setLong(2, until.toEpochMilli());
            claim.setString(3, target);
            claim.setString(4, holder);
            claim.setLong(5, now.toEpochMilli());
            try (ResultSet rs = claim.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        });
    }

    @Override
    public boolean advance(String target, String holder, long seq) {
        return db.write("purged at " + target + " up to change " + seq, s -> {
            PreparedStatement advance = s.prepare(ADVANCE);
            advance.setLong(1, seq);
            advance.setString(2, target);
            advance.setString(3, holder);
            return advance.executeUpdate() > 0;
        });
    }
}
