package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.Resolution;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import io.netty.util.AsciiString;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EntryTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");
    private static final AsciiString CC = AsciiString.cached("max-age=60");

    private static Link link(long id, boolean forwardQuery, Instant expiresAt, Long maxClicks, boolean disabled) {
        return new Link(id, new ShortCode("code" + id), new TargetUrl("https://example.com/" + id, "example.com"),
                RedirectType.FOUND, 60, forwardQuery, expiresAt, maxClicks, List.of(), null, null, disabled, T, T, 0, true);
    }

    @Test
    void linksAnsweredAlikeShareOnePolicyAndPlainLinksCarryNoLimits() {
        Entry.Target a = new Entry.Target(link(1, false, null, null, false), CC, 60, null);
        Entry.Target b = new Entry.Target(link(2, false, null, null, false), CC, 60, null);
        Entry.Target c = new Entry.Target(link(3, true, null, null, false), CC, 60, null);
        assertThat(a.policy).isSameAs(b.policy);
        assertThat(c.policy).isNotSameAs(a.policy);
        assertThat(c.forwardQuery()).isTrue();
        assertThat(a.status().code()).isEqualTo(302);
        assertThat((Object) a.cacheControl()).isSameAs(CC);
        assertThat(a.cacheSeconds()).isEqualTo(60);
        assertThat(a.track()).isTrue();
        assertThat(a.limits).isNull();
        assertThat(a.expiresAtMs()).isZero();
        assertThat(a.used()).isNull();
    }

    @Test
    void expiryClickLimitsAndDisablingAreKeptAside() {
        AtomicLong used = new AtomicLong(3);
        Entry.Target expiring = new Entry.Target(link(1, false, T, null, false), CC, 60, null);
        Entry.Target limited = new Entry.Target(link(2, false, null, 5L, false), CC, 0, used);
        Entry.Target disabled = new Entry.Target(link(3, false, null, null, true), CC, 60, null);
        assertThat(expiring.expiresAtMs()).isEqualTo(T.toEpochMilli());
        assertThat(limited.used()).isSameAs(used);
        assertThat(limited.limits.maxClicks()).isEqualTo(5);
        assertThat(disabled.limits.goneBecause()).isEqualTo(Resolution.Reason.DISABLED);
    }
}
