package dev.shortr.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DimTallyTest {
    @Test
    void countsClicksAndBotsPerKeyAndProfileAsAMapWould() {
        DimTally tally = new DimTally(16); // small on purpose: it has to grow
        Map<List<Long>, long[]> expected = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            long key = random.nextInt(3000);
            long profile = random.nextInt(5) | (random.nextBoolean() ? Analytics.GEO : 0);
            boolean bot = random.nextInt(4) == 0;
            tally.add(key, profile, bot);
            long[] c = expected.computeIfAbsent(List.of(key, profile), k -> new long[2]);
            c[0]++;
            c[1] += bot ? 1 : 0;
        }
        assertThat(tally.size()).isEqualTo(expected.size());
        Map<List<Long>, long[]> seen = new HashMap<>();
        tally.forEach((key, profile, clicks, bots) -> seen.put(List.of(key, profile), new long[] {clicks, bots}));
        assertThat(seen).hasSameSizeAs(expected);
        expected.forEach((k, c) -> assertThat(seen.get(k)).as("%s", k).containsExactly(c));

        tally.sortInPlace();
        tally.sortInPlace(); // again: harmless
        java.util.List<Long> flat = new java.util.ArrayList<>();
        tally.forEach((key, profile, clicks, bots) -> flat.addAll(List.of(key, profile, clicks, bots)));
        long[] rows = flat.stream().mapToLong(Long::longValue).toArray();
        assertThat(rows).hasSize(expected.size() * 4);
        for (int i = 4; i < rows.length; i += 4) {
            assertThat(rows[i] > rows[i - 4] || rows[i] == rows[i - 4] && rows[i + 1] > rows[i - 3]).as("row %d in order", i / 4).isTrue();
        }
        for (int i = 0; i < rows.length; i += 4) {
            assertThat(new long[] {rows[i + 2], rows[i + 3]}).containsExactly(expected.get(List.of(rows[i], rows[i + 1])));
        }
    }

    @Test
    void clearedTallyIsEmptyAndCountsAfresh() {
        DimTally tally = new DimTally(16);
        for (int i = 0; i < 1000; i++) {
            tally.add(i, 1, true);
        }
        tally.clear();
        assertThat(tally.size()).isZero();
        tally.forEach((key, profile, clicks, bots) -> {
            throw new AssertionError("cleared, yet holds " + key);
        });
        tally.add(5, 1, false);
        tally.add(5, 1, true);
        tally.sortInPlace();
        java.util.List<Long> flat = new java.util.ArrayList<>();
        tally.forEach((key, profile, clicks, bots) -> flat.addAll(List.of(key, profile, clicks, bots)));
        assertThat(flat).containsExactly(5L, 1L, 2L, 1L);
        tally.clear();
        tally.add(9, 2, false); // a cleared tally counts again after a sort
        assertThat(tally.size()).isEqualTo(1);
    }
}
