package dev.shortr.store.sqlite;

import dev.shortr.link.Change;
import dev.shortr.link.Link;
import dev.shortr.link.ShortCode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Copying links and their change feed into this database exactly as another store kept them (shortr migrate):
 * explicit ids and seqs, run inside a writer unit like {@link LinkWrites}. AUTOINCREMENT keeps both counters
 * above every explicit id inserted; the links counter is also raised to the link ids of restored changes, whose
 * links may be gone, so that no id is ever handed out twice.
 */
final class LinkRestore {
    static final String ROWS = "SELECT seq, kind, code, link_id, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?";
    private static final String FORGET = "DELETE FROM links WHERE id = ? OR code = ?";
    private static final String INSERT = "INSERT INTO links (id, code, " + LinkRows.FIELDS + ", seq) VALUES (?, ?, "
            + "?, ".repeat(LinkRows.FIELD_COUNT) + "?)";
    private static final String TAG = "INSERT INTO link_tags (link_id, position, tag) VALUES (?, ?, ?)";
    private static final String UNDELETE = "DELETE FROM deleted_codes WHERE code = ?";
    private static final String CHANGE = "INSERT INTO changes (seq, kind, code, link_id, at) VALUES (?, ?, ?, ?, ?)";
    private static final String TOMBSTONE = "INSERT OR REPLACE INTO deleted_codes (code, deleted_at) "
            + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM links WHERE code = ?)";
    private static final String RAISE_IDS = "UPDATE sqlite_sequence SET seq = ? WHERE name = 'links' AND seq < ?";
    private static final String FIRST_IDS = "INSERT INTO sqlite_sequence (name, seq) SELECT 'links', ? "
            + "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'links')";

    private final Session s;

    LinkRestore(Session s) {
        this.s = s;
    }

    static List<Change.Row> rows(Session s, long after, int limit) throws SQLException {
        PreparedStatement q = s.prepare(ROWS);
        q.setLong(1, after);
        q.setInt(2, limit);
        List<Change.Row> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.add(new Change.Row(rs.getLong(1), Change.Kind.valueOf(rs.getString(2)), new ShortCode(rs.getString(3)),
                        rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5))));
            }
        }
        return out;
    }

    void links(List<Link> links) throws SQLException {
        for (Link l : links) {
            // whatever held this id or this code goes (its tags with it, by ON DELETE CASCADE)
            PreparedStatement forget = s.prepare(FORGET);
            forget.setLong(1, l.id());
            forget.setString(2, l.code().value());
            forget.executeUpdate();
            PreparedStatement insert = s.prepare(INSERT);
            insert.setLong(1, l.id());
            insert.setString(2, l.code().value());
            LinkRows.bind(insert, 3, l);
            insert.setLong(3 + LinkRows.FIELD_COUNT, l.seq());
            insert.executeUpdate();
            PreparedStatement tag = s.prepare(TAG);
            for (int i = 0; i < l.tags().size(); i++) {
                tag.setLong(1, l.id());
                tag.setInt(2, i);
                tag.setString(3, l.tags().get(i));
                tag.executeUpdate();
            }
            PreparedStatement undelete = s.prepare(UNDELETE);
            undelete.setString(1, l.code().value());
            undelete.executeUpdate();
        }
    }

    void changes(List<Change.Row> rows) throws SQLException {
        long last = s.single("SELECT coalesce(max(seq), 0) FROM changes");
        long maxLinkId = 0;
        for (Change.Row r : rows) {
            if (r.seq() <= last) {
                continue; // restored already
            }
            if (r.seq() != last + 1) {
                throw new IllegalArgumentException("restoring seq " + r.seq() + " after " + last + " would leave a hole in the feed");
            }
            PreparedStatement change = s.prepare(CHANGE);
            change.setLong(1, r.seq());
            change.setString(2, r.kind().name());
            change.setString(3, r.code().value());
            change.setLong(4, r.linkId());
            change.setLong(5, r.at().toEpochMilli());
            change.executeUpdate();
            if (r.kind() == Change.Kind.DELETED) {
                PreparedStatement tombstone = s.prepare(TOMBSTONE);
                tombstone.setString(1, r.code().value());
                tombstone.setLong(2, r.at().toEpochMilli());
                tombstone.setString(3, r.code().value());
                tombstone.executeUpdate();
            }
            maxLinkId = Math.max(maxLinkId, r.linkId());
            last = r.seq();
        }
        if (maxLinkId > 0) {
            PreparedStatement raise = s.prepare(RAISE_IDS);
            raise.setLong(1, maxLinkId);
            raise.setLong(2, maxLinkId);
            raise.executeUpdate();
            PreparedStatement first = s.prepare(FIRST_IDS);
            first.setLong(1, maxLinkId);
            first.executeUpdate();
        }
    }
}
