package dev.shortr.store.postgres;

import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** How a {@link Link} maps to a row of {@code links} (plus its tags) and back. */
final class LinkRows {
    /** The columns {@link #link} reads, in order; 18 of them, the 16th being the tags as an array. */
    static final String COLUMNS = "l.id, l.code, l.target, l.host, l.redirect, l.cache_seconds, l.forward_query, "
            + "l.expires_at, l.max_clicks, l.title, l.owner, l.disabled, l.created_at, l.updated_at, "
            + "(SELECT v.seq FROM link_seqs v WHERE v.link_id = l.id), "
            + "ARRAY(SELECT t.tag FROM link_tags t WHERE t.link_id = l.id ORDER BY t.position), l.track, "
            + "l.cdn_seconds";
    static final int COLUMN_COUNT = 18;

    /** The writable columns {@link #bind} sets, in order. */
    static final String FIELDS = "target, host, redirect, cache_seconds, forward_query, expires_at, max_clicks, title, "
            + "title_folded, owner, disabled, created_at, updated_at, track, cdn_seconds";
    static final int FIELD_COUNT = 15;

    /** The array types of {@link #FIELDS}, in order, for {@code unnest} of what {@link #fieldArrays} gives. */
    static final String FIELD_ARRAYS = "?::text[], ?::text[], ?::int[], ?::int[], ?::boolean[], ?::bigint[], ?::bigint[], "
            + "?::text[], ?::text[], ?::text[], ?::boolean[], ?::bigint[], ?::bigint[], ?::boolean[], ?::int[]";

    static final String FIND = "SELECT " + COLUMNS + " FROM links l WHERE l.code = ?";

    private LinkRows() {
    }

    /** The link with this code, or null; {@code lock} also locks its row until the transaction ends. */
    static Link find(Connection c, ShortCode code, boolean lock) throws SQLException {
        try (PreparedStatement find = c.prepareStatement(lock ? FIND + " FOR NO KEY UPDATE" : FIND)) {
            find.setString(1, code.value());
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? link(rs, 0) : null;
            }
        }
    }

    /** Reads the link whose {@link #COLUMNS} start after column {@code offset}; null when its id is NULL. */
    static Link link(ResultSet rs, int offset) throws SQLException {
        long id = rs.getLong(offset + 1);
        if (rs.wasNull()) {
            return null;
        }
        Array tags = rs.getArray(offset + 16);
        return new Link(id,
                new ShortCode(rs.getString(offset + 2)),
                new TargetUrl(rs.getString(offset + 3), rs.getString(offset + 4)),
                RedirectType.of(rs.getInt(offset + 5)),
                nullableInt(rs, offset + 6),
                rs.getBoolean(offset + 7),
                instant(rs, offset + 8),
                nullableLong(rs, offset + 9),
                tags == null ? List.of() : List.of((String[]) tags.getArray()),
                rs.getString(offset + 10),
                rs.getString(offset + 11),
                rs.getBoolean(offset + 12),
                instant(rs, offset + 13),
                instant(rs, offset + 14),
                rs.getLong(offset + 15),
                rs.getBoolean(offset + 17),
                nullableInt(rs, offset + 18));
    }

    /** Binds {@link #FIELDS} of {@code l} from parameter {@code first} on. */
    static void bind(PreparedStatement s, int first, Link l) throws SQLException {
        int i = first;
        s.setString(i++, l.target().value());
        s.setString(i++, l.target().host());
        s.setInt(i++, l.redirect().status());
        if (l.cacheSeconds() == null) {
            s.setNull(i++, Types.INTEGER);
        } else {
            s.setInt(i++, l.cacheSeconds());
        }
        s.setBoolean(i++, l.forwardQuery());
        setNullable(s, i++, l.expiresAt() == null ? null : l.expiresAt().toEpochMilli());
        setNullable(s, i++, l.maxClicks());
        s.setString(i++, l.title());
        s.setString(i++, l.title() == null ? null : fold(l.title()));
        s.setString(i++, l.owner());
        s.setBoolean(i++, l.disabled());
        s.setLong(i++, l.createdAt().toEpochMilli());
        s.setLong(i++, l.updatedAt().toEpochMilli());
        s.setBoolean(i++, l.track());
        if (l.cdnSeconds() == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setInt(i, l.cdnSeconds());
        }
    }

    /** {@link #FIELDS} of every link as one array per column ({@link #FIELD_ARRAYS}), for a statement that unnests them. */
    static Object[] fieldArrays(List<Link> links) {
        int n = links.size();
        String[] targets = new String[n];
        String[] hosts = new String[n];
        int[] redirects = new int[n];
        Integer[] cacheSeconds = new Integer[n];
        boolean[] forwardQuery = new boolean[n];
        Long[] expiresAt = new Long[n];
        Long[] maxClicks = new Long[n];
        String[] titles = new String[n];
        String[] folded = new String[n];
        String[] owners = new String[n];
        boolean[] disabled = new boolean[n];
        long[] created = new long[n];
        long[] updated = new long[n];
        boolean[] track = new boolean[n];
        Integer[] cdnSeconds = new Integer[n];
        for (int i = 0; i < n; i++) {
            Link l = links.get(i);
            targets[i] = l.target().value();
            hosts[i] = l.target().host();
            redirects[i] = l.redirect().status();
            cacheSeconds[i] = l.cacheSeconds();
            forwardQuery[i] = l.forwardQuery();
            expiresAt[i] = l.expiresAt() == null ? null : l.expiresAt().toEpochMilli();
            maxClicks[i] = l.maxClicks();
            titles[i] = l.title();
            folded[i] = l.title() == null ? null : fold(l.title());
            owners[i] = l.owner();
            disabled[i] = l.disabled();
            created[i] = l.createdAt().toEpochMilli();
            updated[i] = l.updatedAt().toEpochMilli();
            track[i] = l.track();
            cdnSeconds[i] = l.cdnSeconds();
        }
        return new Object[] {targets, hosts, redirects, cacheSeconds, forwardQuery, expiresAt, maxClicks, titles, folded, owners,
                disabled, created, updated, track, cdnSeconds};
    }

    /** {@code l} as it reads back: timestamps are stored in whole milliseconds. */
    static Link asStored(Link l, long id, long seq) {
        return new Link(id, l.code(), l.target(), l.redirect(), l.cacheSeconds(), l.forwardQuery(), millis(l.expiresAt()),
                l.maxClicks(), l.tags(), l.title(), l.owner(), l.disabled(), millis(l.createdAt()),
                millis(l.updatedAt()), seq, l.track(), l.cdnSeconds());
    }

    /** The case folding {@link dev.shortr.link.LinkQuery#matches} uses; the database's lower() follows its collation. */
    static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** A LIKE pattern matching {@code text} anywhere, literally ({@code \} is PostgreSQL's default LIKE escape). */
    static String containsPattern(String text) {
        StringBuilder p = new StringBuilder(text.length() + 8).append('%');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '%' || ch == '_' || ch == '\\') {
                p.append('\\');
            }
            p.append(ch);
        }
        return p.append('%').toString();
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static void setNullable(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }
}
