package dev.shortr.store.memory;

import dev.shortr.link.StoreException;
import dev.shortr.webhook.Attempt;
import dev.shortr.webhook.Delivery;
import dev.shortr.webhook.DeliveryPage;
import dev.shortr.webhook.Due;
import dev.shortr.webhook.Endpoint;
import dev.shortr.webhook.Event;
import dev.shortr.webhook.Fanout;
import dev.shortr.webhook.WebhookStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** {@link WebhookStore} in the heap, under one lock. Times are kept to the millisecond, as the SQL stores keep them. */
public final class MemoryWebhookStore implements WebhookStore {
    /** An outbox row; mutable, and only touched under the lock. */
    private static final class Row {
        final long id;
        final String eventId;
        final String endpointId;
        final Instant createdAt;
        Delivery.State state = Delivery.State.PENDING;
        int attempts;
        boolean claimed;
        Instant next;
        Integer lastStatus;
        String lastError;
        Instant lastAttemptAt;
        Instant deliveredAt;

        Row(long id, String eventId, String endpointId, Instant now) {
            this.id = id;
            this.eventId = eventId;
            this.endpointId = endpointId;
            this.createdAt = now;
            this.next = now;
        }
    }

    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Event> events = new HashMap<>();
    private final TreeMap<Long, Row> rows = new TreeMap<>();
    private final Set<String> pairs = new HashSet<>();
    private long lastRowId;
    private Long cursor;

    @Override
    public synchronized void insert(Endpoint e) {
        if (endpoints.containsKey(e.id())) {
            throw new StoreException("insert webhook " + e.id() + ": id already stored", null);
        }
        endpoints.put(e.id(), millis(e));
    }

    @Override
    public synchronized Optional<Endpoint> find(String id) {
        return Optional.ofNullable(endpoints.get(id));
    }

    @Override
    public synchronized List<Endpoint> list() {
        List<Endpoint> out = new ArrayList<>(endpoints.values());
        out.sort(Comparator.comparing(Endpoint::createdAt)); // stable: insertion order on ties
        return out;
    }

    @Override
    public synchronized Optional<Endpoint> update(String id, UnaryOperator<Endpoint> change) {
        Endpoint current = endpoints.get(id);
        if (current == null) {
            return Optional.empty();
        }
        Endpoint next = millis(change.apply(current));
        if (!next.id().equals(id)) {
            throw new IllegalArgumentException("an update must not change the id of webhook " + id);
        }
        endpoints.put(id, next);
        return Optional.of(next);
    }

    @Override
    public synchronized boolean delete(String id) {
        if (endpoints.remove(id) == null) {
            return false;
        }
        rows.values().removeIf(r -> {
            if (r.endpointId.equals(id)) {
                pairs.remove(r.eventId + " " + r.endpointId);
                return true;
            }
            return false;
        });
        dropOrphans(Instant.MAX);
        return true;
    }

    @Override
    public synchronized int enqueue(List<Fanout> batch, Instant now) {
        Instant t = ms(now);
        int added = 0;
        for (Fanout f : batch) {
            Event e = f.event();
            events.putIfAbsent(e.id(), new Event(e.id(), e.type(), ms(e.timestamp()), e.body().clone()));
            for (String endpoint : f.endpointIds()) {
                if (endpoints.containsKey(endpoint) && pairs.add(e.id() + " " + endpoint)) {
                    long id = ++lastRowId;
                    rows.put(id, new Row(id, e.id(), endpoint, t));
                    added++;
                }
            }
        }
        return added;
    }

    @Override
    public synchronized int enqueueFromFeed(List<Fanout> batch, long seq, Instant now) {
        int added = enqueue(batch, now);
        cursor = seq;
        return added;
    }

    @Override
    public synchronized OptionalLong feedCursor() {
        return cursor == null ? OptionalLong.empty() : OptionalLong.of(cursor);
    }

    @Override
    public synchronized Optional<Instant> nextAttemptAt() {
        return pendingToEnabled().map(r -> r.next).min(Comparator.naturalOrder());
    }

