package dev.shortr.visit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ClickQueueTest {
    @Test
    void handsOverEveryFieldInOrderAndDropsWhenFull() throws Exception {
        ClickQueue q = new ClickQueue(3); // rounded up to 4
        assertThat(q.capacity()).isEqualTo(4);
        InetAddress ip = InetAddress.getByName("192.0.2.7");
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(10 + i, 1000 + i, Click.HEAD, ip, "agent " + i, "ref " + i, "xff " + i)).isTrue();
        }
        assertThat(q.offer(99, 1, 0, null, null, null, null)).as("full").isFalse();
        assertThat(q.depth()).isEqualTo(4);
        assertThat(q.accepted()).isEqualTo(4);
        assertThat(q.dropped()).isEqualTo(1);

        List<Click> out = new ArrayList<>();
        assertThat(q.drain(out::add, 2)).isEqualTo(2);
        assertThat(q.offer(new Click(14, 1004, 0, null, "agent 4", null, null))).as("room again").isTrue();
        assertThat(q.drain(out::add, 100)).isEqualTo(3);
        assertThat(out).extracting(Click::linkId).containsExactly(10L, 11L, 12L, 13L, 14L);
        assertThat(out.get(1)).isEqualTo(new Click(11, 1001, Click.HEAD, ip, "agent 1", "ref 1", "xff 1"));
        assertThat(out.get(4)).isEqualTo(new Click(14, 1004, 0, null, "agent 4", null, null));
        assertThat(q.depth()).isZero();
        assertThat(q.drain(out::add, 100)).isZero();
    }

    @Test
    void manyProducersAndOneConsumerLoseAndDuplicateNothing() throws Exception {
        ClickQueue q = new ClickQueue(1024); // small, so producers wrap around it many times and sometimes find it full
        int producers = 4;
        int each = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    while (!q.offer(producer, i, 0, null, "p" + producer, null, null)) {
                        Thread.onSpinWait(); // full: retry, so every click gets in once
                    }
                }
            }));
        }
        long[] next = new long[producers];
        AtomicBoolean wrong = new AtomicBoolean();
        start.countDown();
        long seen = 0;
        while (seen < (long) producers * each) {
            seen += q.drain(c -> {
                int p = (int) c.linkId();
                // per producer, clicks come out in the order they went in, each once, fields intact
                if (c.epochMs() != next[p] || !c.userAgent().equals("p" + p)) {
                    wrong.set(true);
                }
                next[p] = c.epochMs() + 1;
            }, 512);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong).isFalse();
        assertThat(next).containsOnly(each);
        assertThat(q.accepted()).isEqualTo((long) producers * each);
        assertThat(q.depth()).isZero();
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new ClickQueue(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
