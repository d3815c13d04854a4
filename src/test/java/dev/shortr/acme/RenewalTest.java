package dev.shortr.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The renewal decisions, against a fixed clock: a 90-day certificate for sho.rt and go.sho.rt, renewed 30 days early. */
class RenewalTest {
    private static final String LE = "https://acme-v02.api.letsencrypt.org/directory";
    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(90));
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final List<String> DOMAINS = List.of("sho.rt", "go.sho.rt");
    private static final Renewal.Held HELD = new Renewal.Held(ISSUED, EXPIRES, Set.of("sho.rt", "go.sho.rt"), LE);

    private static Renewal.Decision at(String now) {
        return Renewal.decide(HELD, DOMAINS, LE, RENEW_BEFORE, Instant.parse(now));
    }

    @Test
    void withoutACertificateOneIsOrderedAtOnce() {
        assertThat(Renewal.decide(null, DOMAINS, LE, RENEW_BEFORE, ISSUED)).isEqualTo(new Renewal.Decision.Order("there is no certificate yet"));
    }

    @ParameterizedTest(name = "at {0}: order {1}")
    @CsvSource({
            "2026-01-01T00:00:00Z, false",   // just issued
            "2026-03-01T23:59:59Z, false",   // a second before notAfter - renewBefore
            "2026-03-02T00:00:00Z, true",    // exactly notAfter - renewBefore
            "2026-03-20T00:00:00Z, true",    // inside the window
            "2026-04-01T00:00:00Z, true",    // notAfter itself: expired
            "2027-01-01T00:00:00Z, true",    // long expired (the node was off)
    })
    void aCertificateIsRenewedOnceLessThanRenewBeforeIsLeft(String now, boolean order) {
        Renewal.Decision d = at(now);
        if (order) {
            assertThat(d).isInstanceOf(Renewal.Decision.Order.class);
        } else {
            assertThat(d).isEqualTo(new Renewal.Decision.Wait(Instant.parse("2026-03-02T00:00:00Z")));
        }
    }

    @Test
    void theReasonSaysWhy() {
        assertThat(at("2026-03-20T00:00:00Z")).isEqualTo(new Renewal.Decision.Order(
                "the certificate expires at 2026-04-01T00:00:00Z, within tls.acme.renewBefore (720h)"));
        assertThat(at("2026-04-02T00:00:00Z")).isEqualTo(new Renewal.Decision.Order("the certificate expired at 2026-04-01T00:00:00Z"));
    }

    @Test
    void aNameAddedToTheConfigIsOrderedAtOnce() {
        assertThat(Renewal.decide(HELD, List.of("sho.rt", "go.sho.rt", "new.sho.rt"), LE, RENEW_BEFORE, ISSUED))
                .isEqualTo(new Renewal.Decision.Order("the certificate does not cover new.sho.rt"));
        assertThat(Renewal.decide(HELD, List.of("sho.rt"), LE, RENEW_BEFORE, ISSUED))
                .as("a name dropped from the config is no reason to order").isInstanceOf(Renewal.Decision.Wait.class);
    }

    @Test
    void aCertificateFromAnotherDirectoryIsReplacedAtOnce() {
        // the usual case: tried on staging first, then switched to production
        Renewal.Held staging = new Renewal.Held(ISSUED, EXPIRES, HELD.names(), "https://acme-staging-v02.api.letsencrypt.org/directory");
        assertThat(Renewal.decide(staging, DOMAINS, LE, RENEW_BEFORE, ISSUED)).isInstanceOf(Renewal.Decision.Order.class);
    }

    @Test
    void theNextLookIsTheRenewalTimeOrARegularCheckWhicheverComesFirst() {
        Renewal.Decision.Wait wait = new Renewal.Decision.Wait(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(Renewal.nextCheck(wait, Duration.ofHours(24), ISSUED)).isEqualTo(Duration.ofHours(24));
        assertThat(Renewal.nextCheck(wait, Duration.ofHours(24), Instant.parse("2026-03-01T20:00:00Z"))).isEqualTo(Duration.ofHours(4));
    }

    @ParameterizedTest(name = "after {0} failures: {1}")
    @CsvSource({"1, PT1M", "2, PT2M", "3, PT4M", "4, PT8M", "6, PT32M", "9, PT4H16M", "10, PT6H", "1000, PT6H"})
    void failedOrdersAreRetriedAfterDoublingWaitsUpToSixHours(int failures, Duration expected) {
        assertThat(Renewal.retryAfter(failures, Duration.ofHours(24))).isEqualTo(expected);
    }

    @Test
    void retriesNeverWaitLongerThanARegularCheck() {
        assertThat(Renewal.retryAfter(3, Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
        assertThat(Renewal.retryAfter(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRenewBeforeAsLongAsTheLifeRenewsAtEveryCheck() {
        assertThat(Renewal.renewsAtEveryCheck(HELD, Duration.ofDays(30))).isFalse();
        assertThat(Renewal.renewsAtEveryCheck(HELD, Duration.ofDays(90))).isTrue();
        // Let's Encrypt's six-day certificates with the default 30 days
        Renewal.Held shortLived = new Renewal.Held(ISSUED, ISSUED.plus(Duration.ofDays(6)), HELD.names(), LE);
        assertThat(Renewal.renewsAtEveryCheck(shortLived, Duration.ofDays(30))).isTrue();
    }
}
