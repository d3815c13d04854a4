package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import com.dynatrace.hash4j.hashing.Hashing;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UniquesTest {
    /** Visitor {@code i}'s hash: deterministic, and as uniform as real {@link VisitorHash} values. */
    private static long visitor(long i) {
        return Hashing.xxh3_64().hashLongToLong(i);
    }

    private static Uniques of(long from, long to) {
        Uniques u = new Uniques();
        for (long i = from; i < to; i++) {
            u.add(visitor(i));
        }
        return u;
    }

    @Test
    void countsExactlyUpTo256AndIgnoresRepeats() {
        Uniques u = new Uniques();
        assertThat(u.estimate()).isZero();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 256; i++) {
                u.add(visitor(i));
                if (round == 0) {
                    assertThat(u.estimate()).isEqualTo(i + 1);
                }
            }
        }
        assertThat(u.estimate()).isEqualTo(256);
        assertThat(u.toBytes()).hasSize(1 + 256 * 8);
    }

    @Test
    void estimates100kDistinctWithin2Percent() {
        Uniques u = of(0, 100_000);
        for (long i = 0; i < 100_000; i += 7) {
            u.add(visitor(i));
        }
        assertThat((double) u.estimate()).isCloseTo(100_000, within(2_000.0));
        // the sketch is no longer exact: the 257th visitor switched it
        assertThat(u.toBytes()[0]).isEqualTo((byte) 0x02);
    }

    @Test
    void justPastTheExactLimitTheEstimateIsStillClose() {
        assertThat(of(0, 257).estimate()).isBetween(252L, 262L);
    }

    @Test
    void mergingTwoHalvesEstimatesTheWhole() {
        long whole = of(0, 100_000).estimate();
        Uniques first = of(0, 60_000);
        Uniques second = of(40_000, 100_000);
        first.merge(second);
        assertThat((double) first.estimate()).isCloseTo(whole, within(whole * 0.02));
        assertThat(second.estimate()).isEqualTo(of(40_000, 100_000).estimate());
    }

    @Test
    void mergingMixesExactSetsAndSketches() {
        Uniques small = of(0, 100);
        small.merge(of(50, 150));
        assertThat(small.estimate()).isEqualTo(150);

        Uniques crossing = of(0, 200);
        crossing.merge(of(100, 300));
        assertThat((double) crossing.estimate()).isCloseTo(300, within(6.0));

        Uniques exactIntoSketch = of(0, 10);
        exactIntoSketch.merge(of(10, 20_000));
        Uniques sketchFromExact = of(10, 20_000);
        sketchFromExact.merge(of(0, 10));
        assertThat(exactIntoSketch.estimate()).isEqualTo(sketchFromExact.estimate()).isCloseTo(20_000, within(400L));
    }

    @Test
    void survivesARoundTripThroughBytes() {
        for (Uniques u : new Uniques[] {new Uniques(), of(0, 3), of(0, 256), of(0, 5_000)}) {
            Uniques back = Uniques.fromBytes(u.toBytes());
            assertThat(back.estimate()).isEqualTo(u.estimate());
            assertThat(back.toBytes()).isEqualTo(u.toBytes());
        }
        Uniques back = Uniques.fromBytes(of(0, 100).toBytes());
        back.add(visitor(5));
        back.add(visitor(100));
        assertThat(back.estimate()).isEqualTo(101);
    }

    @Test
    void refusesBytesItCouldNotHaveWritten() {
        byte[] exact = of(0, 3).toBytes();
        byte[] swapped = exact.clone();
        System.arraycopy(exact, 1, swapped, 9, 8);
        System.arraycopy(exact, 9, swapped, 1, 8);
        byte[] sketch = of(0, 1_000).toBytes();
        for (byte[] bad : new byte[][] {
            null, {}, {0x00}, {0x03, 1, 2}, {0x01, 1, 2, 3}, swapped, Arrays.copyOf(exact, exact.length + 1),
            Arrays.copyOf(sketch, sketch.length - 1), Arrays.copyOf(new byte[] {0x01}, 1 + 257 * 8),
        }) {
            assertThatIllegalArgumentException().isThrownBy(() -> Uniques.fromBytes(bad));
        }
    }

    @Test
    void sketchesStoredAtTheOldPrecisionAreReadAndMergeEitherWay() {
        com.dynatrace.hash4j.distinctcount.HyperLogLog old = com.dynatrace.hash4j.distinctcount.HyperLogLog.create(14);
        for (int i = 0; i < 10_000; i++) {
            old.add(visitor(i));
        }
        byte[] oldBytes = new byte[1 + old.getState().length];
        oldBytes[0] = 0x02;
        System.arraycopy(old.getState(), 0, oldBytes, 1, old.getState().length);
        Uniques stored = Uniques.fromBytes(oldBytes);
        assertThat(stored.estimate()).isCloseTo(10_000, within(300L));

        Uniques newer = of(10_000, 20_000); // a sketch at the current precision
        Uniques a = Uniques.fromBytes(oldBytes);
        a.merge(newer);
        Uniques b = of(10_000, 20_000);
        b.merge(Uniques.fromBytes(oldBytes));
        assertThat(a.estimate()).isEqualTo(b.estimate()).isCloseTo(20_000, within(600L));
        assertThat(a.toBytes()).hasSize(oldBytes.length); // the union is as coarse as its coarsest part
        assertThat(Uniques.fromBytes(a.toBytes()).estimate()).isEqualTo(a.estimate());
    }
}
