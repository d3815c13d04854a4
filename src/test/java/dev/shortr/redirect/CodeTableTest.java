package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CodeTableTest {
    private static Entry entry(long n) {
        return new Entry.Unknown(n, false);
    }

    private static String code(int i) {
        return "c" + Integer.toString(i, 36);
    }

    @Test
    void behavesAsAMapThroughGrowthTombstonesAndLongCodes() {
        CodeTable table = new CodeTable(16); // small on purpose: it has to rebuild many times
        Map<String, Entry> expected = new HashMap<>();
        Random random = new Random(3);
        for (int round = 0; round < 200_000; round++) {
            int i = random.nextInt(20_000);
            String c = i % 97 == 0 ? "a-much-longer-alias-" + i : code(i); // some too long to pack
            CodeKey key = CodeKey.of(c);
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    Entry e = entry(round);
                    table.putIfAbsent(key, e);
                    expected.putIfAbsent(c, e);
                }
                case 2 -> assertThat(table.remove(key)).isSameAs(expected.remove(c));
                default -> assertThat(table.getIfPresent(key)).as(c).isSameAs(expected.get(c));
            }
        }
        assertThat(table.size()).isEqualTo(expected.size());
        expected.forEach((c, e) -> assertThat(table.getIfPresent(CodeKey.of(c))).isSameAs(e));
        CodeKey.Probe probe = CodeKey.probe();
        probe.setPacked(CodeKey.pack(code(5), 0, code(5).length()));
        assertThat(table.getIfPresent(probe)).as("found by a probe").isSameAs(expected.get(code(5)));

        table.removeIf(e -> ((Entry.Unknown) e).deadlineMs() % 2 == 0);
        expected.values().removeIf(e -> ((Entry.Unknown) e).deadlineMs() % 2 == 0);
        assertThat(table.size()).isEqualTo(expected.size());
        expected.forEach((c, e) -> assertThat(table.getIfPresent(CodeKey.of(c))).isSameAs(e));
    }

    @Test
    void removeWithAnExpectedEntryLeavesAnotherAlone() {
        CodeTable table = new CodeTable(16);
        CodeKey key = CodeKey.of("abc");
        Entry a = entry(1);
        table.putIfAbsent(key, a);
        table.remove(key, entry(2));
        assertThat(table.getIfPresent(key)).isSameAs(a);
        table.remove(key, a);
        assertThat(table.getIfPresent(key)).isNull();
        assertThat(table.size()).isZero();
    }

    @Test
    void concurrentLoadsOfOneCodeShareOneLoadAndAFailureReachesEveryCaller() throws Exception {
        CodeTable table = new CodeTable(16);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch inLoader = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Entry> got = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual().start(() -> got.add(table.get(CodeKey.of("same"), k -> {
                loads.incrementAndGet();
                inLoader.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return entry(42);
            }))));
        }
        inLoader.await();
        Thread.sleep(50); // the others are waiting on the first load by now
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(loads).hasValue(1);
        assertThat(got).hasSize(8).allSatisfy(e -> assertThat(e).isSameAs(got.get(0)));
        assertThat(table.getIfPresent(CodeKey.of("same"))).isSameAs(got.get(0));

        assertThatThrownBy(() -> table.get(CodeKey.of("boom"), k -> {
            throw new IllegalStateException("store down");
        })).hasMessage("store down");
        assertThat(table.getIfPresent(CodeKey.of("boom"))).isNull();
    }

    @Test
    void aLoadOvertakenByAnInvalidationIsServedButNotKept() throws Exception {
        CodeTable table = new CodeTable(16);
        CodeKey key = CodeKey.of("edited");
        Entry stale = table.get(key, k -> {
            table.remove(CodeKey.of("edited")); // the link is edited while its old version is being read
            return entry(1);
        });
        assertThat(stale).isNotNull();
        assertThat(table.getIfPresent(key)).as("the possibly stale load is not cached").isNull();
        Entry fresh = table.get(key, k -> entry(2));
        assertThat(table.getIfPresent(key)).isSameAs(fresh);
    }

    @Test
    void readersNeverSeeAKeyWithoutItsValueWhileAWriterChurns() throws Exception {
        CodeTable table = new CodeTable(16);
        int codes = 5_000;
        Entry[] entries = new Entry[codes];
        for (int i = 0; i < codes; i++) {
            entries[i] = entry(i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean wrong = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                Random random = new Random();
                CodeKey.Probe probe = CodeKey.probe();
                while (!stop.get()) {
                    int i = random.nextInt(codes);
                    probe.setPacked(CodeKey.pack(code(i), 0, code(i).length()));
                    Entry e = table.getIfPresent(probe);
                    if (e != null && e != entries[i]) {
                        wrong.set(true); // another code's entry, or a torn one
                    }
                }
            }));
        }
        Random random = new Random(9);
        for (int n = 0; n < 300_000; n++) {
            int i = random.nextInt(codes);
            if (random.nextBoolean()) {
                table.putIfAbsent(CodeKey.of(code(i)), entries[i]);
            } else {
                table.remove(CodeKey.of(code(i)));
            }
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(wrong).isFalse();
    }
}
