package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.CdnConfig;
import dev.shortr.config.PurgeConfig;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Cache-Control of a redirect, with and without a CDN in front, link by link. */
class CachingTest {
    private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");
    /** s-maxage 1h, stale-while-revalidate 30 s, stale-if-error 1 day, Surrogate-Key. */
    private static final CdnConfig CDN = cdn("Surrogate-Key", "Cache-Control", false);
    private static final Caching BEHIND_CDN = new Caching(3600, CDN);
    private static final Caching ALONE = new Caching(3600, CdnConfig.defaults());

    private static CdnConfig cdn(String keyHeader, String lifetimeHeader, boolean everyClick) {
        return new CdnConfig(true, Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofDays(1), keyHeader, lifetimeHeader,
                everyClick, PurgeConfig.defaults());
    }

    private static Link link(int status, Integer cacheSeconds, Integer cdnSeconds, Long maxClicks) {
        return new Link(1, new ShortCode("abc123"), new TargetUrl("https://example.com/", "example.com"), RedirectType.of(status),
                cacheSeconds, false, null, maxClicks, List.of(), null, null, false, T, T, 0, true, cdnSeconds);
    }

    private static String header(Caching c, Link l) {
        Caching.Lifetimes life = c.lifetimes(l);
        return c.headers(life.browser(), life.shared()).cacheControl().toString();
    }

    private static Integer nullable(String s) {
        return s == null || s.isBlank() ? null : Integer.valueOf(s.strip());
    }

