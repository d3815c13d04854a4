package dev.shortr.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowsTest {
    @Test
    void sortsRowsByTheirFirstTwoColumnsKeepingEachRowWhole() {
        Random random = new Random(42);
        for (int n : new int[] {0, 1, 2, 17, 100, 10_000}) {
            for (int width : new int[] {2, 4}) {
                long[] rows = new long[n * width];
                for (int i = 0; i < rows.length; i++) {
                    // few distinct keys, so ties on column 0 are common; negative values too
                    rows[i] = i % width == 0 ? random.nextInt(50) - 10 : random.nextLong();
                }
                long[][] expected = new long[n][];
                for (int i = 0; i < n; i++) {
                    expected[i] = Arrays.copyOfRange(rows, i * width, (i + 1) * width);
                }
                Arrays.sort(expected, Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
                Rows.sort(rows, width);
                for (int i = 0; i < n; i++) {
                    assertThat(Arrays.copyOfRange(rows, i * width, (i + 1) * width)).as("row %d of %d", i, n).containsExactly(expected[i]);
                }
            }
        }
    }

    @Test
    void sortsAlreadySortedAndReversedInput() {
        long[] rows = new long[2 * 5000];
        for (int i = 0; i < 5000; i++) {
            rows[2 * i] = 5000 - i;
            rows[2 * i + 1] = i;
        }
        Rows.sort(rows, 2);
        for (int i = 0; i < 5000; i++) {
            assertThat(rows[2 * i]).isEqualTo(i + 1);
        }
        Rows.sort(rows, 2);
        assertThat(rows[0]).isEqualTo(1);
        assertThat(rows[rows.length - 2]).isEqualTo(5000);
    }

    @Test
    void refusesAnArrayThatIsNotWholeRows() {
        assertThatThrownBy(() -> Rows.sort(new long[5], 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
