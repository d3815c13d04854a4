package dev.shortr.dns;

import dev.shortr.dns.zone.Zone;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Pre-built responses (the redirect hot path's idea, for DNS): a response that depends on nothing but the query
 * (a static record, NXDOMAIN, NODATA, REFUSED; never a steered name, whose answer follows health, place and
 * chance) is kept by the query's bytes after its ID, so the same question, in the same case with the same EDNS
 * size, is answered by copying bytes and patching the ID. Emptied when the zone changes; bounded.
 */
final class ResponseCache {
    private static final int MAX_ENTRIES = 50_000;
    private static final int MAX_QUERY_BYTES = 300;

    private record Key(byte[] bytes, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A response as it was first sent. */
    record Entry(byte[] wire, int rcode, boolean truncated) {}

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private volatile Zone zone;

    /** The response to {@code query} with the query's ID, or null when none is kept for it (or the zone changed). */
    Answerer.Reply.Single find(byte[] query, Zone current) {
        if (current != zone) {
            if (!entries.isEmpty()) {
                entries.clear();
            }
            zone = current;
            return null;
        }
        if (query.length > MAX_QUERY_BYTES || query.length < 12) {
            return null;
        }
        Entry e = entries.get(key(query));
        if (e == null) {
            return null;
        }
        hits.increment();
        byte[] wire = e.wire.clone();
        wire[0] = query[0];
        wire[1] = query[1];
        return new Answerer.Reply.Single(wire, e.rcode, e.truncated, true);
    }

    void keep(byte[] query, Answerer.Reply.Single reply, Zone current) {
        if (!reply.cacheable() || current != zone || query.length > MAX_QUERY_BYTES) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // random names from a scan: start again rather than grow
        }
        entries.put(key(query), new Entry(reply.wire(), reply.rcode(), reply.truncated()));
    }

    long hits() {
        return hits.sum();
    }

    private static Key key(byte[] query) {
        byte[] k = Arrays.copyOfRange(query, 2, query.length);
        return new Key(k, Arrays.hashCode(k));
    }
}
