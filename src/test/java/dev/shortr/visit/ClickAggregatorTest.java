package dev.shortr.visit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.store.memory.MemoryClickStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClickAggregatorTest {
    private static final long DAY1 = Instant.parse("2026-11-23T23:59:59.999Z").toEpochMilli();
    private static final long DAY2 = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();

    @Test
    void theFlushThreadExistsAsSoonAsTheAggregatorStarts() throws InterruptedException {
        // the node lowers housekeeping threads' priority right after start-up, by name: a flush thread made at
        // the first flush would miss that, and inherit the aggregator's normal priority
        java.util.function.Supplier<Long> flushThreads = () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("click-flush") && t.isAlive()).count();
        long before = flushThreads.get();
        try (ClickAggregator agg = new ClickAggregator(new ClickQueue(16), new MemoryClickStore(), 60_000, 1000).start()) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (flushThreads.get() == before && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(flushThreads.get()).isEqualTo(before + 1);
        }
    }

    @Test
    void countsEveryAcceptedClickPerLinkAndUtcDay() {
        ClickQueue q = new ClickQueue(10_000);
        MemoryClickStore store = new MemoryClickStore();
        try (ClickAggregator agg = new ClickAggregator(q, store, 20, 1000).start()) {
            for (int i = 0; i < 3000; i++) {
                q.offer(new Click(7, i % 3 == 0 ? DAY1 : DAY2));
            }
            q.offer(new Click(8, DAY2));
        }
        assertThat(store.total(7)).isEqualTo(3000);
        assertThat(store.total(8)).isEqualTo(1);
        assertThat(store.daily(7, LocalDate.parse("2026-11-23"), LocalDate.parse("2026-11-24")))
                .containsExactly(new DailyClicks(LocalDate.parse("2026-11-23"), 1000), new DailyClicks(LocalDate.parse("2026-11-24"), 2000));
    }

    @Test
    void aClickThatCannotBeCountedDoesNotTakeItsBatchWithIt() {
        ClickQueue q = new ClickQueue(10_000);
        MemoryClickStore store = new MemoryClickStore();
        try (ClickAggregator agg = new ClickAggregator(q, store, 20, 1000)) {
            // queued before the aggregator starts, so all of them arrive in one drained batch
            for (int i = 0; i < 100; i++) {
                q.offer(new Click(7, DAY2));
                if (i == 50) {
                    q.offer(new Click(TallyMap.MAX_LINK_ID + 1, DAY2)); // out of range: no key for it
                    q.offer(new Click(9, -1)); // before 1970
                }
            }
            agg.start();
        }
        assertThat(store.total(7)).isEqualTo(100);
        assertThat(store.total(9)).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        ClickQueue q = new ClickQueue(8);
        for (int i = 0; i < 11; i++) {
            q.offer(new Click(1, DAY2));
        }
        assertThat(q.accepted()).isEqualTo(8);
        assertThat(q.dropped()).isEqualTo(3);
        assertThat(q.depth()).isEqualTo(8);
    }

    @Test
    void aFailedFlushKeepsItsClicksForTheNextOne() {
        MemoryClickStore real = new MemoryClickStore();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        ClickStore flaky = new ClickStore() {
            @Override
            public void add(ClickTallies tallies) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("store down");
                }
                real.add(tallies);
            }

            @Override
            public long total(long linkId) {
                return real.total(linkId);
            }

            @Override
            public Map<Long, Long> totals(Collection<Long> ids) {
                return real.totals(ids);
            }

            @Override
            public List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to) {
                return real.daily(linkId, from, to);
            }
        };
        ClickQueue q = new ClickQueue(100);
        ClickAggregator agg = new ClickAggregator(q, flaky, 10, 1000).start();
        for (int i = 0; i < 42; i++) {
            q.offer(new Click(3, DAY2));
        }
        agg.close();
        assertThat(agg.flushFailures()).isGreaterThanOrEqualTo(1);
        assertThat(real.total(3)).isEqualTo(42);
        assertThat(agg.flushedClicks()).isEqualTo(42);
    }

    @Test
    void closeReturnsPromptlyEvenWithALongFlushInterval() {
        ClickQueue q = new ClickQueue(100);
        MemoryClickStore store = new MemoryClickStore();
        ClickAggregator agg = new ClickAggregator(q, store, 60_000, 1_000_000).start();
        q.offer(new Click(9, DAY2));
        long start = System.nanoTime();
        agg.close();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        assertThat(store.total(9)).isEqualTo(1);
    }

    // ---- on an event loop (a single-threaded scheduler stands in for it) ---------------------------------

    /** Records how many clicks each round on the loop handed over, and on which threads rounds ran. */
    private static final class Rounds implements VisitRecorder {
        final java.util.List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void prefetch(Click[] clicks, int n) {
            if (n > 0) {
                threads.add(Thread.currentThread().getName());
                if (Thread.currentThread().getName().equals("test-loop")) {
                    sizes.add(n); // close() drains the rest on its own thread, in one go
                }
            }
        }

        @Override
        public void record(Click click) {}

        @Override
        public Batch drain(boolean everything) {
            return null;
        }
    }

    @Test
    void onALoopEveryClickIsCountedInRoundsOfAtMostASliceOnTheLoopThread() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> new Thread(r, "test-loop"));
        try {
            ClickQueue q = new ClickQueue(1 << 16);
            MemoryClickStore store = new MemoryClickStore();
            Rounds rounds = new Rounds();
            for (int i = 0; i < 5000; i++) { // a backlog before the first round
                q.offer(new Click(4, DAY2));
            }
            ClickAggregator agg = new ClickAggregator(q, store, 20, 100_000, rounds).startOn(loop);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (store.total(4) < 5000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(store.total(4)).as("flushed while running, not only at close").isEqualTo(5000);
            for (int i = 0; i < 300; i++) {
                q.offer(new Click(5, DAY2));
            }
            agg.close();
            assertThat(store.total(5)).isEqualTo(300);
            assertThat(rounds.sizes).allMatch(n -> n <= ClickAggregator.LOOP_SLICE);
            assertThat(rounds.sizes.stream().mapToInt(Integer::intValue).sum()).as("the backlog went in rounds")
                    .isGreaterThanOrEqualTo(5000);
            assertThat(rounds.threads).contains("test-loop");
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void onALoopThatHasStoppedCloseStillFlushesWhatWasQueued() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        ClickQueue q = new ClickQueue(1024);
        MemoryClickStore store = new MemoryClickStore();
        ClickAggregator agg = new ClickAggregator(q, store, 60_000, 1_000_000).startOn(loop);
        for (int i = 0; i < 77; i++) {
            q.offer(new Click(6, DAY2));
        }
        loop.shutdown(); // as the server's loops are, before the node closes the aggregator
        assertThat(loop.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        agg.close();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        assertThat(store.total(6)).isEqualTo(77);
        assertThat(agg.flushedClicks()).isEqualTo(77);
    }
}
