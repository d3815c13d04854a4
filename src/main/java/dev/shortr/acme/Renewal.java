package dev.shortr.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * When to order the next certificate, and when to look again: pure decisions over the certificate held, the
 * config and the clock, with no I/O, so every case is a unit test.
 */
final class Renewal {
    /** The first retry after a failed order; each further failure doubles it. */
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    /** Retries never wait longer than this, nor longer than a regular check would. */
    static final Duration MAX_RETRY = Duration.ofHours(6);

    /** The certificate on disk: its lifetime, its DNS names, and the directory it was ordered from. */
    record Held(Instant notBefore, Instant notAfter, Set<String> names, String directory) {}

    /** What a check decides. */
    sealed interface Decision {
        /** Order a certificate now, because of {@code reason} (for the log). */
        record Order(String reason) implements Decision {}

        /** Nothing to do before {@code renewAt}. */
        record Wait(Instant renewAt) implements Decision {}
    }

    private Renewal() {}

    /**
     * Order when there is no certificate, when it does not cover every wanted name or came from another
     * directory (staging to production, say), or once fewer than {@code renewBefore} of its life is left.
     *
     * @param held the certificate on disk, or null when there is none (or it cannot be read)
     */
    static Decision decide(Held held, List<String> domains, String directory, Duration renewBefore, Instant now) {
        if (held == null) {
            return new Decision.Order("there is no certificate yet");
        }
        List<String> missing = new ArrayList<>(domains);
        missing.removeAll(held.names());
        if (!missing.isEmpty()) {
            return new Decision.Order("the certificate does not cover " + String.join(", ", missing));
        }
        if (!directory.equals(held.directory())) {
            return new Decision.Order("the certificate came from " + held.directory() + ", not " + directory);
        }
        Instant renewAt = held.notAfter().minus(renewBefore);
        if (!now.isBefore(held.notAfter())) {
            return new Decision.Order("the certificate expired at " + held.notAfter());
        }
        if (!now.isBefore(renewAt)) {
            return new Decision.Order("the certificate expires at " + held.notAfter() + ", within tls.acme.renewBefore ("
                    + renewBefore.toHours() + "h)");
        }
        return new Decision.Wait(renewAt);
    }

    /** How long until the next look after {@code decision} is acted on: at the renewal time, or a regular check before it. */
    static Duration nextCheck(Decision.Wait decision, Duration checkInterval, Instant now) {
        Duration untilDue = Duration.between(now, decision.renewAt());
        return untilDue.compareTo(checkInterval) < 0 ? untilDue : checkInterval;
    }

    /** The wait before retrying after {@code failures} orders in a row failed: 1m, 2m, 4m, ... up to the caps. */
    static Duration retryAfter(int failures, Duration checkInterval) {
        Duration cap = MAX_RETRY.compareTo(checkInterval) < 0 ? MAX_RETRY : checkInterval;
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        Duration wait = FIRST_RETRY.multipliedBy(1L << doublings);
        return wait.compareTo(cap) < 0 ? wait : cap;
    }

    /** True when {@code renewBefore} covers a certificate's whole life, so that every check would order another. */
    static boolean renewsAtEveryCheck(Held held, Duration renewBefore) {
        return renewBefore.compareTo(Duration.between(held.notBefore(), held.notAfter())) >= 0;
    }
}
