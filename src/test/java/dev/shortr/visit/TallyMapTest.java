package dev.shortr.visit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TallyMapTest {
    private static final long MAR_1 = java.time.LocalDate.of(2025, 3, 1).toEpochDay();

    @Test
    void countsAddUpLikeAHashMapThroughEveryGrowth() {
        SplittableRandom random = new SplittableRandom(7);
        TallyMap map = new TallyMap(1_000); // pushed well past its plan, so it also doubles beyond it
        Map<Long, Long> expected = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            long key = TallyMap.key(random.nextLong(1, 5_000), MAR_1 + random.nextInt(3));
            long clicks = random.nextLong(1, 10);
            map.add(key, clicks);
            expected.merge(key, clicks, Long::sum);
        }

        assertThat(map.size()).isEqualTo(expected.size());
        expected.forEach((key, clicks) -> assertThat(map.get(key)).as("key %d", key).isEqualTo(clicks));
        assertThat(map.sortedKeys()).containsExactly(expected.keySet().stream().sorted().mapToLong(Long::longValue).toArray());
        for (long link = 1; link < 5_000; link += 97) {
            long l = link;
            long total = expected.entrySet().stream().filter(e -> TallyMap.linkOf(e.getKey()) == l)
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(map.total(link)).as("link %d", link).isEqualTo(total);
        }
    }

    @Test
    void dailyIsPerDayInRangeOldestFirst() {
        TallyMap map = new TallyMap(16);
        map.add(TallyMap.key(1, MAR_1 + 4), 1);
        map.add(TallyMap.key(1, MAR_1 + 1), 2);
        map.add(TallyMap.key(1, MAR_1), 3);
        map.add(TallyMap.key(2, MAR_1 + 2), 9);

        assertThat(daily(map, 1, MAR_1 + 1, MAR_1 + 4)).containsExactly(List.of(MAR_1 + 1, 2L), List.of(MAR_1 + 4, 1L));
        assertThat(daily(map, 1, MAR_1 + 4, MAR_1)).isEmpty();
        assertThat(daily(map, 2, 0, Long.MAX_VALUE)).containsExactly(List.of(MAR_1 + 2, 9L));
    }

    @Test
    void forgettingALinkZeroesItsDaysOnly() {
        TallyMap map = new TallyMap(16);
        map.add(TallyMap.key(1, MAR_1), 3);
        map.add(TallyMap.key(1, MAR_1 + 1), 4);
        map.add(TallyMap.key(2, MAR_1), 5);

        map.forget(1);

        assertThat(map.total(1)).isZero();
        assertThat(daily(map, 1, MAR_1, MAR_1 + 1)).isEmpty();
        assertThat(map.total(2)).isEqualTo(5);
        map.add(TallyMap.key(1, MAR_1), 2); // clicks after the delete count again, as they did before
        assertThat(map.total(1)).isEqualTo(2);
    }

    @Test
    void manyDaysSwitchReadsToAScanWithTheSameAnswers() {
        TallyMap map = new TallyMap(1_000);
        for (int d = 0; d < 200; d++) {
            map.add(TallyMap.key(1, MAR_1 + d), 1);
            map.add(TallyMap.key(2, MAR_1 + d), 10);
        }

        assertThat(map.total(1)).isEqualTo(200);
        assertThat(map.total(2)).isEqualTo(2_000);
        map.forget(2);
        assertThat(map.total(2)).isZero();
        assertThat(daily(map, 1, MAR_1 + 10, MAR_1 + 12)).hasSize(3);
    }

    @Test
    void keysOutsideThePackingAreRefusedAndNeverAliased() {
        assertThatThrownBy(() -> TallyMap.key(-1, MAR_1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("link -1");
        assertThatThrownBy(() -> TallyMap.key(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TallyMap.key(TallyMap.MAX_LINK_ID + 1, MAR_1)).isInstanceOf(IllegalArgumentException.class);
        TallyMap map = new TallyMap(16);
        map.add(TallyMap.key(5, MAR_1), 1);
        assertThat(map.total(5 + (1L << (63 - TallyMap.DAY_BITS)))).isZero();
    }

    private static List<List<Long>> daily(TallyMap map, long link, long from, long to) {
        List<List<Long>> out = new ArrayList<>();
        map.daily(link, from, to, (day, clicks) -> out.add(List.of(day, clicks)));
        return out;
    }

    @Test
    void sortsKeysIntoAReusedArrayAndEntriesInPlace() {
        SplittableRandom random = new SplittableRandom(11);
        TallyMap map = new TallyMap(100);
        Map<Long, Long> expected = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            long key = TallyMap.key(random.nextLong(1, 2_000), MAR_1 + random.nextInt(2));
            map.add(key, 1 + i % 3);
            expected.merge(key, 1L + i % 3, Long::sum);
        }
        long[] sorted = expected.keySet().stream().sorted().mapToLong(Long::longValue).toArray();
        long[] big = new long[sorted.length + 10];
        assertThat(map.sortedKeys(big)).isSameAs(big);
        assertThat(java.util.Arrays.copyOf(big, sorted.length)).containsExactly(sorted);
        long[] small = new long[3];
        assertThat(map.sortedKeys(small)).isNotSameAs(small).containsExactly(sorted);

        map.sortInPlace();
        map.sortInPlace(); // again: harmless
        List<Long> keys = new ArrayList<>();
        map.forEach((key, count) -> {
            keys.add(key);
            assertThat(count).as("count of %d", key).isEqualTo(expected.get(key));
        });
        assertThat(keys).containsExactlyElementsOf(expected.keySet().stream().sorted().toList());

        map.clear();
        assertThat(map.size()).isZero();
        map.add(TallyMap.key(1, MAR_1), 4); // a cleared map counts again after a sort
        assertThat(map.get(TallyMap.key(1, MAR_1))).isEqualTo(4);
    }

    @Test
    void touchReadsTheSlotWhereAKeysProbeStartsAndChangesNothing() {
        TallyMap map = new TallyMap(16);
        long key = TallyMap.key(7, MAR_1);
        assertThat(map.touch(key)).isEqualTo(-1); // the free marker
        map.add(key, 3);
        assertThat(map.touch(key)).isEqualTo(key); // alone in the table: in its home slot
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.get(key)).isEqualTo(3);
    }
}