    @ParameterizedTest(name = "{0} cacheSeconds={1} cdnSeconds={2} maxClicks={3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // status | cacheSeconds | cdnSeconds | maxClicks | behind a CDN                                                                         | alone (as before)
            "301 | -    | -   | -  | public, max-age=3600, s-maxage=3600, stale-while-revalidate=30, stale-if-error=86400 | public, max-age=3600",
            "308 | 60   | -   | -  | public, max-age=60, s-maxage=3600, stale-while-revalidate=30, stale-if-error=86400   | public, max-age=60",
            "301 | -    | 600 | -  | public, max-age=3600, s-maxage=600, stale-while-revalidate=30, stale-if-error=86400  | public, max-age=3600",
            // cdnSeconds 0: browsers may keep it, the CDN may not (so it must say private)
            "301 | -    | 0   | -  | private, max-age=3600                                                                 | public, max-age=3600",
            // 302 and 307 count every click unless told otherwise
            "302 | -    | -   | -  | private, max-age=0                                                                    | private, max-age=0",
            "307 | -    | -   | -  | private, max-age=0                                                                    | private, max-age=0",
            // a 302 the CDN may keep, browsers not: edits reach everyone after a purge
            "302 | -    | 600 | -  | public, max-age=0, s-maxage=600, stale-while-revalidate=30, stale-if-error=86400     | private, max-age=0",
            "302 | 120  | -   | -  | public, max-age=120, s-maxage=3600, stale-while-revalidate=30, stale-if-error=86400  | public, max-age=120",
            "301 | 0    | -   | -  | private, max-age=0                                                                    | private, max-age=0",
            // a click limit is counted by shortr alone: nobody may keep it, whatever the link says
            "301 | 3600 | 600 | 5  | private, max-age=0                                                                    | private, max-age=0",
    })
    void cacheControlPerLink(int status, String cacheSeconds, String cdnSeconds, String maxClicks, String behindCdn, String alone) {
        Link l = link(status, nullable(cacheSeconds), nullable(cdnSeconds), maxClicks == null ? null : Long.valueOf(maxClicks.strip()));
        assertThat(header(BEHIND_CDN, l)).isEqualTo(behindCdn.strip());
        assertThat(header(ALONE, l)).isEqualTo(alone.strip());
    }

    @Test
    void countingEveryClickMakesEveryRedirectPrivate() {
        Caching every = new Caching(3600, cdn("Surrogate-Key", "Cache-Control", true));
        assertThat(header(every, link(301, 86_400, 600, null))).isEqualTo("private, max-age=0");
        assertThat(every.lifetimes(link(308, null, null, null)).shared()).isZero();
    }

    @Test
    void onlyLinksACdnMayKeepHaveASharedLifetime() {
        assertThat(BEHIND_CDN.lifetimes(link(301, null, null, null))).isEqualTo(new Caching.Lifetimes(3600, 3600));
        assertThat(BEHIND_CDN.lifetimes(link(301, null, 0, null)).shared()).isZero();
        assertThat(BEHIND_CDN.lifetimes(link(302, null, null, null))).isEqualTo(new Caching.Lifetimes(0, 0));
        assertThat(ALONE.lifetimes(link(301, null, 600, null))).isEqualTo(new Caching.Lifetimes(3600, 0));
    }

    @Test
    void closeToExpiryNoCopyOutlivesTheLinkStaleOnesIncluded() {
        // 100 s left: s-maxage 100 and no stale window at all
        assertThat(BEHIND_CDN.cutBy(3600, 3600, 100)).isTrue();
        assertThat(BEHIND_CDN.headersBefore(3600, 3600, 100).cacheControl().toString()).isEqualTo("public, max-age=100, s-maxage=100");
        // an hour and a minute left: the 30 s revalidation window fits, the day of stale-if-error is cut to 60 s
        assertThat(BEHIND_CDN.headersBefore(3600, 3600, 3660).cacheControl().toString())
                .isEqualTo("public, max-age=3600, s-maxage=3600, stale-while-revalidate=30, stale-if-error=60");
        assertThat(BEHIND_CDN.cutBy(3600, 3600, 3600 + 86_400)).isFalse();
        assertThat(BEHIND_CDN.headersBefore(3600, 3600, 0).cacheControl().toString()).isEqualTo("private, max-age=0");
        assertThat(ALONE.headersBefore(3600, 0, 90).cacheControl().toString()).isEqualTo("public, max-age=90");
    }

    @Test
    void valuesAreSharedNotBuiltPerLink() {
        assertThat(BEHIND_CDN.headers(3600, 3600)).isSameAs(BEHIND_CDN.headers(3600, 3600));
        assertThat(ALONE.headers(60, 0)).isSameAs(ALONE.headers(60, 0));
    }

    @Test
    void theKeyHeaderIsLowerCaseAndEndsWhereTheCodeGoes() {
        assertThat(new String(BEHIND_CDN.keyLine(), StandardCharsets.US_ASCII)).isEqualTo("\r\nsurrogate-key: link-");
        Caching cloudflare = new Caching(3600, new CdnConfig(true, Duration.ofHours(1), Duration.ZERO, Duration.ZERO, "Cache-Tag",
                "Cache-Control", false, PurgeConfig.defaults()));
        assertThat(cloudflare.keyName().toString()).isEqualTo("cache-tag");
        assertThat(header(cloudflare, link(301, null, null, null))).isEqualTo("public, max-age=3600, s-maxage=3600");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Surrogate-Control | surrogate-control",
            "CDN-Cache-Control | cdn-cache-control",
    })
    void aTargetedLifetimeHeaderLeavesCacheControlToBrowsers(String header, String wireName) {
        Caching fastly = new Caching(3600, cdn("Surrogate-Key", header, false));
        Caching.Headers permanent = fastly.headers(3600, 3600);
        assertThat(permanent.cacheControl().toString()).isEqualTo("public, max-age=3600");
        assertThat(permanent.cdn().toString()).isEqualTo("max-age=3600, stale-while-revalidate=30, stale-if-error=86400");
        assertThat(fastly.lifetimeName().toString()).isEqualTo(wireName);
        assertThat(new String(fastly.lifetimeLine(), StandardCharsets.US_ASCII)).isEqualTo("\r\n" + wireName + ": ");
        // a 302 the CDN may keep and browsers may not: public, so no CDN reads it as "do not store"
        Caching.Headers temporary = fastly.headers(0, 600);
        assertThat(temporary.cacheControl().toString()).isEqualTo("public, max-age=0");
        assertThat(temporary.cdn().toString()).startsWith("max-age=600, ");
        // what no CDN may keep carries no lifetime header at all
        assertThat(fastly.headers(3600, 0)).isEqualTo(new Caching.Headers(io.netty.util.AsciiString.of("private, max-age=3600"), null));
        assertThat((Object) fastly.headers(0, 0).cdn()).isNull();
        assertThat(fastly.headersBefore(3600, 3600, 100).cdn().toString()).isEqualTo("max-age=100");
    }
}
