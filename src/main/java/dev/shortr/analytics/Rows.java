package dev.shortr.analytics;

/** Sorting of fixed-width rows of longs packed in one array, by their first two columns, without boxing. */
final class Rows {
    private Rows() {}

    /** Sorts the rows of {@code width} longs in {@code rows} by column 0, then column 1, ascending (signed). */
    static void sort(long[] rows, int width) {
        if (width < 2 || rows.length % width != 0) {
            throw new IllegalArgumentException("rows of " + width + " longs cannot fill " + rows.length);
        }
        sort(rows, width, 0, rows.length / width - 1);
    }

    /** Sorts the first {@code count} rows of {@code width} longs in {@code rows}, as {@link #sort(long[], int)}. */
    static void sort(long[] rows, int width, int count) {
        if (width < 2 || count < 0 || (long) count * width > rows.length) {
            throw new IllegalArgumentException(count + " rows of " + width + " longs do not fit in " + rows.length);
        }
        sort(rows, width, 0, count - 1);
    }

    private static boolean less(long[] r, int w, int a, int b) {
        long ka = r[a * w];
        long kb = r[b * w];
        return ka < kb || ka == kb && r[a * w + 1] < r[b * w + 1];
    }

    private static void swap(long[] r, int w, int a, int b) {
        for (int k = 0; k < w; k++) {
            long t = r[a * w + k];
            r[a * w + k] = r[b * w + k];
            r[b * w + k] = t;
        }
    }

    /** Quicksort of rows lo..hi (inclusive) with a median-of-three pivot; insertion sort for short runs. */
    private static void sort(long[] r, int w, int lo, int hi) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            if (less(r, w, mid, lo)) {
                swap(r, w, mid, lo);
            }
            if (less(r, w, hi, lo)) {
                swap(r, w, hi, lo);
            }
            if (less(r, w, hi, mid)) {
                swap(r, w, hi, mid);
            }
            swap(r, w, mid, hi - 1); // the pivot waits at hi - 1
            int pivot = hi - 1;
            int i = lo;
            int j = hi - 1;
            while (true) {
                while (less(r, w, ++i, pivot)) {
                    // scan right
                }
                while (less(r, w, pivot, --j)) {
                    // scan left
                }
                if (i >= j) {
                    break;
                }
                swap(r, w, i, j);
            }
            swap(r, w, i, hi - 1);
            if (i - lo < hi - i) { // recurse into the smaller side: the stack stays logarithmic
                sort(r, w, lo, i - 1);
                lo = i + 1;
            } else {
                sort(r, w, i + 1, hi);
                hi = i - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && less(r, w, j, j - 1); j--) {
                swap(r, w, j, j - 1);
            }
        }
    }
}
