package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.RedirectConfig;
import dev.shortr.link.CodeGenerator;
import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.LinkPatch;
import dev.shortr.link.LinkSpec;
import dev.shortr.link.Links;
import dev.shortr.link.ShortCode;
import dev.shortr.store.memory.MemoryClickStore;
import dev.shortr.store.memory.MemoryLinkStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' caches over one store, without Redis: node A edits through its invalidating store, node B hears a
 * notice (or, when it is lost, reads the change feed) and must then answer with the edit.
 */
class InvalidationsTest {
    private static final Duration NEVER = Duration.ofHours(1);

    private final MemoryLinkStore store = new MemoryLinkStore();
    private final RedirectTier a = tier();
    private final RedirectTier b = tier();
    private Invalidations atB;

    private RedirectTier tier() {
        return new RedirectTier(store, new MemoryClickStore(), null, new RedirectConfig(3600, 1000, Duration.ofSeconds(5)), null);
    }

    /** Node A's use cases; each change it makes is announced to B through {@code peers}. */
    private Links nodeA(InvalidatingLinkStore.Peers peers) {
        return new Links(new InvalidatingLinkStore(store, a, peers), new CodeGenerator(7), DomainBlocklist.NONE, Clock.systemUTC());
    }

    /** Starts B's invalidations and waits for its first read of the feed (the one on (re)connecting), made at once. */
    private Invalidations startB(Duration whenConnected, Duration whenCut, boolean connected) throws InterruptedException {
        atB = new Invalidations(store, b, whenConnected, whenCut);
        atB.connected(connected);
        atB.start();
        shows(() -> Long.toString(Math.min(1, atB.feedReads())), "1", Duration.ofSeconds(1));
        return atB;
    }

    @AfterEach
    void stop() {
        if (atB != null) {
            atB.close();
        }
    }

    private static String target(RedirectTier t, String code) {
        Entry e = t.load(code);
        return e instanceof Entry.Target target ? new String(target.location, StandardCharsets.US_ASCII) : "unknown";
    }

    private static void edit(Links links, String code, String url) {
        links.update(new ShortCode(code), new LinkPatch(url, null, null, null, null, null, null, null, null, null));
    }

    /** Waits up to {@code within} for {@code actual} to say {@code expected}; returns how long that took, in ms. */
    private static long shows(Supplier<String> actual, String expected, Duration within) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        while (!actual.get().equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + actual.get() + " instead of " + expected + " after " + within.toMillis() + " ms");
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aNoticeDropsTheCodeOnTheOtherNodeAtOnce() throws InterruptedException {
        startB(NEVER, NEVER, true);
        Links links = nodeA((code, seq) -> atB.notice(code.value()));
        links.create(new LinkSpec("https://example.com/v1", "abc123", null, null, null, null, null, null, null, null), null);
        assertThat(target(b, "abc123")).isEqualTo("https://example.com/v1");

        edit(links, "abc123", "https://example.com/v2");
        shows(() -> target(b, "abc123"), "https://example.com/v2", Duration.ofSeconds(1));
        shows(() -> Long.toString(atB.fromNotices()), "2", Duration.ofSeconds(1)); // the create's and the edit's (counted after the drop)
        assertThat(atB.fromFeed()).as("the feed is not what told B").isZero();
    }

    @Test
    void aNoticeAlsoDropsACachedUnknownCode() throws InterruptedException {
        startB(NEVER, NEVER, true);
        Links links = nodeA((code, seq) -> atB.notice(code.value()));
        assertThat(target(b, "def456")).as("cached as unknown for the negative TTL (5 s)").isEqualTo("unknown");
        links.create(new LinkSpec("https://example.com/new", "def456", null, null, null, null, null, null, null, null), null);
        shows(() -> target(b, "def456"), "https://example.com/new", Duration.ofSeconds(1));
    }

    @Test
    void aLostNoticeIsMadeWholeByTheFeedAtTheNextCatchUp() throws InterruptedException {
        startB(Duration.ofMillis(300), NEVER, true);
        Links links = nodeA(InvalidatingLinkStore.Peers.NONE); // every notice lost
        links.create(new LinkSpec("https://example.com/v1", "ghi789", null, null, null, null, null, null, null, null), null);
        assertThat(target(b, "ghi789")).isEqualTo("https://example.com/v1");

        edit(links, "ghi789", "https://example.com/v2");
        assertThat(target(b, "ghi789")).as("no notice: stale until the feed is read").isEqualTo("https://example.com/v1");
        shows(() -> target(b, "ghi789"), "https://example.com/v2", Duration.ofSeconds(2));
        assertThat(atB.fromFeed()).isPositive();
    }

    @Test
    void whileNoticesAreCutTheFeedIsReadEveryFallbackTtl() throws InterruptedException {
        startB(NEVER, Duration.ofMillis(200), false);
        assertThat(atB.cut()).isTrue();
        Links links = nodeA(InvalidatingLinkStore.Peers.NONE);
        links.create(new LinkSpec("https://example.com/v1", "jkl012", null, null, null, null, null, null, null, null), null);
        for (int i = 2; i <= 4; i++) {
            assertThat(target(b, "jkl012")).isNotEqualTo("https://example.com/v" + i);
            edit(links, "jkl012", "https://example.com/v" + i);
            long took = shows(() -> target(b, "jkl012"), "https://example.com/v" + i, Duration.ofSeconds(2));
            assertThat(took).as("within the fallback TTL, with room for a loaded machine").isLessThan(800);
        }
    }

    @Test
    void comingBackReadsTheFeedAtOnceForWhatWasMissed() throws InterruptedException {
        startB(NEVER, NEVER, false);
        Links links = nodeA(InvalidatingLinkStore.Peers.NONE);
        links.create(new LinkSpec("https://example.com/v1", "mno345", null, null, null, null, null, null, null, null), null);
        assertThat(target(b, "mno345")).isEqualTo("https://example.com/v1");
        edit(links, "mno345", "https://example.com/v2"); // while Redis was down: nobody heard it
        Thread.sleep(100);
        assertThat(target(b, "mno345")).isEqualTo("https://example.com/v1");

        atB.connected(true);
        shows(() -> target(b, "mno345"), "https://example.com/v2", Duration.ofSeconds(1));
        assertThat(atB.cut()).isFalse();
    }

    @Test
    void garbageNoticesAreIgnored() throws InterruptedException {
        startB(NEVER, NEVER, true);
        atB.notice("");
        atB.notice("not a code!");
        atB.notice("x".repeat(500));
        Thread.sleep(100);
        assertThat(atB.fromNotices()).isZero();
    }
}
