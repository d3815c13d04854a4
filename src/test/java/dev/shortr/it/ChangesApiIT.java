package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.ServerConfig;
import dev.shortr.config.ShortrConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /api/v1/changes} and its snapshot, as a replica (an edge) uses them. */
class ChangesApiIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    /** The feed's last seq now. */
    private static long last() {
        HttpResponse<String> r = node.admin("GET", "/api/v1/changes?after=0&limit=1&wait=0", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return parse(r.body()).get("last").asLong();
    }

    private static JsonNode changes(String query) {
        HttpResponse<String> r = node.admin("GET", "/api/v1/changes?" + query, null);
        assertThat(r.statusCode()).as("changes?%s -> %s", query, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        return parse(r.body());
    }

    @Test
    void everyMutationIsInTheFeedInOrderWithWhatARedirectNeeds() {
        long before = last();
        node.createLink("feed01", "https://example.com/one", "\"redirect\": 301, \"cacheSeconds\": 60, \"title\": \"One\"");
        node.createLink("feed02", "https://example.com/two", null);
        assertThat(node.admin("PATCH", "/api/v1/links/feed01", "{\"url\": \"https://example.com/uno\", \"maxClicks\": 9,"
                + " \"expiresAt\": \"2040-01-01T00:00:00Z\", \"forwardQuery\": true}").statusCode()).isEqualTo(200);
        assertThat(node.admin("DELETE", "/api/v1/links/feed02", null).statusCode()).isEqualTo(204);

        JsonNode page = changes("after=" + before + "&wait=0");

        List<JsonNode> cs = new ArrayList<>();
        page.get("changes").forEach(cs::add);
        assertThat(cs).extracting(c -> c.get("seq").asLong()).containsExactly(before + 1, before + 2, before + 3, before + 4);
        assertThat(cs).extracting(c -> c.get("kind").asText()).containsExactly("created", "created", "updated", "deleted");
        assertThat(cs).extracting(c -> c.get("code").asText()).containsExactly("feed01", "feed02", "feed01", "feed02");
        assertThat(page.get("next").asLong()).isEqualTo(before + 4);
        assertThat(page.get("last").asLong()).isEqualTo(before + 4);
        // the created change shows the link as it is now: the update's fields, and the update's seq
        JsonNode created = cs.get(0).get("link");
        assertThat(created).isEqualTo(cs.get(2).get("link"));
        assertThat(created.get("seq").asLong()).isEqualTo(before + 3);
        assertThat(created.get("url").asText()).isEqualTo("https://example.com/uno");
        assertThat(created.get("redirect").asInt()).isEqualTo(301);
        assertThat(created.get("cacheSeconds").asInt()).isEqualTo(60);
        assertThat(created.get("maxClicks").asLong()).isEqualTo(9);
        assertThat(created.get("expiresAt").asText()).isEqualTo("2040-01-01T00:00:00Z");
        assertThat(created.get("forwardQuery").asBoolean()).isTrue();
        assertThat(created.get("disabled").asBoolean()).isFalse();
        assertThat(created.get("track").asBoolean()).isTrue();
        assertThat(created.get("title").asText()).isEqualTo("One");
        assertThat(created.get("id").asLong()).isPositive();
        assertThat(created.has("owner")).as("owners are not replicated").isFalse();
        // feed02 is gone: its creation has no link any more, its deletion only the code
        assertThat(cs.get(1).get("link").isNull()).isTrue();
        assertThat(cs.get(3).has("link")).isFalse();
        assertThat(cs).allSatisfy(c -> assertThat(c.get("at").asText()).endsWith("Z"));
    }

    @Test
    void pagesFollowTheLimitAndNextResumesWhereTheyStopped() {
        long before = last();
        for (int i = 0; i < 5; i++) {
            node.createLink("page0" + i, "https://example.com/p" + i, null);
        }

        JsonNode first = changes("after=" + before + "&limit=2&wait=0");
        JsonNode second = changes("after=" + first.get("next").asLong() + "&limit=2&wait=0");
        JsonNode third = changes("after=" + second.get("next").asLong() + "&limit=2&wait=0");

        assertThat(first.get("changes")).extracting(c -> c.get("code").asText()).containsExactly("page00", "page01");
        assertThat(first.get("next").asLong()).isEqualTo(before + 2);
        assertThat(first.get("last").asLong()).isGreaterThanOrEqualTo(before + 5);
        assertThat(second.get("changes")).extracting(c -> c.get("code").asText()).containsExactly("page02", "page03");
        assertThat(third.get("changes")).extracting(c -> c.get("code").asText()).containsExactly("page04");
        assertThat(third.get("next").asLong()).isEqualTo(before + 5);
    }

    /**
     * The best of three tries must answer within 100 ms of the create's own answer (the fallback poll runs every
     * 250 ms; ChangeFeedTest shows the wake-up with no poll at all): one slow try on a busy machine is not a failure.
     */
    @Test
    void aLongPollAnswersAsSoonAsALinkIsCreated() throws Exception {
        List<String> tries = new ArrayList<>();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3 && best >= 100; i++) {
            long before = last();
            AtomicLong answeredAt = new AtomicLong();
            CompletableFuture<HttpResponse<String>> poll = node.http().sendAsync(
                    node.request("/api/v1/changes?after=" + before + "&wait=20").header("Authorization", "Bearer " + node.adminKey())
                            .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> answeredAt.set(System.nanoTime()));
            Thread.sleep(500); // the poll is waiting by now
            assertThat(poll).isNotDone();
            assertThat(node.metric("shortr_changes_waiting")).isEqualTo(1.0);

            long sent = System.nanoTime();
            node.createLink("wake0" + i, "https://example.com/wake", null);
            long acknowledged = System.nanoTime();
            HttpResponse<String> r = poll.get(5, TimeUnit.SECONDS);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(parse(r.body()).get("changes")).extracting(c -> c.get("code").asText()).containsExactly("wake0" + i);
            long afterAck = TimeUnit.NANOSECONDS.toMillis(answeredAt.get() - acknowledged);
            tries.add(afterAck + " ms after the create's answer (" + TimeUnit.NANOSECONDS.toMillis(answeredAt.get() - sent)
                    + " ms after sending it)");
            best = Math.min(best, afterAck);
        }
        assertThat(best).as("best of %s", tries).isLessThan(100);
    }

    @Test
    void aLongPollWithNothingNewRunsOutEmptyWithTheSameCursor() {
        long before = last();
        long start = System.nanoTime();

        JsonNode page = changes("after=" + before + "&wait=1");

        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(page.get("changes")).isEmpty();
        assertThat(page.get("next").asLong()).isEqualTo(before);
        assertThat(page.get("last").asLong()).isEqualTo(before);
        assertThat(took).as("ms waited").isBetween(900L, 3000L);
        long start0 = System.nanoTime();
        assertThat(changes("after=" + before + "&wait=0").get("changes")).isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start0)).as("wait=0 answers at once").isLessThan(500);
    }

    @Test
    void theFeedNeedsTheReplicationScopeWhichGrantsNothingElse() {
        String edge = node.mintKey("edge", "replication");
        String reader = node.mintKey("reader", "links:read", "links:write", "stats:read");

        assertProblem(node.api("GET", "/api/v1/changes?after=0&wait=0", null, null), 401, "unauthorized");
        assertProblem(node.api("GET", "/api/v1/changes?after=0&wait=0", reader, null), 403, "insufficient-scope");
        assertProblem(node.api("GET", "/api/v1/changes/snapshot", reader, null), 403, "insufficient-scope");
        assertProblem(node.api("GET", "/api/v1/changes/snapshot", null, null), 401, "unauthorized");
        assertThat(node.api("GET", "/api/v1/changes?after=0&wait=0", edge, null).statusCode()).isEqualTo(200);
        assertThat(node.api("GET", "/api/v1/changes/snapshot", edge, null).statusCode()).isEqualTo(200);
        assertProblem(node.api("GET", "/api/v1/links", edge, null), 403, "insufficient-scope");
        assertProblem(node.api("POST", "/api/v1/links", edge, "{\"url\": \"https://example.com/edge\"}"), 403, "insufficient-scope");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "wait=0                              | after",
            "after=&wait=0                       | after",
            "after=-1&wait=0                     | after",
            "after=abc&wait=0                    | after",
            "after=1.5&wait=0                    | after",
            "after=99999999999999999999&wait=0   | after",
            "after=0&limit=0&wait=0              | limit",
            "after=0&limit=1001&wait=0           | limit",
            "after=0&limit=ten&wait=0            | limit",
            "after=0&wait=-1                     | wait",
            "after=0&wait=61                     | wait",
            "after=0&wait=soon                   | wait"})
    void badParametersAreProblemsNamingTheField(String query, String field) {
        JsonNode p = assertProblem(node.admin("GET", "/api/v1/changes?" + query, null), 400, "invalid-field");
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo(field);
    }

    @Test
    void aCursorBeyondTheFeedIsAConflictThatSaysToResync() {
        long last = last();
        JsonNode p = assertProblem(node.admin("GET", "/api/v1/changes?after=" + (last + 1000) + "&wait=0", null), 409, "cursor-ahead");
        assertThat(p.get("detail").asText()).contains("snapshot");
    }

    @Test
    void aBadSnapshotCursorIsAProblem() {
        assertProblem(node.admin("GET", "/api/v1/changes/snapshot?cursor=bm9wZQ", null), 400, "invalid-field");
        assertProblem(node.admin("GET", "/api/v1/changes/snapshot?limit=0", null), 400, "invalid-field");
    }

    @Test
    void aSnapshotPagesEveryLinkAtOneSeqAndTheFeedFromThereCompletesIt() throws Exception {
        for (int i = 0; i < 7; i++) {
            node.createLink("snap0" + i, "https://example.com/s" + i, null);
        }
        long seq = last();
        // first page read, then writes, then the rest: the pages keep the first page's seq
        HttpResponse<String> first = node.admin("GET", "/api/v1/changes/snapshot?limit=3", null);
        JsonNode firstPage = parse(first.body());
        assertThat(firstPage.get("seq").asLong()).isEqualTo(seq);
        assertThat(firstPage.get("links")).hasSize(3);
        node.createLink("snap10", "https://example.com/s10", null);
        node.admin("DELETE", "/api/v1/links/snap06", null);

        var snapshot = FeedFollower.snapshot(node.http(), node.baseUrl(), node.adminKey(), 3);
        try (FeedFollower follower = new FeedFollower(List.of(node.baseUrl()), node.adminKey(), snapshot.getKey(), 2, 1)
                .seed(snapshot.getValue()).start()) {
            follower.awaitSeq(last(), Duration.ofSeconds(10));
            var now = FeedFollower.snapshot(node.http(), node.baseUrl(), node.adminKey(), 1000);
            assertThat(follower.replica()).isEqualTo(now.getValue());
            assertThat(follower.replica()).containsKey("snap10").doesNotContainKey("snap06");
        }
    }

    @Test
    void withConcurrentWritersTheFeedHasNoGapsNoDuplicatesAndEveryAcknowledgedMutation(@TempDir Path dir) throws Exception {
        try (TestNode fresh = TestNode.start(dir)) {
            FeedStress.run(List.of(fresh.baseUrl()), fresh.adminKey(), fresh.http());
        }
    }

    @Test
    void aShutdownEndsLongPollsAtOnceInsteadOfWaitingOutTheGrace(@TempDir Path dir) throws Exception {
        TestNode closing = TestNode.start(dir, c -> {
            ServerConfig s = c.server();
            return new ShortrConfig(new ServerConfig(s.host(), s.port(), s.ioThreads(), s.publicUrl(), s.maxBodyBytes(), s.accessLog(),
                    s.idleTimeout(), Duration.ofSeconds(30), s.backgroundNice(), s.ui(), s.headerTimeout(), s.maxConnections(),
                    s.serverTiming(), s.http2()), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(), c.webhooks(),
                    c.tls());
        });
        try {
            shutDownWithPollsWaiting(closing);
        } finally {
            closing.close();
        }
    }

    private static void shutDownWithPollsWaiting(TestNode closing) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            polls.add(closing.http().sendAsync(closing.request("/api/v1/changes?after=0&wait=60")
                            .header("Authorization", "Bearer " + closing.adminKey()).timeout(Duration.ofSeconds(90)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(500);
        assertThat(polls).noneMatch(CompletableFuture::isDone);

        long start = System.nanoTime();
        closing.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(took).as("ms to shut down with three long polls waiting (grace 30 s)").isLessThan(5000);
        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            HttpResponse<String> r = poll.get(5, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(parse(r.body()).get("changes")).isEmpty();
            assertThat(parse(r.body()).get("next").asLong()).isZero();
        }
    }
}
