package dev.shortr.store.sqlite;

import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
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
    /** Tags cannot contain control characters (see {@link Link}), so a unit separator joins them safely. */
    private static final String TAG_SEPARATOR = "\u001f";

    /** The columns {@link #link} reads, in order; 18 of them, the 16th being the joined tags. */
    static final String COLUMNS = "l.id, l.code, l.target, l.host, l.redirect, l.cache_seconds, l.forward_query, "
            + "l.expires_at, l.max_clicks, l.title, l.owner, l.disabled, l.created_at, l.updated_at, l.seq, "
            + "(SELECT group_concat(t.tag, char(31) ORDER BY t.position) FROM link_tags t WHERE t.link_id = l.id), l.track, "
            + "l.cdn_seconds";
    static final int COLUMN_COUNT = 18;

    /** The writable columns {@link #bind} sets, in order. */
    static final String FIELDS = "target, host, redirect, cache_seconds, forward_query, expires_at, max_clicks, title, "
            + "title_folded, owner, disabled, created_at, updated_at, track, cdn_seconds";
    static final int FIELD_COUNT = 15;

    static final String FIND = "SELECT " + COLUMNS + " FROM links l WHERE l.code = ?";

    private LinkRows() {
    }

    /** The link with this code, or null. */
    static Link find(Session s, ShortCode code) throws SQLException {
        PreparedStatement find = s.prepare(FIND);
        find.setString(1, code.value());
        try (ResultSet rs = find.executeQuery()) {
            return rs.next() ? link(rs, 0) : null;
        }
    }

    /** Reads the link whose {@link #COLUMNS} start after column {@code offset}; null when its id is NULL. */
    static Link link(ResultSet rs, int offset) throws SQLException {
        long id = rs.getLong(offset + 1);
        if (rs.wasNull()) {
            return null;
        }
        String tags = rs.getString(offset + 16);
        return new Link(id,
                new ShortCode(rs.getString(offset + 2)),
                new TargetUrl(rs.getString(offset + 3), rs.getString(offset + 4)),
                RedirectType.of(rs.getInt(offset + 5)),
                nullableInt(rs, offset + 6),
                rs.getInt(offset + 7) != 0,
                instant(rs, offset + 8),
                nullableLong(rs, offset + 9),
                tags == null ? List.of() : List.of(tags.split(TAG_SEPARATOR)),
                rs.getString(offset + 10),
                rs.getString(offset + 11),
                rs.getInt(offset + 12) != 0,
                instant(rs, offset + 13),
                instant(rs, offset + 14),
                rs.getLong(offset + 15),
                rs.getInt(offset + 17) != 0,
                nullableInt(rs, offset + 18));
    }

    /** Binds {@link #FIELDS} of {@code l} from parameter {@code first} on. */
    static void bind(PreparedStatement s, int first, Link l) throws SQLException {
        int i = first;
        s.setString(i++, l.target().value());
        s.setString(i++, l.target().host());
        s.setInt(i++, l.redirect().status());
        setNullable(s, i++, l.cacheSeconds() == null ? null : l.cacheSeconds().longValue());
        s.setInt(i++, l.forwardQuery() ? 1 : 0);
        setNullable(s, i++, l.expiresAt() == null ? null : l.expiresAt().toEpochMilli());
        setNullable(s, i++, l.maxClicks());
        s.setString(i++, l.title());
        s.setString(i++, l.title() == null ? null : fold(l.title()));
        s.setString(i++, l.owner());
        s.setInt(i++, l.disabled() ? 1 : 0);
        s.setLong(i++, l.createdAt().toEpochMilli());
        s.setLong(i++, l.updatedAt().toEpochMilli());
        s.setInt(i++, l.track() ? 1 : 0);
        setNullable(s, i, l.cdnSeconds() == null ? null : l.cdnSeconds().longValue());
    }

    /** {@code l} as it reads back: timestamps are stored in whole milliseconds. */
    static Link asStored(Link l, long id, long seq) {
        return new Link(id, l.code(), l.target(), l.redirect(), l.cacheSeconds(), l.forwardQuery(), millis(l.expiresAt()),
                l.maxClicks(), l.tags(), l.title(), l.owner(), l.disabled(), millis(l.createdAt()),
                millis(l.updatedAt()), seq, l.track(), l.cdnSeconds());
    }

    /** The case folding {@link dev.shortr.link.LinkQuery#matches} uses; SQLite's own folds ASCII only. */
    static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** A LIKE pattern matching {@code text} anywhere, literally, for use with {@code ESCAPE '\'}. */
    static String containsPattern(String text) {
        StringBuilder p = new StringBuilder(text.length() + 8).append('%');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == '\\') {
                p.append('\\');
            }
            p.append(c);
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

    private static void setNullable(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setLong(i, v);
        }
    }
}
