package dev.shortr.analytics;

import dev.shortr.enrich.Uniques;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stats queries: totals, a time series and top lists of a scope (one link, some links, or the whole
 * instance) over a range of days in a time zone. Counters are kept per UTC hour, so series are exact in any
 * zone with a whole-hour offset; top lists and uniques are kept per UTC day, so in other zones their first
 * and last days follow UTC day boundaries. Uniques are per day by design (the visitor salt changes daily,
 * so two days cannot be linked): a range reports the sum of its days' unique visitors.
 */
public final class Stats {
    private static final long MS_PER_HOUR = 3_600_000L;
    private static final long MS_PER_DAY = 86_400_000L;

    public enum Granularity { HOUR, DAY, MONTH }

    public record Point(ZonedDateTime start, Counts counts) {}

    public record Report(Counts totals, long uniques, List<Point> series, Map<Dim, List<Map.Entry<String, Counts>>> top) {}

    private final AnalyticsStore store;

    public Stats(AnalyticsStore store) {
        this.store = store;
    }

    /** The report of {@code scope} (null: the whole instance) for the days {@code from..to} (inclusive) in {@code zone}. */
    public Report report(Collection<Long> scope, LocalDate from, LocalDate to, ZoneId zone, Granularity g, int topN) {
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
        long fromHour = Math.floorDiv(start.toEpochMilli(), MS_PER_HOUR);
        long toHour = Math.floorDiv(end.toEpochMilli() + MS_PER_HOUR - 1, MS_PER_HOUR);
        Map<ZonedDateTime, Counts> buckets = emptyBuckets(from, to, zone, g);
        Counts totals = Counts.ZERO;
        for (Map.Entry<Long, Counts> e : store.hours(scope, fromHour, toHour)) {
            ZonedDateTime at = Instant.ofEpochMilli(e.getKey() * MS_PER_HOUR).atZone(zone);
            buckets.merge(truncate(at, g), e.getValue(), Counts::plus);
            totals = totals.plus(e.getValue());
        }
        List<Point> series = new ArrayList<>(buckets.size());
        buckets.forEach((at, c) -> series.add(new Point(at, c)));
        long fromDay = Math.floorDiv(start.toEpochMilli(), MS_PER_DAY);
        long toDay = Math.floorDiv(end.toEpochMilli() + MS_PER_DAY - 1, MS_PER_DAY);
        Map<Dim, List<Map.Entry<String, Counts>>> top = new EnumMap<>(Dim.class);
        for (Dim d : Dim.values()) {
            top.put(d, store.top(scope, d, fromDay, toDay, topN));
        }
        long[] uniques = {0};
        store.visitors(scope, fromDay, toDay, (link, day, hashes, sketch) -> {
            Uniques u = sketch == null ? new Uniques() : Uniques.fromBytes(sketch);
            for (long h : hashes) {
                u.add(h);
            }
            uniques[0] += u.estimate();
        });
        return new Report(totals, uniques[0], series, top);
    }

    private static Map<ZonedDateTime, Counts> emptyBuckets(LocalDate from, LocalDate to, ZoneId zone, Granularity g) {
        Map<ZonedDateTime, Counts> out = new LinkedHashMap<>();
        ZonedDateTime end = to.plusDays(1).atStartOfDay(zone);
        for (ZonedDateTime t = truncate(from.atStartOfDay(zone), g); t.isBefore(end); t = next(t, g)) {
            out.put(t, Counts.ZERO);
        }
        return out;
    }

    private static ZonedDateTime truncate(ZonedDateTime t, Granularity g) {
        return switch (g) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.toLocalDate().atStartOfDay(t.getZone());
            case MONTH -> t.toLocalDate().withDayOfMonth(1).atStartOfDay(t.getZone());
        };
    }

    private static ZonedDateTime next(ZonedDateTime t, Granularity g) {
        return switch (g) {
            case HOUR -> t.plusHours(1);
            case DAY -> t.toLocalDate().plusDays(1).atStartOfDay(t.getZone());
            case MONTH -> t.toLocalDate().plusMonths(1).atStartOfDay(t.getZone());
        };
    }
}
