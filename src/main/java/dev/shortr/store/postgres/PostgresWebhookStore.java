package dev.shortr.store.postgres;

import dev.shortr.webhook.Attempt;
import dev.shortr.webhook.Delivery;
import dev.shortr.webhook.DeliveryPage;
import dev.shortr.webhook.Due;
import dev.shortr.webhook.Endpoint;
import dev.shortr.webhook.Event;
import dev.shortr.webhook.EventType;
import dev.shortr.webhook.Fanout;
import dev.shortr.webhook.WebhookStore;
import java.sql.Connection;
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
 * {@link WebhookStore} on a {@link PostgresDatabase}, for workers on several nodes: due deliveries are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so two nodes never claim the same row, and an update function runs with the
 * endpoint's row locked. Deliveries of a deleted endpoint go with it (foreign key cascade), and events left without
 * a delivery are deleted in the same transaction.
 */
public final class PostgresWebhookStore implements WebhookStore {
    private static final String ENDPOINT_COLUMNS = "e.id, e.url, e.events, e.enabled, e.description, e.secret, "
            + "e.previous_secret, e.previous_secret_until, e.created_at, e.updated_at";
    private static final int ENDPOINT_COLUMN_COUNT = 10;
    private static final String INSERT_ENDPOINT = "INSERT INTO webhook_endpoints (id, url, events, enabled, description, "
            + "secret, previous_secret, previous_secret_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_ENDPOINT = "UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?, "
            + "description = ?, secret = ?, previous_secret = ?, previous_secret_until = ?, created_at = ?, updated_at = ? "
            + "WHERE id = ?";
    private static final String FIND_ENDPOINT = "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints e WHERE e.id = ?";
    private static final String LIST_ENDPOINTS = "SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints e ORDER BY e.created_at, e.n";
    private static final String DELETE_ENDPOINT = "DELETE FROM webhook_endpoints WHERE id = ?";
    private static final String DELETE_ORPHAN_EVENTS = "DELETE FROM webhook_events v WHERE v.at < ? AND NOT EXISTS "
            + "(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = v.id)";

    private static final String INSERT_EVENT = "INSERT INTO webhook_events (id, type, at, body) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING";
    // through the endpoints table, so an endpoint deleted since the fan-out was computed gets nothing
    private static final String INSERT_DELIVERY = "INSERT INTO webhook_deliveries (event_id, endpoint_id, state, attempts, "
            + "next_attempt_at, claimed, created_at) SELECT ?, id, 'pending', 0, ?, false, ? FROM webhook_endpoints WHERE id = ? "
            + "ON CONFLICT (event_id, endpoint_id) DO NOTHING";
    private static final String SET_CURSOR = "INSERT INTO webhook_feed (name, seq) VALUES ('links', ?) "
            + "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq";
    private static final String CURSOR = "SELECT seq FROM webhook_feed WHERE name = 'links'";

    private static final String NEXT_DUE = "SELECT d.next_attempt_at FROM webhook_deliveries d "
            + "JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.state = 'pending' AND e.enabled "
            + "ORDER BY d.next_attempt_at LIMIT 1";
    private static final String DUE = "SELECT d.id, d.attempts, v.id, v.type, v.at, v.body, " + ENDPOINT_COLUMNS
            + " FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"
            + " JOIN webhook_events v ON v.id = d.event_id"
            + " WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND e.enabled"
            + " ORDER BY d.next_attempt_at, d.id LIMIT ? FOR UPDATE OF d SKIP LOCKED";
    private static final String CLAIM = "UPDATE webhook_deliveries SET claimed = true, next_attempt_at = ? WHERE id = ANY (?::bigint[])";
    private static final String RECORD = "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, claimed = false, "
            + "next_attempt_at = ?, last_status = ?, last_error = ?, last_attempt_at = ?, delivered_at = ? WHERE id = ?";
    private static final String RELEASE = "UPDATE webhook_deliveries SET claimed = false, next_attempt_at = ? "
            + "WHERE claimed AND state = 'pending'";
    private static final String DELIVERIES = "SELECT d.id, d.event_id, v.type, d.endpoint_id, d.state, d.attempts, "
            + "d.last_status, d.last_error, d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at "
            + "FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id "
            + "WHERE d.endpoint_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?";
    private static final String PRUNE = "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
            + "WHERE created_at < ? AND state <> 'pending' ORDER BY created_at LIMIT ?)";

    private final PostgresDatabase db;

