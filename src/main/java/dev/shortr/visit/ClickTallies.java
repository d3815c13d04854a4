package dev.shortr.visit;

import java.time.LocalDate;
import java.util.Collection;

/**
 * A batch of click increments in two flat arrays: {@code keys[i]} packs a link id and a UTC epoch day (see
 * {@link TallyMap#key}), {@code counts[i]} is how many clicks to add. Keys are distinct and ascending. A
 * flush of a hundred thousand link-days is two arrays, not a hundred thousand objects for the garbage
 * collector to copy if it runs while the flush is in flight.
 */
public record ClickTallies(long[] keys, long[] counts) {
    public ClickTallies {
        if (keys.length != counts.length) {
            throw new IllegalArgumentException("keys and counts differ in length");
        }
        for (int i = 1; i < keys.length; i++) {
            if (keys[i] <= keys[i - 1]) {
                throw new IllegalArgumentException("tally keys must be distinct and ascending");
            }
        }
        if (keys.length > 0 && keys[0] < 0) {
            throw new IllegalArgumentException("tally keys are never negative");
        }
    }

    /** Sums {@code tallies} per (link, day). */
    public static ClickTallies of(Collection<ClickTally> tallies) {
        TallyMap sums = new TallyMap(tallies.size());
        for (ClickTally t : tallies) {
            sums.add(TallyMap.key(t.linkId(), t.day().toEpochDay()), t.clicks());
        }
        return sums.snapshot();
    }

    public int size() {
        return keys.length;
    }

    public long linkId(int i) {
        return TallyMap.linkOf(keys[i]);
    }

    public LocalDate day(int i) {
        return LocalDate.ofEpochDay(TallyMap.dayOf(keys[i]));
    }

    public long clicks() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }
}
