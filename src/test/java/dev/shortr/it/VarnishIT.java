package dev.shortr.it;

import static dev.shortr.it.Varnish.cache;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.CdnConfig;
import dev.shortr.config.PurgeConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * shortr behind Debian's Varnish 7, running {@code deploy/varnish/shortr.vcl} as shipped: what is cached and what is
 * not, stale copies while the node is down, and purges.
 */
class VarnishIT {
    @TempDir
    static Path dir;
    static TestNode node;
    static Varnish varnish;

    /** Behind a CDN: s-maxage 1 h by default, 30 s of stale-while-revalidate, a day of stale-if-error. */
    static CdnConfig cdn(Duration sharedMaxAge, Duration staleWhileRevalidate, Duration staleIfError, PurgeConfig purge) {
        return new CdnConfig(true, sharedMaxAge, staleWhileRevalidate, staleIfError, "Surrogate-Key", "Cache-Control", false, purge);
    }

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        int varnishPort = ChildNode.freePort();
        // purges go to the Varnish below: each attempt given 500 ms, retried after 100 ms, 200 ms, 400 ms, ...
        PurgeConfig d = PurgeConfig.defaults();
        PurgeConfig purge = new PurgeConfig(List.of("http://127.0.0.1:" + varnishPort), null, d.httpMethod(), List.of(), "", null,
                d.httpBatch(), 100, Duration.ofMillis(100), Duration.ofMillis(500));
        node = TestNode.start(dir.resolve("node"), c -> c.withCdn(cdn(Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofDays(1), purge)));
        varnish = Varnish.start(dir.resolve("varnish"), node.port(), varnishPort);
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        if (varnish != null) {
            varnish.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static double redirects(int status) {
        return node.metric("shortr_redirects_total{status=\"" + status + "\"}");
    }

    @Test
    void aCacheablePermanentRedirectIsAHitOnTheSecondRequest() {
        node.createLink("vperm1", "https://example.com/permanent", "\"redirect\": 301");
        HttpResponse<String> origin = node.get("/vperm1");
        assertThat(origin.headers().firstValue("surrogate-key")).as("the key, from shortr itself").hasValue("link-vperm1");
        assertThat(origin.headers().firstValue("cache-control"))
                .hasValue("public, max-age=3600, s-maxage=3600, stale-while-revalidate=30, stale-if-error=86400");
        double before = redirects(301);

        HttpResponse<String> first = varnish.get("/vperm1");
        HttpResponse<String> second = varnish.get("/vperm1");

        assertThat(first.statusCode()).isEqualTo(301);
        assertThat(cache(first)).isEqualTo("MISS");
        assertThat(second.statusCode()).isEqualTo(301);
        assertThat(second.headers().firstValue("location")).hasValue("https://example.com/permanent");
        assertThat(cache(second)).as("the second request").isEqualTo("HIT");
        assertThat(redirects(301) - before).as("requests that reached shortr").isEqualTo(1.0);
        // what leaves Varnish is for browsers: their max-age, and no key
        assertThat(second.headers().firstValue("cache-control")).hasValue("public, max-age=3600");
        assertThat(second.headers().firstValue("surrogate-key")).isEmpty();
        assertThat(second.headers().firstValue("xkey")).isEmpty();
    }

    @Test
    void aPrivate302IsNeverCached() {
        node.createLink("vpriv1", "https://example.com/temporary", null);
        double before = redirects(302);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = varnish.get("/vpriv1");
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("cache-control")).hasValue("private, max-age=0");
            assertThat(cache(r)).as("request %d", i + 1).isEqualTo("MISS");
        }
        assertThat(redirects(302) - before).as("every click reached shortr").isEqualTo(3.0);
    }

    @Test
    void aLinkWithCdnSecondsZeroIsKeptByBrowsersButNotByVarnish() {
        node.createLink("vzero1", "https://example.com/browser-only", "\"redirect\": 301, \"cdnSeconds\": 0");
        varnish.get("/vzero1");
        HttpResponse<String> again = varnish.get("/vzero1");
        assertThat(again.headers().firstValue("cache-control")).hasValue("private, max-age=3600");
        assertThat(cache(again)).isEqualTo("MISS");
    }

    @Test
    void aPurgeByKeyDropsEveryCopyOfTheLinkQueryVariantsIncluded() {
        node.createLink("vkey01", "https://example.com/keyed", "\"redirect\": 308");
        varnish.get("/vkey01");
        varnish.get("/vkey01?utm_source=mail");
        assertThat(cache(varnish.get("/vkey01"))).isEqualTo("HIT");
        assertThat(cache(varnish.get("/vkey01?utm_source=mail"))).isEqualTo("HIT");

        HttpResponse<String> purge = varnish.purge("/", "link-vkey01");

        assertThat(purge.statusCode()).isEqualTo(200);
        assertThat(purge.body()).contains("Invalidated 2 objects");
        assertThat(cache(varnish.get("/vkey01"))).isEqualTo("MISS");
        assertThat(cache(varnish.get("/vkey01?utm_source=mail"))).isEqualTo("MISS");
    }

    @Test
    void aPurgeWithoutKeyDropsThatUrl() {
        node.createLink("vurl01", "https://example.com/by-url", "\"redirect\": 301");
        varnish.get("/vurl01");
        assertThat(cache(varnish.get("/vurl01"))).isEqualTo("HIT");
        assertThat(varnish.purge("/vurl01", null).statusCode()).isEqualTo(200);
        assertThat(cache(varnish.get("/vurl01"))).isEqualTo("MISS");
    }

    @Test
    void anEditPurgesSoTheNextRequestIsAMissWithTheNewTarget() throws InterruptedException {
        node.createLink("vedit1", "https://example.com/before", "\"redirect\": 301");
        varnish.get("/vedit1");
        assertThat(varnish.get("/vedit1").headers().firstValue("location")).hasValue("https://example.com/before");
        double purged = node.metric("shortr_cdn_purged_total");

        assertThat(node.admin("PATCH", "/api/v1/links/vedit1", "{\"url\": \"https://example.com/after\"}").statusCode())
                .isEqualTo(200);
        await(() -> node.metric("shortr_cdn_purged_total") > purged, Duration.ofSeconds(10), "purge of vedit1");

        HttpResponse<String> next = varnish.get("/vedit1");
        assertThat(cache(next)).isEqualTo("MISS");
        assertThat(next.headers().firstValue("location")).hasValue("https://example.com/after");
        assertThat(cache(varnish.get("/vedit1"))).isEqualTo("HIT");
    }

    @Test
    void aDeletePurgesSoTheNextRequestIsGone() throws InterruptedException {
        node.createLink("vdel01", "https://example.com/doomed", "\"redirect\": 308");
        varnish.get("/vdel01");
        assertThat(cache(varnish.get("/vdel01"))).isEqualTo("HIT");
        double purged = node.metric("shortr_cdn_purged_total");

        assertThat(node.admin("DELETE", "/api/v1/links/vdel01", null).statusCode()).isEqualTo(204);
        await(() -> node.metric("shortr_cdn_purged_total") > purged, Duration.ofSeconds(10), "purge of vdel01");

        assertThat(varnish.get("/vdel01").statusCode()).isEqualTo(410);
    }

    @Test
    void purgesAreRetriedWhileVarnishHangsAndDeliveredOnceItIsBack() throws Exception {
        node.createLink("vretr1", "https://example.com/old", "\"redirect\": 301");
        varnish.get("/vretr1");
        assertThat(cache(varnish.get("/vretr1"))).isEqualTo("HIT");
        double failed = node.metric("shortr_cdn_purge_attempts_failed_total");
        double purged = node.metric("shortr_cdn_purged_total");

        varnish.pause();
        try {
            node.admin("PATCH", "/api/v1/links/vretr1", "{\"url\": \"https://example.com/new\"}");
            await(() -> node.metric("shortr_cdn_purge_attempts_failed_total") >= failed + 2, Duration.ofSeconds(20),
                    "two failed purge attempts");
            assertThat(node.metric("shortr_cdn_purged_total")).isEqualTo(purged);
            assertThat(node.metric("shortr_cdn_purge_lag")).as("changes waiting").isGreaterThanOrEqualTo(1);
        } finally {
            varnish.resume();
        }
        await(() -> node.metric("shortr_cdn_purged_total") > purged, Duration.ofSeconds(20), "the purge, once Varnish is back");

        HttpResponse<String> next = varnish.get("/vretr1");
        assertThat(cache(next)).as("the copy cached before the edit is gone").isEqualTo("MISS");
        assertThat(next.headers().firstValue("location")).hasValue("https://example.com/new");
        assertThat(node.metric("shortr_cdn_purge_given_up_total")).isZero();
    }

    @Test
    void withTheOriginDownTheStaleCopyIsServedWithinGraceAndNotAfter(@TempDir Path own) throws Exception {
        // no stale-while-revalidate: a stale copy may be served only because the node failed (stale-if-error, 4 s)
        TestNode origin = TestNode.start(own.resolve("node"), c -> c.withCdn(cdn(Duration.ofHours(1), Duration.ZERO,
                Duration.ofSeconds(4), PurgeConfig.defaults())));
        try (Varnish front = Varnish.start(own.resolve("varnish"), origin.port())) {
            origin.createLink("vstal1", "https://example.com/stale", "\"redirect\": 301, \"cdnSeconds\": 1");
            assertThat(cache(front.get("/vstal1"))).isEqualTo("MISS");
            long fetched = System.nanoTime();
            awaitSeconds(fetched, 1.5);
            HttpResponse<String> refreshed = front.get("/vstal1");
            assertThat(cache(refreshed)).as("past s-maxage with the node up: fetched again, not served stale").isEqualTo("MISS");
            fetched = System.nanoTime();

            origin.close();
            awaitSeconds(fetched, 1.5);
            HttpResponse<String> stale = front.get("/vstal1");
            assertThat(stale.statusCode()).as("within stale-if-error, the node down").isEqualTo(301);
            assertThat(stale.headers().firstValue("location")).hasValue("https://example.com/stale");
            assertThat(cache(stale)).isEqualTo("HIT");
            assertThat(Long.parseLong(stale.headers().firstValue("age").orElseThrow())).as("age").isGreaterThanOrEqualTo(1);

            awaitSeconds(fetched, 1 + 4 + 1.5); // s-maxage + stale-if-error, and a margin for a loaded machine
            assertThat(front.get("/vstal1").statusCode()).as("past stale-if-error").isEqualTo(503);
        } finally {
            origin.close();
        }
    }

    /** Sleeps until {@code seconds} have passed since {@code since} (System.nanoTime). */
    static void awaitSeconds(long since, double seconds) throws InterruptedException {
        long left = since + (long) (seconds * 1e9) - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** Polls {@code condition} until it holds, for up to {@code limit}. */
    static void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + limit.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