    public PostgresWebhookStore(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void insert(Endpoint e) {
        db.write("insert webhook " + e.id(), c -> {
            try (PreparedStatement insert = c.prepareStatement(INSERT_ENDPOINT)) {
                insert.setString(1, e.id());
                bindEndpoint(insert, 2, e);
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Endpoint> find(String id) {
        return db.read("find webhook " + id, c -> find(c, id, false));
    }

    @Override
    public List<Endpoint> list() {
        return db.read("list webhooks", c -> {
            List<Endpoint> out = new ArrayList<>();
            try (PreparedStatement list = c.prepareStatement(LIST_ENDPOINTS); ResultSet rs = list.executeQuery()) {
                while (rs.next()) {
                    out.add(endpoint(rs, 1));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<Endpoint> update(String id, UnaryOperator<Endpoint> change) {
        return db.write("update webhook " + id, c -> {
            Optional<Endpoint> current = find(c, id, true);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Endpoint next = change.apply(current.get());
            if (!next.id().equals(id)) {
                throw new IllegalArgumentException("an update must not change the id of webhook " + id);
            }
            try (PreparedStatement update = c.prepareStatement(UPDATE_ENDPOINT)) {
                bindEndpoint(update, 1, next);
                update.setString(ENDPOINT_COLUMN_COUNT, id);
                update.executeUpdate();
            }
            return Optional.of(millis(next));
        });
    }

    @Override
    public boolean delete(String id) {
        return db.write("delete webhook " + id, c -> {
            try (PreparedStatement delete = c.prepareStatement(DELETE_ENDPOINT)) {
                delete.setString(1, id);
                if (delete.executeUpdate() == 0) {
                    return false;
                }
            }
            deleteOrphanEvents(c, Long.MAX_VALUE);
            return true;
        });
    }

    @Override
    public int enqueue(List<Fanout> events, Instant now) {
        if (events.isEmpty()) {
            return 0;
        }
        return db.write("enqueue " + events.size() + " webhook events", c -> insert(c, events, now));
    }

    @Override
    public int enqueueFromFeed(List<Fanout> events, long cursor, Instant now) {
        return db.write("enqueue webhook events up to change " + cursor, c -> {
            int added = insert(c, events, now);
            try (PreparedStatement set = c.prepareStatement(SET_CURSOR)) {
                set.setLong(1, cursor);
                set.executeUpdate();
            }
            return added;
        });
    }

    /** Events and their deliveries, each as one JDBC batch. */
    private static int insert(Connection c, List<Fanout> events, Instant now) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        try (PreparedStatement event = c.prepareStatement(INSERT_EVENT); PreparedStatement delivery = c.prepareStatement(INSERT_DELIVERY)) {
            for (Fanout f : events) {
                Event e = f.event();
                event.setString(1, e.id());
                event.setString(2, e.type().wire());
                event.setLong(3, e.timestamp().toEpochMilli());
                event.setBytes(4, e.body());
                event.addBatch();
                for (String endpoint : f.endpointIds()) {
                    delivery.setString(1, e.id());
                    delivery.setLong(2, now.toEpochMilli());
                    delivery.setLong(3, now.toEpochMilli());
                    delivery.setString(4, endpoint);
                    delivery.addBatch();
                }
            }
            event.executeBatch();
            int added = 0;
            for (int n : delivery.executeBatch()) {
                added += Math.max(0, n);
            }
            return added;
        }
    }

    @Override
    public OptionalLong feedCursor() {
        return db.read("webhook feed cursor", c -> {
            try (PreparedStatement q = c.prepareStatement(CURSOR); ResultSet rs = q.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        });
    }

    @Override
    public Optional<Instant> nextAttemptAt() {
        return db.read("next webhook attempt", c -> {
            try (PreparedStatement q = c.prepareStatement(NEXT_DUE); ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
        });
    }

    @Override
    public List<Due> claimDue(Instant now, Instant leaseUntil, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.write("claim due webhook deliveries", c -> {
            List<Due> out = new ArrayList<>();
            try (PreparedStatement due = c.prepareStatement(DUE)) {
                due.setLong(1, now.toEpochMilli());
                due.setInt(2, limit);
                try (ResultSet rs = due.executeQuery()) {
                    while (rs.next()) {
                        Event e = new Event(rs.getString(3), EventType.fromWire(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5)),
                                rs.getBytes(6));
                        out.add(new Due(rs.getLong(1), e, endpoint(rs, 7), rs.getInt(2)));
                    }
                }
            }
            if (!out.isEmpty()) {
                try (PreparedStatement claim = c.prepareStatement(CLAIM)) {
                    claim.setLong(1, leaseUntil.toEpochMilli());
                    claim.setObject(2, out.stream().mapToLong(Due::id).toArray());
                    claim.executeUpdate();
                }
            }
            return out;
        });
    }

    @Override
    public void record(long id, Attempt attempt) {
        db.write("record webhook delivery " + id, c -> {
            try (PreparedStatement record = c.prepareStatement(RECORD)) {
                Integer status;
                String error;
                switch (attempt) {
                    case Attempt.Delivered d -> {
                        record.setString(1, Delivery.State.DELIVERED.wire());
                        record.setNull(2, Types.BIGINT);
                        status = d.status();
                        error = null;
                        record.setLong(6, d.at().toEpochMilli());
                    }
                    case Attempt.Retry r -> {
                        record.setString(1, Delivery.State.PENDING.wire());
                        record.setLong(2, r.next().toEpochMilli());
                        status = r.status();
                        error = r.error();
                        record.setNull(6, Types.BIGINT);
                    }
                    case Attempt.GaveUp g -> {
                        record.setString(1, Delivery.State.FAILED.wire());
                        record.setNull(2, Types.BIGINT);
                        status = g.status();
                        error = g.error();
                        record.setNull(6, Types.BIGINT);
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
            }
        });
    }

    /**
     * Makes every claimed delivery due at {@code now}. With several nodes this also frees the claims of nodes still
     * running, so such a delivery may be sent twice: receivers deduplicate by {@code webhook-id}, as they must anyway.
     */
    @Override
    public int releaseClaims(Instant now) {
        return db.write("release webhook claims", c -> {
            try (PreparedStatement release = c.prepareStatement(RELEASE)) {
                release.setLong(1, now.toEpochMilli());
                return release.executeUpdate();
            }
        });
    }

    @Override
    public DeliveryPage deliveries(String endpointId, long beforeId, int limit) {
        return db.read("webhook deliveries of " + endpointId, c -> {
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement list = c.prepareStatement(DELIVERIES)) {
                list.setString(1, endpointId);
                list.setLong(2, beforeId <= 0 ? Long.MAX_VALUE : beforeId);
                list.setInt(3, limit + 1);
                try (ResultSet rs = list.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Delivery(rs.getLong(1), rs.getString(2), EventType.fromWire(rs.getString(3)), rs.getString(4),
                                Delivery.State.fromWire(rs.getString(5)), rs.getInt(6), nullableInt(rs, 7), rs.getString(8),
                                LinkRows.instant(rs, 9), LinkRows.instant(rs, 10), LinkRows.instant(rs, 11), LinkRows.instant(rs, 12)));
                    }
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
        return db.write("prune webhook deliveries", c -> {
            int deleted;
            try (PreparedStatement prune = c.prepareStatement(PRUNE)) {
                prune.setLong(1, before.toEpochMilli());
                prune.setInt(2, limit);
                deleted = prune.executeUpdate();
            }
            deleteOrphanEvents(c, before.toEpochMilli());
            return deleted;
        });
    }

    @Override
    public long pending() {
        return db.read("count pending webhook deliveries", c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void deleteOrphanEvents(Connection c, long beforeMs) throws SQLException {
        try (PreparedStatement orphans = c.prepareStatement(DELETE_ORPHAN_EVENTS)) {
            orphans.setLong(1, beforeMs);
            orphans.executeUpdate();
        }
    }

    private static Optional<Endpoint> find(Connection c, String id, boolean lock) throws SQLException {
        try (PreparedStatement find = c.prepareStatement(lock ? FIND_ENDPOINT + " FOR UPDATE" : FIND_ENDPOINT)) {
            find.setString(1, id);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of(endpoint(rs, 1)) : Optional.empty();
            }
        }
    }

    /** Binds every column but the id, from {@code url} on, starting at parameter {@code first}. */
    private static void bindEndpoint(PreparedStatement s, int first, Endpoint e) throws SQLException {
        s.setString(first, e.url());
        s.setString(first + 1, String.join(",", e.events()));
        s.setBoolean(first + 2, e.enabled());
        s.setString(first + 3, e.description());
        s.setString(first + 4, e.secret());
        s.setString(first + 5, e.previousSecret());
        LinkRows.setNullable(s, first + 6, e.previousSecretUntil() == null ? null : e.previousSecretUntil().toEpochMilli());
        s.setLong(first + 7, e.createdAt().toEpochMilli());
        s.setLong(first + 8, e.updatedAt().toEpochMilli());
    }

    private static Endpoint endpoint(ResultSet rs, int c) throws SQLException {
        return new Endpoint(rs.getString(c), rs.getString(c + 1), Arrays.asList(rs.getString(c + 2).split(",")),
                rs.getBoolean(c + 3), rs.getString(c + 4), rs.getString(c + 5), rs.getString(c + 6),
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
