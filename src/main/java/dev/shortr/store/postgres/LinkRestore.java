package dev.shortr.store.postgres;

import dev.shortr.link.Change;
import dev.shortr.link.Link;
import dev.shortr.link.ShortCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Copying links and their change feed into this database exactly as another store kept them (shortr migrate):
 * explicit ids and seqs, each batch one transaction of {@link PostgresDatabase#write}, a statement per step whatever
 * the batch's size. The two counters do not follow explicit values by themselves: the links identity is raised past
 * every id restored, the link ids of restored changes included (their links may be gone, and ids are never handed
 * out twice), and the feed's counter row is set to the last seq restored, so later mutations continue the feed.
 */
final class LinkRestore {
    static final String ROWS = "SELECT seq, kind, code, link_id, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?";
    /**
     * The statements below look codes up by joining an array: the generic plan of such a join (pgjdbc prepares a
     * statement on the server from its fifth run) took the trigram GIN index for code equality, whose every probe
     * reads the index's whole pending list (3 ms each, so 3 s for a batch of 1000 and 9 minutes for a copy of
     * 100,000 links). GIN is only ever read through bitmap scans; without them each code is one B-tree probe.
     */
    private static final String LOOKUPS_BY_BTREE = "SET LOCAL enable_bitmapscan = off";
    /** Whatever held one of the ids or codes goes (its tags with it, by ON DELETE CASCADE), with its seq. */
    private static final String FORGET_IDS = "WITH gone AS (DELETE FROM links l USING unnest(?::bigint[]) AS u(id) WHERE l.id = u.id) "
            + "DELETE FROM link_seqs s USING unnest(?::bigint[]) AS u(id) WHERE s.link_id = u.id";
    private static final String FORGET_CODES = "WITH gone AS (DELETE FROM links l USING unnest(?::text[]) AS u(code) "
            + "WHERE l.code = u.code RETURNING l.id) DELETE FROM link_seqs s USING gone WHERE s.link_id = gone.id";
    private static final String INSERT = "INSERT INTO links (id, code, " + LinkRows.FIELDS + ") OVERRIDING SYSTEM VALUE "
            + "SELECT * FROM unnest(?::bigint[], ?::text[], " + LinkRows.FIELD_ARRAYS + ")";
    private static final String SEQS = "INSERT INTO link_seqs (link_id, seq) SELECT * FROM unnest(?::bigint[], ?::bigint[])";
    private static final String TAGS = "INSERT INTO link_tags (link_id, position, tag) SELECT * FROM unnest(?::bigint[], ?::int[], ?::text[])";
    private static final String UNDELETE = "DELETE FROM deleted_codes d USING unnest(?::text[]) AS u(code) WHERE d.code = u.code";
    /** Taken first: restores wait for each other, and the seqs stored cannot change under this one. */
    private static final String LAST = "SELECT n FROM change_counter FOR UPDATE";
    private static final String CHANGES = "INSERT INTO changes (seq, kind, code, link_id, at) "
            + "SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[])";
    private static final String TOMBSTONES = "INSERT INTO deleted_codes (code, deleted_at) "
            + "SELECT u.code, max(u.at) FROM unnest(?::text[], ?::bigint[]) AS u(code, at) "
            + "WHERE NOT EXISTS (SELECT 1 FROM links l WHERE l.code = u.code) GROUP BY u.code "
            + "ON CONFLICT (code) DO UPDATE SET deleted_at = excluded.deleted_at";
    private static final String COUNTER = "UPDATE change_counter SET n = ?";
    /**
     * setval is not transactional: a restore rolled back after it leaves the counter raised, which only skips ids.
     * The last value is null until the identity hands out its first id.
     */
    private static final String RAISE = "SELECT setval(pg_get_serial_sequence(?, 'id'), ?) "
            + "WHERE ? > coalesce(pg_sequence_last_value(pg_get_serial_sequence(?, 'id')::regclass), 0)";

    private final Connection c;

    LinkRestore(Connection c) {
        this.c = c;
    }

    static List<Change.Row> rows(Connection c, long after, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(ROWS)) {
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
    }

    void links(List<Link> links) throws SQLException {
        int n = links.size();
        long[] ids = new long[n];
        String[] codes = new String[n];
        long[] seqs = new long[n];
        List<Long> tagIds = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        long maxId = 0;
        for (int i = 0; i < n; i++) {
            Link l = links.get(i);
            ids[i] = l.id();
            codes[i] = l.code().value();
            seqs[i] = l.seq();
            maxId = Math.max(maxId, l.id());
            for (int p = 0; p < l.tags().size(); p++) {
                tagIds.add(l.id());
                positions.add(p);
                tags.add(l.tags().get(p));
            }
        }
        run(LOOKUPS_BY_BTREE);
        run(FORGET_IDS, ids, ids);
        run(FORGET_CODES, (Object) codes);
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            insert.setObject(1, ids);
            insert.setObject(2, codes);
            Object[] fields = LinkRows.fieldArrays(links);
            for (int i = 0; i < fields.length; i++) {
                insert.setObject(i + 3, fields[i]);
            }
            insert.executeUpdate();
        }
        run(SEQS, ids, seqs);
        if (!tags.isEmpty()) {
            run(TAGS, tagIds.stream().mapToLong(Long::longValue).toArray(), positions.stream().mapToInt(Integer::intValue).toArray(),
                    tags.toArray(String[]::new));
        }
        run(UNDELETE, (Object) codes);
        raiseIdentity(c, "links", maxId);
    }

    void changes(List<Change.Row> rows) throws SQLException {
        long last;
        try (PreparedStatement q = c.prepareStatement(LAST); ResultSet rs = q.executeQuery()) {
            rs.next();
            last = rs.getLong(1);
        }
        List<Change.Row> fresh = new ArrayList<>(rows.size());
        for (Change.Row r : rows) {
            if (r.seq() <= last) {
                continue; // restored already
            }
            if (r.seq() != last + 1) {
                throw new IllegalArgumentException("restoring seq " + r.seq() + " after " + last + " would leave a hole in the feed");
            }
            fresh.add(r);
            last = r.seq();
        }
        if (fresh.isEmpty()) {
            return;
        }
        int n = fresh.size();
        long[] seqs = new long[n];
        String[] kinds = new String[n];
        String[] codes = new String[n];
        long[] linkIds = new long[n];
        long[] at = new long[n];
        List<String> deleted = new ArrayList<>();
        List<Long> deletedAt = new ArrayList<>();
        long maxLinkId = 0;
        for (int i = 0; i < n; i++) {
            Change.Row r = fresh.get(i);
            seqs[i] = r.seq();
            kinds[i] = r.kind().name();
            codes[i] = r.code().value();
            linkIds[i] = r.linkId();
            at[i] = r.at().toEpochMilli();
            maxLinkId = Math.max(maxLinkId, r.linkId());
            if (r.kind() == Change.Kind.DELETED) {
                deleted.add(codes[i]);
                deletedAt.add(at[i]);
            }
        }
        run(CHANGES, seqs, kinds, codes, linkIds, at);
        if (!deleted.isEmpty()) {
            run(LOOKUPS_BY_BTREE);
            run(TOMBSTONES, deleted.toArray(String[]::new), deletedAt.stream().mapToLong(Long::longValue).toArray());
        }
        try (PreparedStatement counter = c.prepareStatement(COUNTER)) {
            counter.setLong(1, last);
            counter.executeUpdate();
        }
        raiseIdentity(c, "links", maxLinkId);
    }

    /** Makes the identity of {@code table}'s id column hand out ids above {@code atLeast} from now on. */
    static void raiseIdentity(Connection c, String table, long atLeast) throws SQLException {
        if (atLeast <= 0) {
            return;
        }
        try (PreparedStatement raise = c.prepareStatement(RAISE)) {
            raise.setString(1, table);
            raise.setLong(2, atLeast);
            raise.setLong(3, atLeast);
            raise.setString(4, table);
            raise.executeQuery().close();
        }
    }

    private void run(String sql, Object... arrays) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < arrays.length; i++) {
                st.setObject(i + 1, arrays[i]);
            }
            st.executeUpdate();
        }
    }
}
