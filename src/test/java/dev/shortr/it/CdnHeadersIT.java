package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.CdnConfig;
import dev.shortr.config.PurgeConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headers a CDN reads, on every way a redirect leaves a node: a miss (the store), a hit over HTTP/1.1 (pre-built
 * bytes on the event loop), and HTTP/2 (curl, h2c by prior knowledge). One node keeps the CDN lifetime in
 * Cache-Control as s-maxage, the other in Surrogate-Control, with Cloudflare's key header.
 */
class CdnHeadersIT {
    @TempDir
    static Path dir;
    static TestNode inCacheControl;
    static TestNode targeted;

    @BeforeAll
    static void start() {
        inCacheControl = TestNode.start(dir.resolve("a"), c -> c.withCdn(new CdnConfig(true, Duration.ofMinutes(10),
                Duration.ofSeconds(30), Duration.ofDays(1), "Surrogate-Key", "Cache-Control", false, PurgeConfig.defaults())));
        targeted = TestNode.start(dir.resolve("b"), c -> c.withCdn(new CdnConfig(true, Duration.ofMinutes(10),
                Duration.ofSeconds(30), Duration.ofDays(1), "Cache-Tag", "Surrogate-Control", false, PurgeConfig.defaults())));
    }

    @AfterAll
    static void stop() {
        if (inCacheControl != null) {
            inCacheControl.close();
        }
        if (targeted != null) {
            targeted.close();
        }
    }

    @Test
    void aCacheableRedirectCarriesItsCdnLifetimeAndKeyFromTheStoreFromMemoryAndOverHttp2() {
        inCacheControl.createLink("cdnh01", "https://example.com/h", "\"redirect\": 301, \"cdnSeconds\": 900");
        String expected = "public, max-age=3600, s-maxage=900, stale-while-revalidate=30, stale-if-error=86400";
        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> r = inCacheControl.get("/cdnh01");
            assertThat(r.headers().firstValue("cache-control")).as(pass).hasValue(expected);
            assertThat(r.headers().firstValue("surrogate-key")).as(pass).hasValue("link-cdnh01");
        }
        HttpResponse<String> query = inCacheControl.get("/cdnh01/?utm_source=mail");
        assertThat(query.headers().firstValue("surrogate-key")).as("with a slash and a query").hasValue("link-cdnh01");
        Http2IT.Head h2 = Http2IT.curl("--http2-prior-knowledge", inCacheControl.baseUrl() + "/cdnh01");
        assertThat(h2.statusLine()).isEqualTo("HTTP/2 301");
        assertThat(h2.header("cache-control")).isEqualTo(expected);
        assertThat(h2.header("surrogate-key")).isEqualTo("link-cdnh01");
    }

    @Test
    void whatNoCdnMayKeepCarriesNoKey() {
        inCacheControl.createLink("cdnh02", "https://example.com/p", null);
        inCacheControl.createLink("cdnh03", "https://example.com/b", "\"redirect\": 308, \"cdnSeconds\": 0");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> temporary = inCacheControl.get("/cdnh02");
            assertThat(temporary.headers().firstValue("cache-control")).hasValue("private, max-age=0");
            assertThat(temporary.headers().firstValue("surrogate-key")).isEmpty();
            HttpResponse<String> browserOnly = inCacheControl.get("/cdnh03");
            assertThat(browserOnly.headers().firstValue("cache-control")).hasValue("private, max-age=3600");
            assertThat(browserOnly.headers().firstValue("surrogate-key")).isEmpty();
        }
    }

    @Test
    void closeToItsExpiryNoCopyOutlivesTheLink() {
        Instant expires = Instant.now().plusSeconds(120);
        inCacheControl.createLink("cdnh04", "https://example.com/e", "\"redirect\": 301, \"expiresAt\": \"" + expires + "\"");
        for (String pass : new String[] {"from the store", "from memory"}) {
            String cc = inCacheControl.get("/cdnh04").headers().firstValue("cache-control").orElseThrow();
            Matcher m = Pattern.compile("public, max-age=(\\d+), s-maxage=(\\d+)").matcher(cc);
            assertThat(m.matches()).as("%s: %s, no stale window left past the expiry", pass, cc).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as(pass).isBetween(60, 120);
            assertThat(m.group(2)).as(pass).isEqualTo(m.group(1));
        }
    }

    @Test
    void aTargetedLifetimeHeaderLeavesCacheControlToBrowsers() {
        targeted.createLink("cdnh05", "https://example.com/t", "\"redirect\": 301");
        for (String pass : new String[] {"from the store", "from memory"}) {
            HttpResponse<String> r = targeted.get("/cdnh05");
            assertThat(r.headers().firstValue("cache-control")).as(pass).hasValue("public, max-age=3600");
            assertThat(r.headers().firstValue("surrogate-control")).as(pass)
                    .hasValue("max-age=600, stale-while-revalidate=30, stale-if-error=86400");
            assertThat(r.headers().firstValue("cache-tag")).as(pass).hasValue("link-cdnh05");
        }
        Http2IT.Head h2 = Http2IT.curl("--http2-prior-knowledge", targeted.baseUrl() + "/cdnh05");
        assertThat(h2.header("surrogate-control")).isEqualTo("max-age=600, stale-while-revalidate=30, stale-if-error=86400");
        assertThat(h2.header("cache-tag")).isEqualTo("link-cdnh05");
    }
}
