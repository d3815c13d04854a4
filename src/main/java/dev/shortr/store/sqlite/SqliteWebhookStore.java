package dev.shortr.store.sqlite;

import dev.shortr.webhook.Attempt;
import dev.shortr.webhook.Delivery;
import dev.shortr.webhook.DeliveryPage;
import dev.shortr.webhook.Due;
import dev.shortr.webhook.Endpoint;
import dev.shortr.webhook.Event;
import dev.shortr.webhook.EventType;
import dev.shortr.webhook.Fanout;
import dev.shortr.webhook.WebhookStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * {@link WebhookStore} on a {@link SqliteDatabase}. Every write, a claim included, is one unit of the group commit;
 * an update function runs on the writer thread inside the transaction. Deliveries of a deleted endpoint go with
 * it (foreign key cascade), and events left without a delivery are deleted in the same unit.
 */
public final class SqliteWebhookStore implements WebhookStore {
    private static final String ENDPOINT_COLUMNS = "e.id, e.url, e.events, e.enabled, e.description, e.secret, "
            + "e.previous_secret, e.previous_secret_until, e.created_at, e.updated_at";
    private static final int ENDPOINT_COLUMN_COUNT = 10;
    private static final String INSERT_ENDPOINT = "INSERT INTO webhook_endpoints (id, url, events, enabled, description, "
            + "secret, previous_secret, previous_secret_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_ENDPOINT = "UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?, "
            + "description = ?, secret = ?, previous_secret = ?, previous_secret_until = ?, created_at = ?, updated_at = ? "
            + "WHERE id = ?";
    private static final String FIND_ENDPOINT = "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints e WHERE e.id = ?";
    private static final String LIST_ENDPOINTS = "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints e "
            + "ORDER BY e.created_at, e.rowid";
    private static final String DELETE_ENDPOINT = "DELETE FROM webhook_endpoints WHERE id = ?";
    private static final String DELETE_ORPHAN_EVENTS = "DELETE FROM webhook_events WHERE at < ? AND NOT EXISTS "
            + "(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)";

    private static final String INSERT_EVENT = "INSERT OR IGNORE INTO webhook_events (id, type, at, body) VALUES (?, ?, ?, ?)";
    // through the endpoints table, so an endpoint deleted since the fan-out was computed gets nothing
    private static final String INSERT_DELIVERY = "INSERT OR IGNORE INTO webhook_deliveries (event_id, endpoint_id, state, "
            + "attempts, next_attempt_at, claimed, created_at) SELECT ?, id, 'pending', 0, ?, 0, ? FROM webhook_endpoints WHERE id = ?";
    private static final String SET_CURSOR = "INSERT INTO webhook_feed (name, seq) VALUES ('links', ?) "
            + "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq";
    private static final String CURSOR = "SELECT seq FROM webhook_feed WHERE name = 'links'";

    // ORDER BY ... LIMIT 1 rather than min(): it walks webhook_deliveries_due and stops at the first row whose
    // endpoint is enabled, where min() over a join would read every pending row
    private static final String NEXT_DUE = "SELECT d.next_attempt_at FROM webhook_deliveries d "
            + "JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.state = 'pending' AND e.enabled = 1 "
            + "ORDER BY d.next_attempt_at LIMIT 1";
    private static final String DUE = "SELECT d.id, d.attempts, v.id, v.type, v.at, v.body, " + ENDPOINT_COLUMNS
            + " FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"
            + " JOIN webhook_events v ON v.id = d.event_id"
            + " WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND e.enabled = 1"
            + " ORDER BY d.next_attempt_at, d.id LIMIT ?";
    private static final String CLAIM = "UPDATE webhook_deliveries SET claimed = 1, next_attempt_at = ? WHERE id = ?";
    private static final String RECORD = "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, claimed = 0, "
            + "next_attempt_at = ?, last_status = ?, last_error = ?, last_attempt_at = ?, delivered_at = ? WHERE id = ?";
    private static final String RELEASE = "UPDATE webhook_deliveries SET claimed = 0, next_attempt_at = ? "
            + "WHERE claimed = 1 AND state = 'pending'";
    private static final String DELIVERIES = "SELECT d.id, d.event_id, v.type, d.endpoint_id, d.state, d.attempts, "
            + "d.last_status, d.last_error, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at "
            + "FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id "
            + "WHERE d.endpoint_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?";
    private static final String PRUNE = "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
            + "WHERE created_at < ? AND state <> 'pending' ORDER BY created_at LIMIT ?)";

    private final SqliteDatabase db;

