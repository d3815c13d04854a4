package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.RedirectConfig;
import dev.shortr.link.CodeGenerator;
import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.LinkSpec;
import dev.shortr.link.Links;
import dev.shortr.store.memory.MemoryClickStore;
import dev.shortr.store.memory.MemoryLinkStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cache's bound and its unknown-code entries, without sockets. */
class RedirectCacheTest {
    private final MemoryLinkStore store = new MemoryLinkStore();
    private final Links links = new Links(store, new CodeGenerator(7), DomainBlocklist.NONE, Clock.systemUTC());

    private RedirectTier tier(long bound, Duration negativeTtl) {
        return new RedirectTier(store, new MemoryClickStore(), null, new RedirectConfig(3600, bound, negativeTtl), null);
    }

    private void create(String code) {
        links.create(new LinkSpec("https://example.com/" + code, code, null, null, null, null, null, null, null, null), null);
    }

    @Test
    void aFullNonEvictingCacheServesMissesUncached() {
        RedirectTier t = tier(3, Duration.ofSeconds(5));
        for (String c : new String[] {"abc123", "def456", "ghi789", "jkl012"}) {
            create(c);
        }
        for (String c : new String[] {"abc123", "def456", "ghi789"}) {
            assertThat(t.load(c)).isInstanceOf(Entry.Target.class);
        }
        assertThat(t.cached()).isEqualTo(3);
        assertThat(t.load("jkl012")).as("still answered from the store").isInstanceOf(Entry.Target.class);
        assertThat(t.cached()).as("never above the bound").isEqualTo(3);
        assertThat(t.overflow()).isEqualTo(1);
    }

    @Test
    void aStoreLargerThanHalfTheBoundGetsAnEvictingCache() {
        for (String c : new String[] {"abc123", "def456", "ghi789"}) {
            create(c);
        }
        RedirectTier t = tier(4, Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            create("x" + i);
            t.load("x" + i);
        }
        t.load("abc123");
        assertThat(t.overflow()).as("an evicting cache makes room instead of refusing").isZero();
    }

    @Test
    void unknownCodesAreRememberedUntilTheirDeadlineThenSwept() throws InterruptedException {
        RedirectTier t = tier(100, Duration.ofMillis(50));
        assertThat(t.load("nope01")).isInstanceOf(Entry.Unknown.class);
        assertThat(t.cached()).isEqualTo(1);
        create("nope01");
        assertThat(t.load("nope01")).as("the cached unknown still holds until invalidated or expired")
                .isInstanceOf(Entry.Unknown.class);
        t.invalidate(new dev.shortr.link.ShortCode("nope01"));
        assertThat(t.load("nope01")).isInstanceOf(Entry.Target.class);
        t.load("nope02");
        t.sweepUnknown();
        assertThat(t.cached()).as("nope02 is not due yet").isEqualTo(2);
        Thread.sleep(80);
        t.sweepUnknown();
        assertThat(t.cached()).as("a later sweep still finds it, though no unknown code was seen since").isEqualTo(1);
    }
}
