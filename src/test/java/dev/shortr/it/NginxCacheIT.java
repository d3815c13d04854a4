package dev.shortr.it;

import static dev.shortr.it.NginxCache.cache;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.PurgeConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * shortr behind Debian's nginx with {@code deploy/nginx/shortr-cache.conf} as shipped: what proxy_cache keeps, stale
 * copies while the node is down, and the refresh header that stands in for a purge.
 */
class NginxCacheIT {
    @TempDir
    static Path dir;
    static TestNode node;
    static NginxCache nginx;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        node = TestNode.start(dir.resolve("node"), c -> c.withCdn(VarnishIT.cdn(Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofDays(1), PurgeConfig.defaults())));
        nginx = NginxCache.start(dir.resolve("nginx"), node.port());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
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
        node.createLink("nperm1", "https://example.com/permanent", "\"redirect\": 301");
        double before = redirects(301);

        HttpResponse<String> first = nginx.get("/nperm1");
        HttpResponse<String> second = nginx.get("/nperm1");

        assertThat(first.statusCode()).isEqualTo(301);
        assertThat(cache(first)).isEqualTo("MISS");
        assertThat(second.statusCode()).isEqualTo(301);
        assertThat(second.headers().firstValue("location")).hasValue("https://example.com/permanent");
        assertThat(cache(second)).as("the second request").isEqualTo("HIT");
        assertThat(redirects(301) - before).as("requests that reached shortr").isEqualTo(1.0);
        // browsers get their max-age only, and no key
        assertThat(second.headers().allValues("cache-control")).containsExactly("public, max-age=3600");
        assertThat(second.headers().firstValue("surrogate-key")).isEmpty();
    }

    @Test
    void aPrivate302IsNeverCached() {
        node.createLink("npriv1", "https://example.com/temporary", null);
        double before = redirects(302);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = nginx.get("/npriv1");
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().allValues("cache-control")).containsExactly("private, max-age=0");
            assertThat(cache(r)).as("request %d", i + 1).isEqualTo("MISS");
        }
        assertThat(redirects(302) - before).as("every click reached shortr").isEqualTo(3.0);
    }

    @Test
    void withoutPurgesAnEditShowsOnceRefreshedByATrustedClient() {
        node.createLink("nedit1", "https://example.com/before", "\"redirect\": 308");
        nginx.get("/nedit1");
        assertThat(node.admin("PATCH", "/api/v1/links/nedit1", "{\"url\": \"https://example.com/after\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> cached = nginx.get("/nedit1");
        assertThat(cache(cached)).isEqualTo("HIT");
        assertThat(cached.headers().firstValue("location")).as("nginx cannot be purged").hasValue("https://example.com/before");

        HttpResponse<String> refreshed = nginx.get("/nedit1", "X-Shortr-Refresh", "1");
        assertThat(cache(refreshed)).isEqualTo("BYPASS");
        assertThat(refreshed.headers().firstValue("location")).hasValue("https://example.com/after");

        HttpResponse<String> after = nginx.get("/nedit1");
        assertThat(cache(after)).isEqualTo("HIT");
        assertThat(after.headers().firstValue("location")).as("the refresh replaced the copy").hasValue("https://example.com/after");
    }

    @Test
    void withTheOriginDownTheStaleCopyIsServedWithinStaleIfErrorAndNotAfter(@TempDir Path own) throws Exception {
        // no stale-while-revalidate: a stale copy may be served only because the node failed (stale-if-error, 4 s)
        TestNode origin = TestNode.start(own.resolve("node"), c -> c.withCdn(VarnishIT.cdn(Duration.ofHours(1), Duration.ZERO,
                Duration.ofSeconds(4), PurgeConfig.defaults())));
        try (NginxCache front = NginxCache.start(own.resolve("nginx"), origin.port())) {
            origin.createLink("nstal1", "https://example.com/stale", "\"redirect\": 301, \"cdnSeconds\": 1");
            assertThat(cache(front.get("/nstal1"))).isEqualTo("MISS");
            long fetched = System.nanoTime();

            origin.close();
            // nginx counts lifetimes in whole seconds: 2.5 s is past s-maxage=1 whenever within the second it was fetched
            VarnishIT.awaitSeconds(fetched, 2.5);
            HttpResponse<String> stale = front.get("/nstal1");
            assertThat(stale.statusCode()).as("within stale-if-error, the node down").isEqualTo(301);
            assertThat(stale.headers().firstValue("location")).hasValue("https://example.com/stale");
            assertThat(cache(stale)).isEqualTo("STALE");

            VarnishIT.awaitSeconds(fetched, 1 + 4 + 2.5);
            HttpResponse<String> late = front.get("/nstal1");
            assertThat(late.statusCode()).as("past stale-if-error (X-Cache %s)", cache(late)).isEqualTo(502);
        } finally {
            origin.close();
        }
    }
}
