package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A replica's view of {@code GET /api/v1/changes}, as a test follows it: one cursor, long polls with a small
 * {@code limit}, each request sent to the next of the given nodes in turn (they share one store). Every page is
 * checked as it arrives: it must continue exactly at the cursor (seq {@code after + 1}, {@code after + 2}, ...),
 * its {@code next} must be its last seq, and its {@code last} never below {@code next}. The changes are applied
 * to a map of code to link, as an edge would, so the end state can be compared with the store's.
 *
 * <p>Reused by every deployment shape: one SQLite node now, several nodes on a shared store later.
 */
final class FeedFollower implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A change as seen on the wire. {@code link} is null for deletions and for links deleted since. */
    record Seen(long seq, String kind, String code, JsonNode link) {}

    private final List<String> bases;
    private final String key;
    private final int limit;
    private final int waitSeconds;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> replica = new HashMap<>();
    /** Where following started: the first change due is {@code from + 1}. */
    private final long from;
    private volatile long cursor;
    private volatile long requests;
    private volatile boolean stopping;
    private Thread thread;

    /** Follows from {@code after} on {@code bases} (node base URLs) as {@code key}. */
    FeedFollower(List<String> bases, String key, long after, int limit, int waitSeconds) {
        this.bases = List.copyOf(bases);
        this.key = key;
        this.from = after;
        this.cursor = after;
        this.limit = limit;
        this.waitSeconds = waitSeconds;
    }

    /** Starts the replica from a snapshot's links (code to link) instead of empty; returns this. */
    FeedFollower seed(Map<String, JsonNode> links) {
        synchronized (replica) {
            replica.putAll(links);
        }
        return this;
    }

    /** Starts following on a thread of its own; returns this. */
    FeedFollower start() {
        thread = Thread.ofPlatform().name("feed-follower").daemon(true).start(this::run);
        return this;
    }

    private void run() {
        int turn = 0;
        while (!stopping) {
            String base = bases.get(turn++ % bases.size());
            long after = cursor;
            try {
                JsonNode page = page(base, after, limit, waitSeconds);
                apply(after, page, base);
                requests++;
            } catch (IOException | RuntimeException e) {
                if (!stopping) {
                    failures.add(base + " after=" + after + ": " + e);
                    sleep(100);
                }
            } catch (InterruptedException e) {
                return;
            } catch (AssertionError e) {
                failures.add(e.getMessage());
                return; // the cursor can no longer be trusted
            }
        }
    }

    /** One page as JSON; fails on anything but 200. */
    JsonNode page(String base, long after, int limit, int wait) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/changes?after=" + after + "&limit=" + limit + "&wait=" + wait))
                .timeout(Duration.ofSeconds(wait + 10L)).header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + req.uri() + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private void apply(long after, JsonNode page, String base) {
        JsonNode changes = page.get("changes");
        long expected = after;
        for (JsonNode c : changes) {
            long seq = c.get("seq").asLong();
            if (seq != expected + 1) {
                throw new AssertionError(base + ": after=" + after + " gave seq " + seq + " where " + (expected + 1)
                        + " was due (" + (seq <= expected ? "a duplicate" : "a gap") + ")");
            }
            expected = seq;
            Seen s = new Seen(seq, c.get("kind").asText(), c.get("code").asText(), c.path("link").isObject() ? c.get("link") : null);
            seen.add(s);
            synchronized (replica) {
                if (s.kind().equals("deleted")) {
                    replica.remove(s.code());
                } else if (s.link() != null) {
                    replica.put(s.code(), s.link());
                }
                // a created/updated change whose link is gone: its deletion follows; nothing to keep meanwhile
            }
        }
        long next = page.get("next").asLong();
        long last = page.get("last").asLong();
        if (next != expected || last < next) {
            throw new AssertionError(base + ": after=" + after + " answered next=" + next + ", last=" + last + " for changes up to " + expected);
        }
        cursor = next;
    }

    /** Waits until the cursor has reached {@code seq}; fails after {@code timeout}. */
    void awaitSeq(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cursor < seq && failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(failures).as("follower failures").isEmpty();
        assertThat(cursor).as("cursor %s s after the writers stopped", timeout.toSeconds()).isGreaterThanOrEqualTo(seq);
    }

    long cursor() {
        return cursor;
    }

    long requests() {
        return requests;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Code to link, as a replica that applied every change so far holds it. */
    Map<String, JsonNode> replica() {
        synchronized (replica) {
            return new TreeMap<>(replica);
        }
    }

    /**
     * The core check: the seqs seen are exactly {@code after + 1}..{@code last} in order (1..{@code last} when
     * following from 0; no gap, no duplicate), nothing failed, and for every code the changes of each kind number
     * exactly what was acknowledged to the writers.
     */
    void assertExactly(long last, Map<String, Map<String, Integer>> acknowledged) {
        assertThat(failures).as("follower failures").isEmpty();
        List<Seen> all = seen();
        List<Long> seqs = all.stream().map(Seen::seq).toList();
        assertThat(seqs).as("seqs seen after %d", from).hasSize((int) (last - from));
        for (int i = 0; i < seqs.size(); i++) {
            if (seqs.get(i) != from + i + 1) {
                throw new AssertionError("seq #" + (i + 1) + " seen is " + seqs.get(i) + " where " + (from + i + 1)
                        + " was due (gap or duplicate)");
            }
        }
        Map<String, Map<String, Integer>> counted = new TreeMap<>();
        for (Seen s : all) {
            if (acknowledged.containsKey(s.code())) {
                counted.computeIfAbsent(s.code(), c -> new TreeMap<>()).merge(s.kind(), 1, Integer::sum);
            }
        }
        Map<String, Map<String, Integer>> expected = new TreeMap<>();
        acknowledged.forEach((code, kinds) -> {
            Map<String, Integer> k = new TreeMap<>(kinds);
            k.values().removeIf(n -> n == 0);
            if (!k.isEmpty()) {
                expected.put(code, k);
            }
        });
        assertThat(counted).as("changes per code and kind in the feed vs mutations acknowledged").isEqualTo(expected);
    }

    /** Every link of {@code base}'s snapshot, walked with pages of {@code limit}: code to link, and the snapshot's seq. */
    static Map.Entry<Long, Map<String, JsonNode>> snapshot(HttpClient http, String base, String key, int limit)
            throws IOException, InterruptedException {
        Map<String, JsonNode> links = new TreeMap<>();
        String cursor = null;
        Long seq = null;
        do {
            URI u = URI.create(base + "/api/v1/changes/snapshot?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).header("Authorization", "Bearer " + key).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as("GET %s -> %s", u, r.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.body());
            long s = page.get("seq").asLong();
            assertThat(seq == null || seq == s).as("one seq for every page of a snapshot").isTrue();
            seq = s;
            for (JsonNode l : page.get("links")) {
                assertThat(links.put(l.get("code").asText(), l)).as("link %s twice in a snapshot", l.get("code")).isNull();
            }
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        return Map.entry(seq, links);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the request in flight (at most its wait). */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join(Duration.ofSeconds(waitSeconds + 15L));
        }
    }

    /** Mutations the writers were told succeeded, per code and kind ({@code created}, {@code updated}, {@code deleted}). */
    static final class Acknowledged {
        private final Map<String, Map<String, Integer>> byCode = new HashMap<>();

        synchronized void add(String code, String kind) {
            byCode.computeIfAbsent(code, c -> new HashMap<>()).merge(kind, 1, Integer::sum);
        }

        synchronized Map<String, Map<String, Integer>> asMap() {
            Map<String, Map<String, Integer>> out = new TreeMap<>();
            byCode.forEach((c, k) -> out.put(c, new TreeMap<>(k)));
            return out;
        }

        synchronized int total() {
            return byCode.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
        }
    }
}
