package dev.shortr.webhook;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried again. The delays grow as multiples of a base: with 5 s, they are 5 s, 30 s,
 * 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then 8 h for every later one. Each is jittered by up to 20 % either way, so
 * deliveries that failed together (a receiver that was down) do not all come back in the same instant.
 */
final class Backoff {
    private static final long[] STEPS = {1, 6, 24, 120, 360, 720, 1440, 2880, 5760};
    private static final double JITTER = 0.2;

    private final Duration base;
    private final RandomGenerator random;

    Backoff(Duration base, RandomGenerator random) {
        this.base = base;
        this.random = random;
    }

    /** The wait after the {@code failures}-th failed attempt (1 for the first). */
    Duration delay(int failures) {
        return delay(base, failures, random.nextDouble());
    }

    /** The wait without jitter scaled by {@code unit}, a number in [0, 1): 0.5 gives the plain schedule. */
    static Duration delay(Duration base, int failures, double unit) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures start at 1, got " + failures);
        }
        long step = STEPS[Math.min(failures, STEPS.length) - 1];
        double factor = 1 - JITTER + 2 * JITTER * unit;
        return Duration.ofNanos(Math.round(base.toNanos() * (double) step * factor));
    }
}
