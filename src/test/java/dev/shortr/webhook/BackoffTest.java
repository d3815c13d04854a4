package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
    @ParameterizedTest(name = "after failure {0}: {1}")
    @CsvSource({"1, PT5S", "2, PT30S", "3, PT2M", "4, PT10M", "5, PT30M", "6, PT1H", "7, PT2H", "8, PT4H", "9, PT8H", "10, PT8H",
            "50, PT8H"})
    void theScheduleFromA5sBase(int failures, Duration expected) {
        assertThat(Backoff.delay(Duration.ofSeconds(5), failures, 0.5)).isEqualTo(expected);
    }

    @Test
    void theScheduleScalesWithTheBase() {
        assertThat(Backoff.delay(Duration.ofMillis(50), 1, 0.5)).isEqualTo(Duration.ofMillis(50));
        assertThat(Backoff.delay(Duration.ofMillis(50), 3, 0.5)).isEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        assertThat(Backoff.delay(Duration.ofSeconds(5), 2, 0.0)).isEqualTo(Duration.ofSeconds(24));
        assertThat(Backoff.delay(Duration.ofSeconds(5), 2, Math.nextDown(1.0))).isBetween(Duration.ofMillis(35_999), Duration.ofSeconds(36));
        Backoff b = new Backoff(Duration.ofSeconds(5), new SplittableRandom(42));
        for (int i = 0; i < 1000; i++) {
            assertThat(b.delay(4)).isBetween(Duration.ofMinutes(8), Duration.ofMinutes(12));
        }
    }

    @Test
    void jitterSpreadsRetriesThatFailedTogether() {
        Backoff b = new Backoff(Duration.ofSeconds(5), new SplittableRandom(7));
        assertThat(java.util.stream.IntStream.range(0, 100).mapToObj(i -> b.delay(1)).distinct().count()).isGreaterThan(90);
    }

    @Test
    void failuresStartAtOne() {
        assertThatThrownBy(() -> Backoff.delay(Duration.ofSeconds(5), 0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