    @Override
    public synchronized List<Due> claimDue(Instant now, Instant leaseUntil, int limit) {
        List<Row> due = pendingToEnabled().filter(r -> !r.next.isAfter(now))
                .sorted(Comparator.comparing((Row r) -> r.next).thenComparingLong(r -> r.id))
                .limit(Math.max(0, limit)).toList();
        List<Due> out = new ArrayList<>();
        for (Row r : due) {
            out.add(new Due(r.id, events.get(r.eventId), endpoints.get(r.endpointId), r.attempts));
            r.claimed = true;
            r.next = ms(leaseUntil);
        }
        return out;
    }

    @Override
    public synchronized void record(long id, Attempt attempt) {
        Row r = rows.get(id);
        if (r == null) {
            return; // its endpoint was deleted meanwhile
        }
        r.attempts++;
        r.claimed = false;
        r.lastAttemptAt = ms(attempt.at());
        switch (attempt) {
            case Attempt.Delivered d -> {
                r.state = Delivery.State.DELIVERED;
                r.next = null;
                r.lastStatus = d.status();
                r.lastError = null;
                r.deliveredAt = ms(d.at());
            }
            case Attempt.Retry retry -> {
                r.next = ms(retry.next());
                r.lastStatus = retry.status();
                r.lastError = retry.error();
            }
            case Attempt.GaveUp g -> {
                r.state = Delivery.State.FAILED;
                r.next = null;
                r.lastStatus = g.status();
                r.lastError = g.error();
            }
        }
    }

    @Override
    public synchronized int releaseClaims(Instant now) {
        int n = 0;
        for (Row r : rows.values()) {
            if (r.claimed && r.state == Delivery.State.PENDING) {
                r.claimed = false;
                r.next = ms(now);
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized DeliveryPage deliveries(String endpointId, long beforeId, int limit) {
        List<Delivery> out = new ArrayList<>();
        for (Row r : rows.headMap(beforeId <= 0 ? Long.MAX_VALUE : beforeId, false).descendingMap().values()) {
            if (!r.endpointId.equals(endpointId)) {
                continue;
            }
            if (out.size() == limit) {
                return new DeliveryPage(out, out.getLast().id());
            }
            out.add(new Delivery(r.id, r.eventId, events.get(r.eventId).type(), r.endpointId, r.state, r.attempts, r.lastStatus,
                    r.lastError, r.lastAttemptAt, r.next, r.deliveredAt, r.createdAt));
        }
        return new DeliveryPage(out, 0);
    }

    @Override
    public synchronized int prune(Instant before, int limit) {
        List<Row> old = rows.values().stream().filter(r -> r.state != Delivery.State.PENDING && r.createdAt.isBefore(before))
                .sorted(Comparator.comparing(r -> r.createdAt)).limit(Math.max(0, limit)).toList();
        for (Row r : old) {
            rows.remove(r.id);
            pairs.remove(r.eventId + " " + r.endpointId);
        }
        dropOrphans(before);
        return old.size();
    }

    @Override
    public synchronized long pending() {
        return rows.values().stream().filter(r -> r.state == Delivery.State.PENDING).count();
    }

    private java.util.stream.Stream<Row> pendingToEnabled() {
        return rows.values().stream().filter(r -> r.state == Delivery.State.PENDING)
                .filter(r -> endpoints.get(r.endpointId) != null && endpoints.get(r.endpointId).enabled());
    }

    private void dropOrphans(Instant before) {
        Set<String> used = new HashSet<>();
        rows.values().forEach(r -> used.add(r.eventId));
        events.values().removeIf(e -> e.timestamp().isBefore(before) && !used.contains(e.id()));
    }

    private static Endpoint millis(Endpoint e) {
        return new Endpoint(e.id(), e.url(), e.events(), e.enabled(), e.description(), e.secret(), e.previousSecret(),
                ms(e.previousSecretUntil()), ms(e.createdAt()), ms(e.updatedAt()));
    }

    private static Instant ms(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }
}