    public SqliteWebhookStore(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(Endpoint e) {
        db.write("insert webhook " + e.id(), s -> {
            PreparedStatement insert = s.prepare(INSERT_ENDPOINT);
            insert.setString(1, e.id());
            bindEndpoint(insert, 2, e);
            return insert.executeUpdate();
        });
    }

    @Override
    public Optional<Endpoint> find(String id) {
        return db.read("find webhook " + id, s -> find(s, id));
    }

    @Override
    public List<Endpoint> list() {
        return db.read("list webhooks", s -> {
            List<Endpoint> out = new ArrayList<>();
            try (ResultSet rs = s.prepare(LIST_ENDPOINTS).executeQuery()) {
                while (rs.next()) {
                    out.add(endpoint(rs, 1));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<Endpoint> update(String id, UnaryOperator<Endpoint> change) {
        return db.write("update webhook " + id, s -> {
            Optional<Endpoint> current = find(s, id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Endpoint next = change.apply(current.get());
            if (!next.id().equals(id)) {
                throw new IllegalArgumentException("an update must not change the id of webhook " + id);
            }
            PreparedStatement update = s.prepare(UPDATE_ENDPOINT);
            bindEndpoint(update, 1, next);
            update.setString(ENDPOINT_COLUMN_COUNT, id);
            update.executeUpdate();
            return Optional.of(millis(next));
        });
    }

    @Override
    public boolean delete(String id) {
        return db.write("delete webhook " + id, s -> {
            PreparedStatement delete = s.prepare(DELETE_ENDPOINT);
            delete.setString(1, id);
            if (delete.executeUpdate() == 0) {
                return false;
            }
            PreparedStatement orphans = s.prepare(DELETE_ORPHAN_EVENTS);
            orphans.setLong(1, Long.MAX_VALUE);
            orphans.executeUpdate();
            return true;
        });
    }

    @Override
    public int enqueue(List<Fanout> events, Instant now) {
        if (events.isEmpty()) {
            return 0;
        }
        return db.write("enqueue " + events.size() + " webhook events", s -> insert(s, events, now));
    }

    @Override
    public int enqueueFromFeed(List<Fanout> events, long cursor, Instant now) {
        return db.write("enqueue webhook events up to change " + cursor, s -> {
            int added = insert(s, events, now);
            PreparedStatement set = s.prepare(SET_CURSOR);
            set.setLong(1, cursor);
            set.executeUpdate();
            return added;
        });
    }

    private static int insert(Session s, List<Fanout> events, Instant now) throws SQLException {
        PreparedStatement event = s.prepare(INSERT_EVENT);
        PreparedStatement delivery = s.prepare(INSERT_DELIVERY);
        int added = 0;
        for (Fanout f : events) {
            Event e = f.event();
            event.setString(1, e.id());
            event.setString(2, e.type().wire());
            event.setLong(3, e.timestamp().toEpochMilli());
            event.setBytes(4, e.body());
            event.executeUpdate();
            for (String endpoint : f.endpointIds()) {
                delivery.setString(1, e.id());
                delivery.setLong(2, now.toEpochMilli());
                delivery.setLong(3, now.toEpochMilli());
                delivery.setString(4, endpoint);
                added += delivery.executeUpdate();
            }
        }
        return added;
    }

    @Override
    public OptionalLong feedCursor() {
        return db.read("webhook feed cursor", s -> {
            try (ResultSet rs = s.prepare(CURSOR).executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        });
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
        return db.read("next webhook attempt", s -> {
            try (ResultSet rs = s.prepare(NEXT_DUE).executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
        });
    }

    @Override
    public List<Due> claimDue(Instant now, Instant leaseUntil, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.write("claim due webhook deliveries", s -> {
            PreparedStatement due = s.prepare(DUE);
            due.setLong(1, now.toEpochMilli());
            due.setInt(2, limit);
            List<Due> out = new ArrayList<>();
            try (ResultSet rs = due.executeQuery()) {
                while (rs.next()) {
                    Event e = new Event(rs.getString(3), EventType.fromWire(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5)),
                            rs.getBytes(6));
                    out.add(new Due(rs.getLong(1), e, endpoint(rs, 7), rs.getInt(2)));
                }
            }
            PreparedStatement claim = s.prepare(CLAIM);
            for (Due d : out) {
                claim.setLong(1, leaseUntil.toEpochMilli());
                claim.setLong(2, d.id());
                claim.executeUpdate();
            }
            return out;
        });
    }

    @Override
    public void record(long id, Attempt attempt) {
        db.write("record webhook delivery " + id, s -> {
            PreparedStatement record = s.prepare(RECORD);
            Integer status;
            String error;
            switch (attempt) {
                case Attempt.Delivered d -> {
                    record.setString(1, Delivery.State.DELIVERED.wire());
                    record.setNull(2, Types.INTEGER);
                    status = d.status();
                    error = null;
                    record.setLong(6, d.at().toEpochMilli());
                }
                case Attempt.Retry r -> {
                    record.setString(1, Delivery.State.PENDING.wire());
                    record.setLong(2, r.next().toEpochMilli());
                    status = r.status();
                    error = r.error();
                    record.setNull(6, Types.INTEGER);
                }
                case Attempt.GaveUp g -> {
                    record.setString(1, Delivery.State.FAILED.wire());
                    record.setNull(2, Types.INTEGER);
                    status = g.status();
                    error = g.error();
                    record.setNull(6, Types.INTEGER);
                }
            }
            if (status == null) {
                record.setNull(3, Types.INTEGER);
            } else {
                record.setInt(3, status);
            }
            record.setString(4, error);
            record.setLong(5, attempt.at().toEpochMilli());
            record.setLong(7, id);
            return record.executeUpdate();
        });
    }

    @Override
    public int releaseClaims(Instant now) {
        return db.write("release webhook claims", s -> {
            PreparedStatement release = s.prepare(RELEASE);
            release.setLong(1, now.toEpochMilli());
            return release.executeUpdate();
        });
    }

    @Override
    public DeliveryPage deliveries(String endpointId, long beforeId, int limit) {
        return db.read("webhook deliveries of " + endpointId, s -> {
            PreparedStatement list = s.prepare(DELIVERIES);
            list.setString(1, endpointId);
            list.setLong(2, beforeId <= 0 ? Long.MAX_VALUE : beforeId);
            list.setInt(3, limit + 1);
            List<Delivery> out = new ArrayList<>();
            try (ResultSet rs = list.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getLong(1), rs.getString(2), EventType.fromWire(rs.getString(3)), rs.getString(4),
                            Delivery.State.fromWire(rs.getString(5)), rs.getInt(6), nullableInt(rs, 7), rs.getString(8),
                            LinkRows.instant(rs, 9), LinkRows.instant(rs, 10), LinkRows.instant(rs, 11), LinkRows.instant(rs, 12)));
                }
            }
            if (out.size() <= limit) {
                return new DeliveryPage(out, 0);
            }
            List<Delivery> page = out.subList(0, limit);
            return new DeliveryPage(page, page.getLast().id());
        });
    }

    @Override
    public int prune(Instant before, int limit) {
        return db.write("prune webhook deliveries", s -> {
            PreparedStatement prune = s.prepare(PRUNE);
            prune.setLong(1, before.toEpochMilli());
            prune.setInt(2, limit);
            int deleted = prune.executeUpdate();
            PreparedStatement orphans = s.prepare(DELETE_ORPHAN_EVENTS);
            orphans.setLong(1, before.toEpochMilli());
            orphans.executeUpdate();
            return deleted;
        });
    }

    @Override
    public long pending() {
        return db.read("count pending webhook deliveries",
                s -> s.single("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'"));
    }

    private static Optional<Endpoint> find(Session s, String id) throws SQLException {
        PreparedStatement find = s.prepare(FIND_ENDPOINT);
        find.setString(1, id);
        try (ResultSet rs = find.executeQuery()) {
            return rs.next() ? Optional.of(endpoint(rs, 1)) : Optional.empty();
        }
    }

    /** Binds every column but the id, from {@code url} on, starting at parameter {@code first}. */
    private static void bindEndpoint(PreparedStatement s, int first, Endpoint e) throws SQLException {
        s.setString(first, e.url());
        s.setString(first + 1, String.join(",", e.events()));
        s.setInt(first + 2, e.enabled() ? 1 : 0);
        s.setString(first + 3, e.description());
        s.setString(first + 4, e.secret());
        s.setString(first + 5, e.previousSecret());
        if (e.previousSecretUntil() == null) {
            s.setNull(first + 6, Types.INTEGER);
        } else {
            s.setLong(first + 6, e.previousSecretUntil().toEpochMilli());
        }
        s.setLong(first + 7, e.createdAt().toEpochMilli());
        s.setLong(first + 8, e.updatedAt().toEpochMilli());
    }

    private static Endpoint endpoint(ResultSet rs, int c) throws SQLException {
        return new Endpoint(rs.getString(c), rs.getString(c + 1), Arrays.asList(rs.getString(c + 2).split(",")),
                rs.getInt(c + 3) != 0, rs.getString(c + 4), rs.getString(c + 5), rs.getString(c + 6),
                LinkRows.instant(rs, c + 7), LinkRows.instant(rs, c + 8), LinkRows.instant(rs, c + 9));
    }

    private static Endpoint millis(Endpoint e) {
        return new Endpoint(e.id(), e.url(), e.events(), e.enabled(), e.description(), e.secret(), e.previousSecret(),
                ms(e.previousSecretUntil()), ms(e.createdAt()), ms(e.updatedAt()));
    }

    private static Instant ms(Instant t) {
        return t == null ? null : Instant.ofEpochMilli(t.toEpochMilli());
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
