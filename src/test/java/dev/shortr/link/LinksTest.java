package dev.shortr.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.store.memory.MemoryLinkStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The link use cases over the in-memory store: domain rules only, no transport. */
class LinksTest {
    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private final MemoryLinkStore store = new MemoryLinkStore(Clock.fixed(NOW, ZoneOffset.UTC));
    private final Links links = new Links(store, new CodeGenerator(7), DomainBlocklist.NONE, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void createsWithARandomCodeAndDefaults() {
        Link l = created(links.create(LinkSpec.of("https://example.com/a"), "key1"));
        assertThat(l.code().value()).matches("[0-9A-Za-z]{7}");
        assertThat(l.redirect()).isEqualTo(RedirectType.FOUND);
        assertThat(l.owner()).isEqualTo("key1");
        assertThat(l.seq()).isPositive();
    }

    @Test
    void aliasTakenIsAnOutcomeNotAnException() {
        created(links.create(spec("https://example.com/a", "abc123"), null));
        assertThat(links.create(spec("https://example.com/b", "abc123"), null)).isInstanceOf(Outcome.AliasTaken.class);
        assertThat(links.create(spec("https://example.com/b", "ABC123"), null)).isInstanceOf(Outcome.Created.class);
    }

    @Test
    void invalidInputIsAnOutcomeNamingTheField() {
        assertThat(links.create(spec("javascript:alert(1)", null), null))
                .isInstanceOfSatisfying(Outcome.Invalid.class, i -> assertThat(i.field()).isEqualTo("url"));
        assertThat(links.create(spec("https://example.com", "api"), null))
                .isInstanceOfSatisfying(Outcome.Invalid.class, i -> assertThat(i.field()).isEqualTo("code"));
        LinkSpec past = new LinkSpec("https://example.com", null, null, null, null, NOW.minusSeconds(1), null, null, null, null);
        assertThat(links.create(past, null)).isInstanceOfSatisfying(Outcome.Invalid.class,
                i -> assertThat(i.field()).isEqualTo("expiresAt"));
        LinkSpec badRedirect = new LinkSpec("https://example.com", null, 303, null, null, null, null, null, null, null);
        assertThat(links.create(badRedirect, null)).isInstanceOfSatisfying(Outcome.Invalid.class,
                i -> assertThat(i.field()).isEqualTo("redirect"));
    }

    @Test
    void reuseReturnsTheOwnersExistingLinkOnly() {
        LinkSpec reuse = new LinkSpec("https://example.com/same", null, null, null, null, null, null, null, null, true);
        Link first = created(links.create(reuse, "key1"));
        Outcome again = links.create(reuse, "key1");
        assertThat(again).isInstanceOfSatisfying(Outcome.Created.class, c -> {
            assertThat(c.reused()).isTrue();
            assertThat(c.link().code()).isEqualTo(first.code());
        });
        assertThat(created(links.create(reuse, "key2")).code()).isNotEqualTo(first.code());
        assertThat(created(links.create(LinkSpec.of("https://example.com/same"), "key1")).code()).isNotEqualTo(first.code());
    }

    @Test
    void collisionsLengthenTheCodeInsteadOfSpinning() {
        // a generator that always draws the same characters: every attempt at one length collides
        SecureRandom stuck = new SecureRandom() {
            @Override
            public int nextInt(int bound) {
                return 1;
            }
        };
        Links rigged = new Links(store, new CodeGenerator(stuck, 5), DomainBlocklist.NONE, Clock.systemUTC());
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            codes.add(created(rigged.create(LinkSpec.of("https://example.com/" + i), null)).code().value());
        }
        assertThat(codes).containsExactly("11111", "111111", "1111111");
    }

    @Test
    void bulkReportsOneOutcomePerItemInOrder() {
        created(links.create(spec("https://example.com/x", "taken1"), null));
        List<Outcome> out = links.createAll(List.of(
                LinkSpec.of("https://example.com/1"),
                spec("ftp://nope", null),
                spec("https://example.com/2", "taken1"),
                spec("https://example.com/3", "fresh1")), null);
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isInstanceOf(Outcome.Created.class);
        assertThat(out.get(1)).isInstanceOf(Outcome.Invalid.class);
        assertThat(out.get(2)).isInstanceOf(Outcome.AliasTaken.class);
        assertThat(out.get(3)).isInstanceOfSatisfying(Outcome.Created.class, c -> assertThat(c.link().code().value()).isEqualTo("fresh1"));
    }

    @Test
    void patchChangesOnlyWhatItNamesAndCanClear() {
        LinkSpec full = new LinkSpec("https://example.com/a", "def456", 301, 60, true, NOW.plusSeconds(3600), 10L,
                List.of("a", "b"), "Title", null);
        Link before = created(links.create(full, null));
        Link after = links.update(before.code(), new LinkPatch(null, null, Optional.empty(), null, Optional.empty(),
                null, List.of(" c "), null, true)).orElseThrow();
        assertThat(after.target()).isEqualTo(before.target());
        assertThat(after.redirect()).isEqualTo(RedirectType.MOVED_PERMANENTLY);
        assertThat(after.cacheSeconds()).isNull();
        assertThat(after.expiresAt()).isNull();
        assertThat(after.maxClicks()).isEqualTo(10L);
        assertThat(after.tags()).containsExactly("c");
        assertThat(after.title()).isEqualTo("Title");
        assertThat(after.disabled()).isTrue();
        assertThat(after.seq()).isGreaterThan(before.seq());
    }

    @Test
    void anInvalidPatchLeavesTheLinkUntouched() {
        Link before = created(links.create(spec("https://example.com/keep", "ghi789"), null));
        try {
            links.update(before.code(), new LinkPatch("javascript:x", null, null, null, null, null, null, null, null));
        } catch (InvalidInputException expected) {
            assertThat(expected.field()).isEqualTo("url");
        }
        assertThat(links.get(before.code()).orElseThrow().target().value()).isEqualTo("https://example.com/keep");
    }

    @Test
    void resolutionFollowsDisabledExpiryAndClickLimit() {
        Link l = created(links.create(new LinkSpec("https://example.com", null, null, null, null, NOW.plusSeconds(10), 2L,
                null, null, null), null));
        assertThat(l.resolve(NOW, 0)).isInstanceOf(Resolution.Found.class);
        assertThat(l.resolve(NOW, 2)).isEqualTo(new Resolution.Gone(l, Resolution.Reason.EXHAUSTED));
        assertThat(l.resolve(NOW.plusSeconds(10), 0)).isEqualTo(new Resolution.Gone(l, Resolution.Reason.EXPIRED));
        Link off = links.update(l.code(), new LinkPatch(null, null, null, null, null, null, null, null, true)).orElseThrow();
        assertThat(off.resolve(NOW, 0)).isEqualTo(new Resolution.Gone(off, Resolution.Reason.DISABLED));
    }

    private static LinkSpec spec(String url, String code) {
        return new LinkSpec(url, code, null, null, null, null, null, null, null, null);
    }

    private static Link created(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Created.class);
        return ((Outcome.Created) o).link();
    }
}
