package dev.shortr.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintsTest {
    @Test
    void remembersWhatWasAddedAndNothingElse() {
        Fingerprints set = new Fingerprints(10_000);
        for (long i = 0; i < 10_000; i++) {
            assertThat(set.add(i, i * 31 + 7)).isTrue();
        }
        assertThat(set.size()).isEqualTo(10_000);
        for (long i = 0; i < 10_000; i++) {
            assertThat(set.contains(i, i * 31 + 7)).as("pair %d", i).isTrue();
            assertThat(set.contains(i, i * 31 + 8)).as("other hash of %d", i).isFalse();
            assertThat(set.contains(i + 10_000, i * 31 + 7)).as("other key of %d", i).isFalse();
        }
        assertThat(set.contains(5, 162)).as("added").isTrue();
        assertThat(set.contains(162, 5)).as("key and hash are not interchangeable").isFalse();
    }

    @Test
    void refusesPastItsCapacityAndStartsOverWhenCleared() {
        Fingerprints set = new Fingerprints(100);
        for (long i = 0; i < 100; i++) {
            set.add(1, i);
        }
        assertThat(set.add(1, 0)).as("already there").isTrue();
        assertThat(set.add(1, 1000)).as("full").isFalse();
        assertThat(set.contains(1, 1000)).isFalse();
        assertThat(set.size()).isEqualTo(100);
        set.clear();
        assertThat(set.size()).isZero();
        assertThat(set.contains(1, 5)).isFalse();
        assertThat(set.add(1, 1000)).isTrue();
        assertThat(set.contains(1, 1000)).isTrue();
    }

    @Test
    void fingerprintsAreNeverTheFreeMarker() {
        for (long i = 0; i < 100_000; i++) {
            assertThat(Fingerprints.fingerprint(i, -i)).isNotZero();
        }
    }

    @Test
    void touchReadsTheSlotWhereAPairsProbeStartsAndChangesNothing() {
        Fingerprints set = new Fingerprints(64);
        assertThat(set.touch(3, 9)).isZero();
        set.add(3, 9);
        assertThat(set.touch(3, 9)).isEqualTo(Fingerprints.fingerprint(3, 9));
        assertThat(set.size()).isEqualTo(1);
    }
}
