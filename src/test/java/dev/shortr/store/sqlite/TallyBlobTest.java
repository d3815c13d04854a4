package dev.shortr.store.sqlite;

import dev.shortr.visit.TallyMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TallyBlobTest {
    private static final long TODAY = LocalDate.of(2025, 3, 1).toEpochDay();

    @Test
    void aBatchSpreadOverAMillionLinksTakesAboutThreeBytesATally() {
        SplittableRandom random = new SplittableRandom(1);
        TallyMap batch = new TallyMap(50_000);
        while (batch.size() < 50_000) {
            batch.add(TallyMap.key(random.nextLong(1, 1_000_001), TODAY), 1 + random.nextInt(3));
        }
        long[] keys = batch.sortedKeys();
        long[] counts = Arrays.stream(keys).map(batch::get).toArray();

        byte[] blob = TallyBlob.tallies(keys, counts);

        assertThat(blob.length).isBetween(3 * 50_000, (int) (3.1 * 50_000));
        TallyMap replayed = new TallyMap(16);
        TallyBlob.replay(blob, replayed);
        assertThat(replayed.sortedKeys()).containsExactly(keys);
        for (long k : keys) {
            assertThat(replayed.get(k)).isEqualTo(batch.get(k));
        }
    }

    @Test
    void extremesRoundTrip() {
        long[] keys = {TallyMap.key(0, 0), TallyMap.key(0, TallyMap.DAY_MASK), TallyMap.key(7, 0),
                TallyMap.key(TallyMap.MAX_LINK_ID, TallyMap.DAY_MASK)};
        long[] counts = {1, -5, Long.MAX_VALUE, Long.MIN_VALUE};
        TallyMap replayed = new TallyMap(16);

        TallyBlob.replay(TallyBlob.tallies(keys, counts), replayed);

        for (int i = 0; i < keys.length; i++) {
            assertThat(replayed.get(keys[i])).isEqualTo(counts[i]);
        }
    }

    @Test
    void aForgetRowZeroesWhatEarlierRowsAdded() {
        TallyMap map = new TallyMap(16);
        TallyBlob.replay(TallyBlob.tallies(new long[] {TallyMap.key(3, TODAY), TallyMap.key(4, TODAY)}, new long[] {2, 5}), map);
        TallyBlob.replay(TallyBlob.forget(3), map);
        TallyBlob.replay(TallyBlob.tallies(new long[] {TallyMap.key(3, TODAY)}, new long[] {1}), map);

        assertThat(map.total(3)).isEqualTo(1);
        assertThat(map.total(4)).isEqualTo(5);
    }

    @Test
    void damagedRowsAreRefusedNotMisread() {
        byte[] blob = TallyBlob.tallies(new long[] {TallyMap.key(3, TODAY)}, new long[] {2});
        TallyMap map = new TallyMap(16);

        assertThatThrownBy(() -> TallyBlob.replay(Arrays.copyOf(blob, blob.length - 1), map))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> TallyBlob.replay(Arrays.copyOf(blob, blob.length + 1), map))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stray");
        assertThatThrownBy(() -> TallyBlob.replay(new byte[] {9}, map))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown row kind 9");
    }
}
