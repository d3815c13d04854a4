package dev.shortr.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BrowserSessionTest {
    /** A clock the test moves by hand. */
    private static final class Hand extends Clock {
        long millis = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void aSessionHoldsTheKeyServerSideAndEndsOnSignOut() {
        BrowserSession sessions = new BrowserSession();
        BrowserSession.Session s = sessions.open("sk_abc_secret");
        assertThat(s.id()).hasSizeGreaterThanOrEqualTo(43).doesNotContain("sk_").isNotEqualTo(s.csrfToken());
        assertThat(sessions.find(s.id())).get().extracting(BrowserSession.Session::key).isEqualTo("sk_abc_secret");
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(BrowserSession.csrfValid(s, s.csrfToken())).isTrue();
        assertThat(BrowserSession.csrfValid(s, s.csrfToken() + "x")).isFalse();
        assertThat(BrowserSession.csrfValid(s, null)).isFalse();
        sessions.close(s.id());
        assertThat(sessions.find(s.id())).isEmpty();
        assertThat(sessions.open("sk_abc_secret").id()).as("ids are never reused").isNotEqualTo(s.id());
    }

    @Test
    void sessionsEndWhenIdleAndAfterTheirLifetime() {
        Hand clock = new Hand();
        BrowserSession sessions = new BrowserSession(clock, Duration.ofHours(1), Duration.ofHours(3));
        BrowserSession.Session idle = sessions.open("k1");
        BrowserSession.Session busy = sessions.open("k2");
        for (int i = 0; i < 5; i++) { // busy is used every 50 minutes, idle never
            clock.millis += Duration.ofMinutes(50).toMillis();
            boolean alive = sessions.find(busy.id()).isPresent();
            assertThat(alive).as("after %d min", (i + 1) * 50).isEqualTo((i + 1) * 50 < 180);
        }
        assertThat(sessions.find(idle.id())).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedSessionGoesWhenTheTableIsFull() {
        Hand clock = new Hand();
        BrowserSession sessions = new BrowserSession(clock, Duration.ofDays(1), Duration.ofDays(7));
        BrowserSession.Session first = sessions.open("first");
        clock.millis += 1;
        for (int i = 1; i < BrowserSession.MAX_SESSIONS; i++) {
            sessions.open("k");
        }
        assertThat(sessions.size()).isEqualTo(BrowserSession.MAX_SESSIONS);
        sessions.open("one more");
        assertThat(sessions.size()).isEqualTo(BrowserSession.MAX_SESSIONS);
        assertThat(sessions.find(first.id())).isEmpty();
    }

    @Test
    void foreignRequestsAreToldApart() {
        assertThat(BrowserSession.foreign(null, null, "sho.rt", null)).isNull();
        assertThat(BrowserSession.foreign("same-origin", "https://sho.rt", "sho.rt", null)).isNull();
        assertThat(BrowserSession.foreign("none", null, "sho.rt", null)).isNull();
        assertThat(BrowserSession.foreign("same-site", null, "sho.rt", null)).contains("another site");
        assertThat(BrowserSession.foreign("cross-site", null, "sho.rt", null)).contains("another site");
        assertThat(BrowserSession.foreign(null, "https://evil.example", "sho.rt", null)).contains("another origin");
        assertThat(BrowserSession.foreign(null, "null", "sho.rt", null)).contains("another origin");
        assertThat(BrowserSession.foreign(null, "http://sho.rt:8081", "sho.rt:8080", null)).contains("another origin");
        // behind a proxy that passes its own Host: the configured public origin is ours too
        assertThat(BrowserSession.foreign(null, "https://sho.rt", "127.0.0.1:8080", "https://sho.rt")).isNull();
        assertThat(BrowserSession.foreign(null, "https://evil.example", "127.0.0.1:8080", "https://sho.rt")).isNotNull();
    }

    @Test
    void cookiesAreSessionCookiesAndHostPrefixedOverHttps() {
        assertThat(BrowserSession.setCookie("abc", false)).isEqualTo("shortr_session=abc; Path=/; HttpOnly; SameSite=Strict");
        assertThat(BrowserSession.setCookie("abc", true)).isEqualTo("__Host-shortr_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
        assertThat(BrowserSession.idFromCookies("a=b; shortr_session=xyz; c=d")).isEqualTo("xyz");
        assertThat(BrowserSession.idFromCookies("__Host-shortr_session=xyz")).isEqualTo("xyz");
        assertThat(BrowserSession.idFromCookies("shortr_sessionX=xyz; other=1")).isNull();
        assertThat(BrowserSession.idFromCookies(null)).isNull();
        assertThat(BrowserSession.idFromCookies("shortr_session=")).isNull();
    }
}
