package dev.shortr.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.store.memory.MemoryLinkStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final MemoryLinkStore store = new MemoryLinkStore();

    private static Link draft(String code) {
        return new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"), RedirectType.FOUND,
                null, false, null, null, List.of(), null, null, false, T0, T0, 0);
    }

    private static CompletableFuture<ChangeFeed.Read> readLater(ChangeFeed feed, long after, Duration wait) {
        return CompletableFuture.supplyAsync(() -> feed.read(after, 10, wait),
                r -> Thread.ofVirtual().start(r));
    }

    private static void awaitWaiting(ChangeFeed feed, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (feed.waiting() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(feed.waiting()).as("reads waiting").isEqualTo(n);
    }

    @Test
    void changesAfterTheCursorComeAtOnceWithTheNextCursorAndTheLastSeq() {
        store.insert(draft("abc123"));
        store.insert(draft("def456"));
        store.insert(draft("ghi789"));
        ChangeFeed feed = new ChangeFeed(store, NEVER, 10);

        ChangeFeed.Read read = feed.read(1, 1, NEVER);

        assertThat(read).isInstanceOf(ChangeFeed.Read.Changes.class);
        ChangeFeed.Read.Changes c = (ChangeFeed.Read.Changes) read;
        assertThat(c.changes()).extracting(ch -> ch.code().value()).containsExactly("def456");
        assertThat(c.next()).isEqualTo(2);
        assertThat(c.last()).isEqualTo(3);
    }

    @Test
    void aWaitingReadIsWokenByACommitThroughTheSignallingStoreWithoutPolling() throws Exception {
        ChangeFeed feed = new ChangeFeed(store, NEVER, 10); // no polling: only the signal can wake it
        LinkStore writes = feed.signalling(store);
        CompletableFuture<ChangeFeed.Read> read = readLater(feed, 0, Duration.ofSeconds(30));
        awaitWaiting(feed, 1);

        long start = System.nanoTime();
        writes.insert(draft("abc123"));
        ChangeFeed.Read r = read.get(5, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        assertThat(((ChangeFeed.Read.Changes) r).changes()).extracting(ch -> ch.code().value()).containsExactly("abc123");
        assertThat(feed.waiting()).isZero();
    }

    @Test
    void aWriteTheNodeDidNotSignalIsFoundByThePoll() throws Exception {
        ChangeFeed feed = new ChangeFeed(store, Duration.ofMillis(50), 10);
        CompletableFuture<ChangeFeed.Read> read = readLater(feed, 0, Duration.ofSeconds(30));
        awaitWaiting(feed, 1);

        store.insert(draft("abc123")); // "another node": straight to the store, no signal

        ChangeFeed.Read r = read.get(5, TimeUnit.SECONDS);
        assertThat(((ChangeFeed.Read.Changes) r).changes()).hasSize(1);
        feed.close();
    }

    @Test
    void aWaitRunsOutEmptyWithTheCursorUnchanged() {
        store.insert(draft("abc123"));
        ChangeFeed feed = new ChangeFeed(store, NEVER, 10);
        long start = System.nanoTime();

        ChangeFeed.Read r = feed.read(1, 10, Duration.ofMillis(200));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 2000L);
        assertThat(r).isEqualTo(new ChangeFeed.Read.Changes(List.of(), 1, 1));
    }

    @Test
    void closingEndsEveryWaitAndLaterReadsDoNotWait() throws Exception {
        ChangeFeed feed = new ChangeFeed(store, NEVER, 10);
        CompletableFuture<ChangeFeed.Read> a = readLater(feed, 0, Duration.ofSeconds(60));
        CompletableFuture<ChangeFeed.Read> b = readLater(feed, 0, Duration.ofSeconds(60));
        awaitWaiting(feed, 2);

        feed.close();

        assertThat(a.get(2, TimeUnit.SECONDS)).isEqualTo(new ChangeFeed.Read.Changes(List.of(), 0, 0));
        assertThat(b.get(2, TimeUnit.SECONDS)).isEqualTo(new ChangeFeed.Read.Changes(List.of(), 0, 0));
        long start = System.nanoTime();
        assertThat(feed.read(0, 10, Duration.ofSeconds(60))).isEqualTo(new ChangeFeed.Read.Changes(List.of(), 0, 0));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
    }

    @Test
    void beyondTheBoundOfWaitersAReadIsBusyInsteadOfWaiting() throws Exception {
        ChangeFeed feed = new ChangeFeed(store, NEVER, 2);
        CompletableFuture<ChangeFeed.Read> a = readLater(feed, 0, Duration.ofSeconds(60));
        CompletableFuture<ChangeFeed.Read> b = readLater(feed, 0, Duration.ofSeconds(60));
        awaitWaiting(feed, 2);

        assertThat(feed.read(0, 10, Duration.ofSeconds(60))).isEqualTo(new ChangeFeed.Read.Busy(2));
        assertThat(feed.read(0, 10, Duration.ZERO)).as("a read that would not wait is served")
                .isEqualTo(new ChangeFeed.Read.Changes(List.of(), 0, 0));
        feed.close();
        a.get(2, TimeUnit.SECONDS);
        b.get(2, TimeUnit.SECONDS);
    }

    @Test
    void aCursorBeyondTheLastSeqIsAhead() {
        store.insert(draft("abc123"));
        ChangeFeed feed = new ChangeFeed(store, NEVER, 10);

        assertThat(feed.read(5, 10, NEVER)).isEqualTo(new ChangeFeed.Read.Ahead(5, 1));
    }

    @Test
    void aFeedThatDoesNotContinueRightAfterTheCursorWasCompacted() {
        for (String c : List.of("abc123", "def456", "ghi789", "jkl012")) {
            store.insert(draft(c));
        }
        ChangeFeed feed = new ChangeFeed(new Compacted(store, 3), NEVER, 10);

        assertThat(feed.read(0, 10, NEVER)).isEqualTo(new ChangeFeed.Read.Compacted(0, 3));
        assertThat(feed.read(1, 10, NEVER)).isEqualTo(new ChangeFeed.Read.Compacted(1, 3));
        assertThat(feed.read(2, 10, NEVER)).isInstanceOf(ChangeFeed.Read.Changes.class);
    }

    /** A store whose feed has been compacted: changes before {@code oldest} are gone. */
    private static final class Compacted extends ForwardingLinkStore {
        private final long oldest;

        Compacted(LinkStore delegate, long oldest) {
            super(delegate);
            this.oldest = oldest;
        }

        @Override
        public List<Change> changesAfter(long after, int limit) {
            return super.changesAfter(Math.max(after, oldest - 1), limit);
        }
    }

    /** Hand-written forwarding stub: the {@link SignallingLinkStore} without the signal. */
    private static class ForwardingLinkStore implements LinkStore {
        private final LinkStore d;

        ForwardingLinkStore(LinkStore d) {
            this.d = d;
        }

        @Override public java.util.Optional<Link> find(ShortCode code) { return d.find(code); }
        @Override public boolean wasDeleted(ShortCode code) { return d.wasDeleted(code); }
        @Override public Insert insert(Link draft) { return d.insert(draft); }
        @Override public List<Insert> insertAll(List<Link> drafts) { return d.insertAll(drafts); }
        @Override public java.util.Optional<Link> update(ShortCode code, java.util.function.UnaryOperator<Link> change) { return d.update(code, change); }
        @Override public boolean delete(ShortCode code) { return d.delete(code); }
        @Override public Page<Link> list(LinkQuery query) { return d.list(query); }
        @Override public java.util.Optional<Link> findByTarget(String owner, String target) { return d.findByTarget(owner, target); }
        @Override public long lastSeq() { return d.lastSeq(); }
        @Override public List<Change> changesAfter(long after, int limit) { return d.changesAfter(after, limit); }
        @Override public long count() { return d.count(); }
        @Override public java.util.Map<Long, ShortCode> codes(java.util.Collection<Long> ids) { return d.codes(ids); }
        @Override public void ping() { d.ping(); }
    }
}
