package dev.shortr.store.postgres;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Rows of an upsert gathered column by column, sent as one array parameter per column (for {@code unnest}) when
 * {@link #flushAt} is reached:
 * {@code longs} numeric columns first, then {@code texts} text columns.
 */
final class ColumnArrays {
    private final int longs;
    private final long[][] numbers;
    private final String[][] strings;
    private int size;

    ColumnArrays(int longs, int texts) {
        this.longs = longs;
        this.numbers = new long[longs][64];
        this.strings = new String[texts][64];
    }

    void longs(long... row) {
        grow();
        for (int i = 0; i < longs; i++) {
            numbers[i][size] = row[i];
        }
        size++;
    }

    /** A dimension row: link, day, dim, then the value, then clicks and bots. */
    void add(long linkId, long day, int dim, String value, long clicks, long bots) {
        grow();
        numbers[0][size] = linkId;
        numbers[1][size] = day;
        numbers[2][size] = dim;
        numbers[3][size] = clicks;
        numbers[4][size] = bots;
        strings[0][size] = value;
        size++;
    }

    private void grow() {
        if (size == numbers[0].length) {
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = Arrays.copyOf(numbers[i], size * 2);
            }
            for (int i = 0; i < strings.length; i++) {
                strings[i] = Arrays.copyOf(strings[i], size * 2);
            }
        }
    }

    /** Runs {@code st} with the rows gathered once there are at least {@code rows} of them, then starts again. */
    void flushAt(int rows, PreparedStatement st) throws SQLException {
        if (size < rows || size == 0) {
            return;
        }
        if (strings.length == 0) {
            for (int i = 0; i < longs; i++) {
                st.setObject(i + 1, Arrays.copyOf(numbers[i], size));
            }
        } else { // link, day, dim, value, clicks, bots
            st.setObject(1, Arrays.copyOf(numbers[0], size));
            st.setObject(2, toInts(numbers[1]));
            st.setObject(3, toInts(numbers[2]));
            st.setObject(4, Arrays.copyOf(strings[0], size));
            st.setObject(5, Arrays.copyOf(numbers[3], size));
            st.setObject(6, Arrays.copyOf(numbers[4], size));
        }
        st.executeUpdate();
        size = 0;
    }

    private int[] toInts(long[] column) {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = Math.toIntExact(column[i]);
        }
        return out;
    }
}
