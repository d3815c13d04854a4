package dev.shortr.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import dev.shortr.store.memory.MemoryLinkStore;
import dev.shortr.store.memory.MemoryPurgeCursors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The purge courier over the in-memory link store and cursors, with a hand-driven clock and a target that fails on demand. */
class PurgeCourierTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Duration SETTLE = Duration.ofMillis(250);
    private static final Duration BASE = Duration.ofSeconds(1);

    /** A clock the test moves. */
    private static final class Hand extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /** Records every purge it is asked for; fails while {@link #failing} is set. */
    private static final class Target implements PurgeTarget {
        final List<List<String>> asked = new ArrayList<>();
        String failing;

        @Override
        public String name() {
            return "varnish http://cache.test:6081";
        }

        @Override
        public Sent purge(List<String> codes) {
            asked.add(codes);
            return failing == null ? Sent.DONE : new Sent.Failed(failing);
        }

        List<String> done() {
            return asked.stream().flatMap(List::stream).toList();
        }
    }

    private final Hand clock = new Hand();
    private final MemoryLinkStore links = new MemoryLinkStore(clock);
    private final MemoryPurgeCursors cursors = new MemoryPurgeCursors();
    private final Target target = new Target();

    private PurgeCourier courier(String holder, int maxAttempts) {
        return new PurgeCourier(target, cursors, links, holder, maxAttempts, BASE, SETTLE, clock, new RandomMiddle());
    }

    /** nextDouble() is 0.5: delays without jitter. */
    private static final class RandomMiddle implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public double nextDouble() {
            return 0.5;
        }
    }

    private void create(String code) {
        links.insert(new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"),
                RedirectType.MOVED_PERMANENTLY, null, false, null, null, List.of(), null, null, false, clock.instant(),
                clock.instant(), 0));
    }

    private void edit(String code) {
        links.update(new ShortCode(code), l -> new Link(l.id(), l.code(), new TargetUrl("https://example.org/" + code, "example.org"),
                l.redirect(), l.cacheSeconds(), l.forwardQuery(), l.expiresAt(), l.maxClicks(), l.tags(), l.title(), l.owner(),
                l.disabled(), l.createdAt(), clock.instant(), l.seq()));
    }

    /** Runs rounds until one asks to wait (nothing more to do now), moving the clock by nothing. */
    private Duration drain(PurgeCourier c) {
        for (int i = 0; i < 100; i++) {
            Duration wait = c.round();
            if (!wait.isZero()) {
                return wait;
            }
        }
        throw new AssertionError("the courier never waited");
    }

    @Test
    void editsAndDeletesArePurgedOnceAndCreatesNot() {
        PurgeCourier c = courier("node-a", 5);
        drain(c); // first round: the target starts at the end of the feed
        create("abc123");
        create("def456");
        edit("abc123");
        links.delete(new ShortCode("def456"));
        clock.advance(SETTLE);

        drain(c);

        assertThat(target.done()).containsExactly("abc123", "def456");
        assertThat(c.purged()).isEqualTo(2);
        assertThat(c.lag()).isZero();
        drain(c);
        assertThat(target.asked).as("nothing is purged twice").hasSize(1);
    }

    @Test
    void aTargetSeenForTheFirstTimeStartsAtTheEndOfTheFeed() {
        create("abc123");
        edit("abc123");
        clock.advance(SETTLE);
        drain(courier("node-a", 5));
        assertThat(target.asked).isEmpty();
    }

    @Test
    void aChangeIsPurgedOnlyOnceItIsSettleOld() {
        PurgeCourier c = courier("node-a", 5);
        drain(c);
        create("abc123");
        clock.advance(Duration.ofSeconds(1));
        edit("abc123");

        Duration wait = drain(c);

        assertThat(target.asked).isEmpty();
        assertThat(wait).isBetween(Duration.ofMillis(1), SETTLE.plusMillis(1));
        clock.advance(wait);
        drain(c);
        assertThat(target.done()).containsExactly("abc123");
    }

    @Test
    void aFailedPurgeIsRetriedWithGrowingDelaysAndTheCursorWaits() {
        PurgeCourier c = courier("node-a", 10);
        drain(c);
        create("abc123");
        edit("abc123");
        clock.advance(SETTLE);
        target.failing = "connection refused";

        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waits.add(c.round());
            clock.advance(waits.getLast());
            edit("abc123"); // edits keep coming while the target is down
            create("new00" + i);
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(c.failedAttempts()).isEqualTo(3);
        assertThat(target.asked).as("the same batch, every time").containsOnly(List.of("abc123"));

        target.failing = null;
        clock.advance(SETTLE);
        drain(c);
        assertThat(c.purged()).isEqualTo(2); // the batch that failed, then the edits made meanwhile
        assertThat(target.asked.getLast()).containsExactly("abc123");
        assertThat(c.lag()).isZero();
        assertThat(c.gaveUp()).isZero();
    }

    @Test
    void delaysStopGrowingAtFiveMinutes() {
        PurgeCourier c = courier("node-a", 100);
        assertThat(c.delay(1)).isEqualTo(BASE);
        assertThat(c.delay(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(c.delay(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.delay(60)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void afterTheLastAttemptTheBatchIsGivenUpVisiblyAndLaterOnesGoOn() {
        PurgeCourier c = courier("node-a", 3);
        drain(c);
        create("abc123");
        edit("abc123");
        clock.advance(SETTLE);
        target.failing = "HTTP 400: bad key";
        c.round();
        c.round();
        assertThat(c.round()).as("the third failure gives up and moves on at once").isZero();
        assertThat(c.gaveUp()).isEqualTo(1);
        assertThat(c.failedAttempts()).isEqualTo(3);

        target.failing = null;
        create("def456");
        edit("def456");
        clock.advance(SETTLE);
        drain(c);
        assertThat(target.asked.getLast()).containsExactly("def456");
        assertThat(c.purged()).isEqualTo(1);
    }

    @Test
    void aRestartedNodeGoesOnFromTheStoredCursorSoNothingIsLost() {
        PurgeCourier before = courier("node-a", 5);
        drain(before);
        create("abc123");
        edit("abc123");
        clock.advance(SETTLE);
        target.failing = "connection refused";
        before.round(); // fails; then the node stops

        // the node comes back (a new holder id) after its old lease has run out
        clock.advance(PurgeCourier.LEASE);
        target.failing = null;
        drain(courier("node-a-restarted", 5));
        assertThat(target.done()).containsExactly("abc123", "abc123");
    }

    @Test
    void nodesSharingAStorePurgeEachChangeOnce() {
        PurgeCourier a = courier("node-a", 5);
        PurgeCourier b = courier("node-b", 5);
        drain(a);
        assertThat(b.round()).as("node b stands by while node a holds the lease").isEqualTo(PurgeCourier.STANDBY);
        create("abc123");
        edit("abc123");
        clock.advance(SETTLE);
        drain(a);
        drain(b);
        assertThat(target.done()).containsExactly("abc123");

        // node a stops renewing: once its lease runs out, node b takes over where it left off
        clock.advance(PurgeCourier.LEASE);
        edit("abc123");
        clock.advance(SETTLE);
        drain(b);
        assertThat(target.done()).containsExactly("abc123", "abc123");
        assertThat(b.purged()).isEqualTo(1);
    }

    @Test
    void manyChangesGoInBatches() {
        PurgeCourier c = courier("node-a", 5);
        drain(c);
        for (int i = 0; i < 250; i++) {
            create("code" + i);
            edit("code" + i);
        }
        clock.advance(SETTLE);
        drain(c);
        assertThat(target.asked).hasSizeGreaterThanOrEqualTo(3).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(PurgeCourier.BATCH));
        assertThat(target.done()).hasSize(250).doesNotHaveDuplicates();
    }
}
