package dev.shortr.store.postgres;

import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.ShortCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The link mutations, each run inside one transaction of {@link PostgresDatabase#write}.
 *
 * <p><b>The change feed.</b> A reader of {@code changesAfter(seq)} must never see seq N+1 and later find N appear,
 * across concurrent transactions and nodes. A sequence cannot promise that: numbers are handed out at once but
 * commit in any order (and a rolled-back transaction leaves a gap). So every mutation takes its numbers from the
 * one row of {@code change_counter} ({@code UPDATE change_counter SET n = n + k RETURNING n}) as its <em>last</em> lock, just
 * before COMMIT. The row lock is held until the commit is complete: the next mutation's UPDATE waits for it, then
 * reads the committed n. Numbers are therefore handed out in commit order, a rollback gives its numbers back, and
 * a snapshot that sees N+1 committed sees N too (N's transaction had finished before N+1's could lock the row).
 * The price is that link mutations commit one after another; {@link InsertGroups} folds concurrent creates into
 * one transaction so that one commit (one WAL flush) pays for many. Taking the counter last, after every row lock
 * a mutation needs, also means no two mutations can deadlock over it.
 */
final class LinkWrites {
    /**
     * The codes leave deleted_codes in the same statement: a code still in links has no tombstone (delete writes it,
     * insert removes it), so removing those of codes that turn out taken changes nothing.
     */
    private static final String INSERT_ALL = "WITH d AS (DELETE FROM deleted_codes WHERE code = ANY (?::text[])) "
            + "INSERT INTO links (code, " + LinkRows.FIELDS + ") "
            + "SELECT u.code, u.target, u.host, u.redirect, u.cache_seconds, u.forward_query, u.expires_at, u.max_clicks, "
            + "u.title, u.title_folded, u.owner, u.disabled, u.created_at, u.updated_at, u.track, u.cdn_seconds "
            + "FROM unnest(?::text[], " + LinkRows.FIELD_ARRAYS + ") WITH ORDINALITY "
            + "AS u(code, target, host, redirect, cache_seconds, forward_query, expires_at, max_clicks, title, title_folded, "
            + "owner, disabled, created_at, updated_at, track, cdn_seconds, ord) "
            // in draft order, so ids follow it and the first of two drafts with one code is the one inserted
            + "ORDER BY u.ord ON CONFLICT (code) DO NOTHING RETURNING id, code";
    private static final String TAG_ALL = "INSERT INTO link_tags (link_id, position, tag) "
            + "SELECT * FROM unnest(?::bigint[], ?::int[], ?::text[])";
    /** Numbers the created links in order (the counter goes last), records their changes and each link's seq. */
    private static final String CREATED = "WITH s AS (UPDATE change_counter SET n = n + cardinality(?::bigint[]) "
            + "RETURNING n - cardinality(?::bigint[]) AS base), "
            + "t AS (SELECT s.base + t.ord AS seq, t.id, t.code FROM s, unnest(?::bigint[], ?::text[]) WITH ORDINALITY AS t(id, code, ord)), "
            + "c AS (INSERT INTO changes (seq, kind, code, link_id, at) SELECT t.seq, 'CREATED', t.code, t.id, ? FROM t) "
            + "INSERT INTO link_seqs (link_id, seq) SELECT t.id, t.seq FROM t RETURNING link_id, seq";
    /** The link's row is locked already (FOR NO KEY UPDATE), so taking the counter here is still the last lock. */
    private static final String UPDATE = "WITH s AS (UPDATE change_counter SET n = n + 1 RETURNING n), "
            + "c AS (INSERT INTO changes (seq, kind, code, link_id, at) SELECT s.n, 'UPDATED', ?, ?, ? FROM s), "
            + "f AS (UPDATE links SET (" + LinkRows.FIELDS + ") = (" + "?, ".repeat(LinkRows.FIELD_COUNT - 1) + "?) WHERE id = ?) "
            + "UPDATE link_seqs SET seq = (SELECT n FROM s) WHERE link_id = ? RETURNING seq";
    private static final String DELETED = "WITH s AS (UPDATE change_counter SET n = n + 1 RETURNING n) "
            + "INSERT INTO changes (seq, kind, code, link_id, at) SELECT s.n, 'DELETED', ?, ?, ? FROM s RETURNING seq";
    private static final String UNTAG = "DELETE FROM link_tags WHERE link_id = ?";
    private static final String DELETE = "DELETE FROM links WHERE code = ? RETURNING id";
    /** A deleted link's seq, clicks and analytics go with it (its raw visits expire with the visit retention). */
    private static final String FORGET = "WITH k AS (SELECT ?::bigint AS id), "
            + "v AS (DELETE FROM link_seqs x USING k WHERE x.link_id = k.id), "
            + "a AS (DELETE FROM click_days x USING k WHERE x.link_id = k.id), "
            + "b AS (DELETE FROM click_hours x USING k WHERE x.link_id = k.id), "
            + "c AS (DELETE FROM click_dims x USING k WHERE x.link_id = k.id), "
            + "d AS (DELETE FROM click_uniques x USING k WHERE x.link_id = k.id) "
            + "DELETE FROM click_visitors x USING k WHERE x.link_id = k.id";
    private static final String TOMBSTONE = "INSERT INTO deleted_codes (code, deleted_at) VALUES (?, ?) "
            + "ON CONFLICT (code) DO UPDATE SET deleted_at = excluded.deleted_at";
    private static final String ANALYTICS_EXCLUSIVE = "SELECT pg_advisory_xact_lock(" + PostgresDatabase.ANALYTICS_LOCK + ")";

    private final Connection c;
    private final Clock clock;

    LinkWrites(Connection c, Clock clock) {
        this.c = c;
        this.clock = clock;
    }

    /**
     * Inserts every draft whose code is free, in order, with one statement per step whatever their number: one
     * result per draft. A code taken before, or by an earlier draft of the same batch, is {@link Insert.CodeTaken}.
     */
    List<Insert> insertAll(List<Link> drafts) throws SQLException {
        String[] codes = drafts.stream().map(d -> d.code().value()).toArray(String[]::new);
        Map<String, Long> ids = new HashMap<>();
        try (PreparedStatement insert = c.prepareStatement(INSERT_ALL)) {
            insert.setObject(1, codes);
            insert.setObject(2, codes);
            Object[] fields = LinkRows.fieldArrays(drafts);
            for (int i = 0; i < fields.length; i++) {
                insert.setObject(i + 3, fields[i]);
            }
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getString(2), rs.getLong(1));
                }
            }
        }
        if (ids.isEmpty()) {
            return drafts.stream().<Insert>map(d -> new Insert.CodeTaken(d.code())).toList();
        }
        List<Link> inserted = new ArrayList<>(ids.size());
        Set<String> claimed = new HashSet<>();
        for (Link d : drafts) {
            if (ids.containsKey(d.code().value()) && claimed.add(d.code().value())) {
                inserted.add(d);
            }
        }
        tagAll(inserted, ids);
        Map<Long, Long> seqs = created(inserted, ids);
        List<Insert> out = new ArrayList<>(drafts.size());
        Set<String> reported = new HashSet<>();
        for (Link d : drafts) {
            Long id = ids.get(d.code().value());
            if (id != null && reported.add(d.code().value())) {
                out.add(new Insert.Inserted(LinkRows.asStored(d, id, seqs.get(id))));
            } else {
                out.add(new Insert.CodeTaken(d.code()));
            }
        }
        return out;
    }

    private void tagAll(List<Link> inserted, Map<String, Long> ids) throws SQLException {
        int tags = inserted.stream().mapToInt(d -> d.tags().size()).sum();
        if (tags == 0) {
            return;
        }
        long[] linkIds = new long[tags];
        int[] positions = new int[tags];
        String[] names = new String[tags];
        int i = 0;
        for (Link d : inserted) {
            long id = ids.get(d.code().value());
            for (int p = 0; p < d.tags().size(); p++, i++) {
                linkIds[i] = id;
                positions[i] = p;
                names[i] = d.tags().get(p);
            }
        }
        try (PreparedStatement tag = c.prepareStatement(TAG_ALL)) {
            tag.setObject(1, linkIds);
            tag.setObject(2, positions);
            tag.setObject(3, names);
            tag.executeUpdate();
        }
    }

    /** Appends a CREATED change for each link, in order, and returns each link's seq by id. */
    private Map<Long, Long> created(List<Link> inserted, Map<String, Long> ids) throws SQLException {
        long[] linkIds = new long[inserted.size()];
        String[] codes = new String[inserted.size()];
        for (int i = 0; i < inserted.size(); i++) {
            codes[i] = inserted.get(i).code().value();
            linkIds[i] = ids.get(codes[i]);
        }
        Map<Long, Long> seqs = new HashMap<>();
        try (PreparedStatement created = c.prepareStatement(CREATED)) {
            created.setObject(1, linkIds);
            created.setObject(2, linkIds);
            created.setObject(3, linkIds);
            created.setObject(4, codes);
            created.setLong(5, clock.millis());
            try (ResultSet rs = created.executeQuery()) {
                while (rs.next()) {
                    seqs.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return seqs;
    }

    Optional<Link> update(ShortCode code, UnaryOperator<Link> fn) throws SQLException {
        Link current = LinkRows.find(c, code, true); // locked: concurrent updates of one link take turns
        if (current == null) {
            return Optional.empty();
        }
        Link next = fn.apply(current); // may throw; nothing is written before this line
        if (!next.code().equals(code)) {
            throw new IllegalArgumentException("an update may not change the code (" + code + " -> " + next.code() + ")");
        }
        if (!next.tags().equals(current.tags())) {
            run(UNTAG, current.id());
            tagAll(List.of(next), Map.of(code.value(), current.id()));
        }
        long seq;
        try (PreparedStatement update = c.prepareStatement(UPDATE)) {
            update.setString(1, code.value());
            update.setLong(2, current.id());
            update.setLong(3, clock.millis());
            LinkRows.bind(update, 4, next);
            update.setLong(4 + LinkRows.FIELD_COUNT, current.id());
            update.setLong(5 + LinkRows.FIELD_COUNT, current.id());
            try (ResultSet rs = update.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        return Optional.of(LinkRows.asStored(next, current.id(), seq));
    }

    /** Deletes the link with its tags, clicks and analytics, and remembers its code; false when there was none. */
    boolean delete(ShortCode code) throws SQLException {
        // first, before any row lock: waits for analytics flushes in flight, and holds off new ones until COMMIT
        try (PreparedStatement lock = c.prepareStatement(ANALYTICS_EXCLUSIVE)) {
            lock.execute();
        }
        long id;
        try (PreparedStatement delete = c.prepareStatement(DELETE)) {
            delete.setString(1, code.value());
            try (ResultSet rs = delete.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                id = rs.getLong(1);
            }
        }
        run(FORGET, id); // link_tags go by ON DELETE CASCADE
        try (PreparedStatement tombstone = c.prepareStatement(TOMBSTONE)) {
            tombstone.setString(1, code.value());
            tombstone.setLong(2, clock.millis());
            tombstone.executeUpdate();
        }
        try (PreparedStatement change = c.prepareStatement(DELETED)) {
            change.setString(1, code.value());
            change.setLong(2, id);
            change.setLong(3, clock.millis());
            change.executeQuery().close();
        }
        return true;
    }

    private void run(String sql, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }
}
