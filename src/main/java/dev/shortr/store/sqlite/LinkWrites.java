package dev.shortr.store.sqlite;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.ShortCode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The link mutations, run inside a writer unit on the writer's session. Every mutation appends its change
 * row and stamps {@code links.seq} with it before returning; the change row's AUTOINCREMENT is rolled back
 * with a failed unit's savepoint, so the feed never has a gap.
 */
final class LinkWrites {
    private static final String INSERT = "INSERT INTO links (code, " + LinkRows.FIELDS + ", seq) VALUES (?, "
            + "?, ".repeat(LinkRows.FIELD_COUNT) + "0) ON CONFLICT (code) DO NOTHING RETURNING id";
    private static final String SET_SEQ = "UPDATE links SET seq = ? WHERE id = ?";
    private static final String UPDATE = "UPDATE links SET (" + LinkRows.FIELDS + ", seq) = ("
            + "?, ".repeat(LinkRows.FIELD_COUNT) + "?) WHERE id = ?";
    private static final String DELETE = "DELETE FROM links WHERE code = ? RETURNING id";
    private static final String TOMBSTONE = "INSERT OR REPLACE INTO deleted_codes (code, deleted_at) VALUES (?, ?)";
    private static final String UNDELETE = "DELETE FROM deleted_codes WHERE code = ?";
    private static final String TAG = "INSERT INTO link_tags (link_id, position, tag) VALUES (?, ?, ?)";
    private static final String UNTAG = "DELETE FROM link_tags WHERE link_id = ?";
    private static final String UNCLICK = "DELETE FROM click_days WHERE link_id = ?";
    /** A deleted link's analytics go with it (its raw visits expire with the visit retention). */
    private static final List<String> FORGET = List.of("DELETE FROM click_hours WHERE link_id = ?",
            "DELETE FROM click_dims WHERE link_id = ?", "DELETE FROM click_uniques WHERE link_id = ?",
            "DELETE FROM click_visitors WHERE link_id = ?");
    private static final String CHANGE = "INSERT INTO changes (kind, code, link_id, at) VALUES (?, ?, ?, ?) RETURNING seq";

    private final Session s;
    private final Clock clock;

    LinkWrites(Session s, Clock clock) {
        this.s = s;
        this.clock = clock;
    }

    Insert insert(Link draft) throws SQLException {
        PreparedStatement insert = s.prepare(INSERT);
        insert.setString(1, draft.code().value());
        LinkRows.bind(insert, 2, draft);
        long id;
        try (ResultSet rs = insert.executeQuery()) {
            if (!rs.next()) {
                return new Insert.CodeTaken(draft.code());
            }
            id = rs.getLong(1);
        }
        tag(id, draft.tags());
        PreparedStatement undelete = s.prepare(UNDELETE);
        undelete.setString(1, draft.code().value());
        undelete.executeUpdate();
        long seq = appendChange(Change.Kind.CREATED, draft.code(), id);
        PreparedStatement setSeq = s.prepare(SET_SEQ);
        setSeq.setLong(1, seq);
        setSeq.setLong(2, id);
        setSeq.executeUpdate();
        return new Insert.Inserted(LinkRows.asStored(draft, id, seq));
    }

    Optional<Link> update(ShortCode code, UnaryOperator<Link> fn) throws SQLException {
        Link current = LinkRows.find(s, code);
        if (current == null) {
            return Optional.empty();
        }
        Link next = fn.apply(current); // may throw; nothing is written before this line
        if (!next.code().equals(code)) {
            throw new IllegalArgumentException("an update may not change the code (" + code + " -> " + next.code() + ")");
        }
        long seq = appendChange(Change.Kind.UPDATED, code, current.id());
        PreparedStatement update = s.prepare(UPDATE);
        LinkRows.bind(update, 1, next);
        update.setLong(LinkRows.FIELD_COUNT + 1, seq);
        update.setLong(LinkRows.FIELD_COUNT + 2, current.id());
        update.executeUpdate();
        if (!next.tags().equals(current.tags())) {
            run(UNTAG, current.id());
            tag(current.id(), next.tags());
        }
        return Optional.of(LinkRows.asStored(next, current.id(), seq));
    }

    /** A deleted link, and the click_log row that voids its pending clicks ({@link ClickLog#forgotten}). */
    record Deleted(long linkId, long forgetRow) {}

    /** Null when there was no such link. */
    Deleted delete(ShortCode code) throws SQLException {
        PreparedStatement delete = s.prepare(DELETE);
        delete.setString(1, code.value());
        long id;
        try (ResultSet rs = delete.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            id = rs.getLong(1);
        }
        // link_tags go by ON DELETE CASCADE; click_days has no foreign key (see V1__init.sql), and clicks
        // not yet compacted are voided by a click_log row, so a crash replay does not bring them back
        run(UNCLICK, id);
        for (String sql : FORGET) {
            run(sql, id);
        }
        long forgetRow = ClickLog.appendForget(s, id);
        PreparedStatement tombstone = s.prepare(TOMBSTONE);
        tombstone.setString(1, code.value());
        tombstone.setLong(2, clock.millis());
        tombstone.executeUpdate();
        appendChange(Change.Kind.DELETED, code, id);
        return new Deleted(id, forgetRow);
    }

    private void tag(long id, List<String> tags) throws SQLException {
        if (tags.isEmpty()) {
            return;
        }
        PreparedStatement tag = s.prepare(TAG);
        for (int i = 0; i < tags.size(); i++) {
            tag.setLong(1, id);
            tag.setInt(2, i);
            tag.setString(3, tags.get(i));
            tag.executeUpdate();
        }
    }

    private long appendChange(Change.Kind kind, ShortCode code, long linkId) throws SQLException {
        PreparedStatement change = s.prepare(CHANGE);
        change.setString(1, kind.name());
        change.setString(2, code.value());
        change.setLong(3, linkId);
        change.setLong(4, clock.millis());
        try (ResultSet rs = change.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void run(String sql, long id) throws SQLException {
        PreparedStatement st = s.prepare(sql);
        st.setLong(1, id);
        st.executeUpdate();
    }
}
