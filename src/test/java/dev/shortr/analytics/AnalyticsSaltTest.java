package dev.shortr.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.AnalyticsConfig;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.enrich.UserAgents;
import dev.shortr.visit.Click;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The daily visitor salt changes at midnight without the aggregator waiting for the store. */
class AnalyticsSaltTest {
    private static final long DAY_MS = 86_400_000L;
    private static final long DAY = 20_400;

    /** Keeps salts in a map and notes which thread asked for which day. */
    private static final class SaltStore implements AnalyticsStore {
        final Map<Long, byte[]> salts = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public byte[] salt(long day, Supplier<byte[]> fresh) {
            calls.add("salt " + day + " on " + (Thread.currentThread().getName().equals("aggregator") ? "aggregator" : "other"));
            return salts.computeIfAbsent(day, d -> fresh.get());
        }

        @Override
        public void forgetSalts(long day) {
            calls.add("forget before " + day);
            salts.keySet().removeIf(d -> d < day);
        }

        @Override
        public void write(Batch batch, BinaryOperator<byte[]> mergeSketches) {}

        @Override
        public List<Map.Entry<Long, Counts>> hours(Collection<Long> scope, long fromHour, long toHour) {
            return List.of();
        }

        @Override
        public List<Map.Entry<String, Counts>> top(Collection<Long> scope, Dim dim, long fromDay, long toDay, int limit) {
            return List.of();
        }

        @Override
        public void visitors(Collection<Long> scope, long fromDay, long toDay, VisitorSink sink) {}

        @Override
        public void visits(Collection<Long> scope, long fromMs, long toMs, Consumer<Visit> sink) {}

        @Override
        public long purgeVisits(long beforeMs) {
            return 0;
        }
    }

    @Test
    void theNextDaysSaltIsFetchedBeforeMidnightOffTheAggregatorAndOldSaltsAreForgotten() throws Exception {
        SaltStore store = new SaltStore();
        Analytics analytics = new Analytics(store, AnalyticsConfig.defaults(), new UserAgents(16), GeoLookup.none(), 60_000);
        InetAddress ip = InetAddress.getByName("203.0.113.9");
        Thread aggregator = new Thread(() -> {
            long noon = DAY * DAY_MS + DAY_MS / 2;
            analytics.record(new Click(1, noon, 0, ip, "curl/8", null, null));
            analytics.drain(false); // mid-day: nothing to fetch yet
            long late = (DAY + 1) * DAY_MS - 5 * 60_000; // 23:55
            analytics.record(new Click(1, late, 0, ip, "curl/8", null, null));
            analytics.drain(false); // starts fetching tomorrow's salt
        }, "aggregator");
        aggregator.start();
        aggregator.join();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!store.salts.containsKey(DAY + 1) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store.calls).contains("salt " + DAY + " on aggregator", "salt " + (DAY + 1) + " on other");

        Thread afterMidnight = new Thread(() -> analytics.record(new Click(1, (DAY + 1) * DAY_MS + 1000, 0, ip, "curl/8", null, null)),
                "aggregator");
        afterMidnight.start();
        afterMidnight.join();
        assertThat(store.calls).doesNotContain("salt " + (DAY + 1) + " on aggregator");
        while (!store.calls.contains("forget before " + (DAY + 1)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store.calls).contains("forget before " + (DAY + 1));
        assertThat(store.salts).containsOnlyKeys(DAY + 1);
    }
}
