package dev.shortr.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.InvalidInputException;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LinkStore} adapter must do. Each adapter has a subclass that hands out a fresh, empty
 * store per test; the same cases then run against memory, SQLite and (later) PostgreSQL.
 */
public abstract class LinkStoreContract {
    protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");

    /** A fresh, empty store; the same instance for the whole of one test. */
    protected abstract LinkStore store();

    protected static Link link(String code, String target) {
        return link(code, target, T0, List.of(), null, null);
    }

    protected static Link link(String code, String target, Instant created, List<String> tags, String title, String owner) {
        String host = target.replaceFirst("^https?://", "").replaceFirst("[/:?#].*$", "");
        return new Link(0, new ShortCode(code), new TargetUrl(target, host), RedirectType.FOUND, null, false, null, null,
                tags, title, owner, false, created, created, 0);
    }

    private static ShortCode code(String s) {
        return new ShortCode(s);
    }

    private Link inserted(Link draft) {
        Insert result = store().insert(draft);
        assertThat(result).isInstanceOf(Insert.Inserted.class);
        return ((Insert.Inserted) result).link();
    }

    @Test
    void insertedLinkIsFoundByCodeWithEveryField() {
        Link draft = new Link(0, code("abc123"), new TargetUrl("https://example.com/a?x=1", "example.com"),
                RedirectType.PERMANENT_REDIRECT, 3600, true, Instant.parse("2030-01-01T00:00:00Z"), 50L,
                List.of("news", "Q1"), "Über uns", "key1", true, T0, T0.plusSeconds(5), 0);

        Link stored = inserted(draft);

        assertThat(stored.id()).isPositive();
        assertThat(stored.seq()).isPositive();
        assertThat(stored).isEqualTo(draft.withStoreFields(stored.id(), stored.seq()));
        assertThat(store().find(code("abc123"))).contains(stored);
        assertThat(store().find(code("def456"))).isEmpty();
        assertThat(store().count()).isEqualTo(1);
    }

    @Test
    void anUntrackedLinkReadsBackUntracked() {
        Link draft = new Link(0, code("notrk1"), new TargetUrl("https://example.com/n", "example.com"), RedirectType.FOUND,
                null, false, null, null, List.of(), null, null, false, T0, T0, 0, false);
        Link stored = inserted(draft);
        assertThat(store().find(code("notrk1"))).hasValueSatisfying(l -> assertThat(l.track()).isFalse());
        assertThat(stored.track()).isFalse();
        assertThat(store().update(code("notrk1"), l -> new Link(l.id(), l.code(), l.target(), l.redirect(), l.cacheSeconds(),
                l.forwardQuery(), l.expiresAt(), l.maxClicks(), l.tags(), l.title(), l.owner(), l.disabled(), l.createdAt(),
                l.updatedAt(), l.seq(), true))).hasValueSatisfying(l -> assertThat(l.track()).isTrue());
        assertThat(store().find(code("notrk1"))).hasValueSatisfying(l -> assertThat(l.track()).isTrue());
    }

    @Test
    void aCdnLifetimeReadsBackThroughInsertBulkInsertAndUpdate() {
        Link draft = new Link(0, code("cdn001"), new TargetUrl("https://example.com/c", "example.com"), RedirectType.MOVED_PERMANENTLY,
                null, false, null, null, List.of(), null, null, false, T0, T0, 0, true, 600);
        assertThat(inserted(draft).cdnSeconds()).isEqualTo(600);
        assertThat(store().find(code("cdn001"))).hasValueSatisfying(l -> assertThat(l.cdnSeconds()).isEqualTo(600));
        Link zero = new Link(0, code("cdn002"), new TargetUrl("https://example.com/z", "example.com"), RedirectType.MOVED_PERMANENTLY,
                null, false, null, null, List.of(), null, null, false, T0, T0, 0, true, 0);
        assertThat(store().insertAll(List.of(zero))).hasSize(1);
        assertThat(store().find(code("cdn002"))).hasValueSatisfying(l -> assertThat(l.cdnSeconds()).isZero());
        assertThat(store().update(code("cdn001"), l -> new Link(l.id(), l.code(), l.target(), l.redirect(), l.cacheSeconds(),
                l.forwardQuery(), l.expiresAt(), l.maxClicks(), l.tags(), l.title(), l.owner(), l.disabled(), l.createdAt(),
                l.updatedAt(), l.seq(), l.track(), null))).hasValueSatisfying(l -> assertThat(l.cdnSeconds()).isNull());
        assertThat(store().find(code("cdn001"))).hasValueSatisfying(l -> assertThat(l.cdnSeconds()).isNull());
    }

    @Test
    void codesOfIdsSkipDeletedAndUnknownLinks() {
        Link a = inserted(new Link(0, code("cod001"), new TargetUrl("https://example.com/1", "example.com"),
                RedirectType.FOUND, null, false, null, null, List.of(), null, null, false, T0, T0, 0));
        Link b = inserted(new Link(0, code("cod002"), new TargetUrl("https://example.com/2", "example.com"),
                RedirectType.FOUND, null, false, null, null, List.of(), null, null, false, T0, T0, 0));
        assertThat(store().delete(code("cod002"))).isTrue();
        assertThat(store().codes(List.of(a.id(), b.id(), 999_999L))).isEqualTo(java.util.Map.of(a.id(), code("cod001")));
        assertThat(store().codes(List.of())).isEmpty();
    }

    @Test
    void anOptionalFieldLeftEmptyReadsBackEmpty() {
        Link stored = inserted(link("abc123", "https://example.com/a"));

        Link found = store().find(code("abc123")).orElseThrow();
        assertThat(found.cacheSeconds()).isNull();
        assertThat(found.expiresAt()).isNull();
        assertThat(found.maxClicks()).isNull();
        assertThat(found.title()).isNull();
        assertThat(found.owner()).isNull();
        assertThat(found.tags()).isEmpty();
        assertThat(found).isEqualTo(stored);
    }

    @Test
    void timestampsAreKeptToTheMillisecond() {
        Instant micros = Instant.parse("2025-03-01T10:00:00.123456789Z");
        Link stored = inserted(link("abc123", "https://example.com/a", micros, List.of(), null, null));

        assertThat(stored.createdAt()).isEqualTo(Instant.parse("2025-03-01T10:00:00.123Z"));
        assertThat(store().find(code("abc123"))).contains(stored);
    }

    @Test
    void codesAreCaseSensitive() {
        Link lower = inserted(link("abc123", "https://example.com/lower"));
        Link upper = inserted(link("ABC123", "https://example.com/upper"));

        assertThat(lower.id()).isNotEqualTo(upper.id());
        assertThat(store().find(code("abc123")).orElseThrow().target().value()).isEqualTo("https://example.com/lower");
        assertThat(store().find(code("ABC123")).orElseThrow().target().value()).isEqualTo("https://example.com/upper");
        assertThat(store().find(code("Abc123"))).isEmpty();
    }

    @Test
    void aTakenCodeIsReportedAndTheFirstLinkKept() {
        inserted(link("abc123", "https://example.com/first"));

        Insert second = store().insert(link("abc123", "https://example.com/second"));

        assertThat(second).isEqualTo(new Insert.CodeTaken(code("abc123")));
        assertThat(store().find(code("abc123")).orElseThrow().target().value()).isEqualTo("https://example.com/first");
        assertThat(store().count()).isEqualTo(1);
        assertThat(store().lastSeq()).isEqualTo(1); // a refused insert leaves no change behind
    }

    @Test
    void insertAllAnswersPerItemInOrder() {
        inserted(link("def456", "https://example.com/existing"));

        List<Insert> results = store().insertAll(List.of(
                link("abc123", "https://example.com/1"),
                link("def456", "https://example.com/2"),
                link("ghi789", "https://example.com/3"),
                link("abc123", "https://example.com/4")));

        assertThat(results).hasSize(4);
        assertThat(results.get(0)).isInstanceOf(Insert.Inserted.class);
        assertThat(results.get(1)).isEqualTo(new Insert.CodeTaken(code("def456")));
        assertThat(results.get(2)).isInstanceOf(Insert.Inserted.class);
        assertThat(results.get(3)).isEqualTo(new Insert.CodeTaken(code("abc123")));
        Link abc = ((Insert.Inserted) results.get(0)).link();
        Link ghi = ((Insert.Inserted) results.get(2)).link();
        assertThat(ghi.id()).isGreaterThan(abc.id());
        assertThat(store().find(code("abc123"))).contains(abc);
        assertThat(store().find(code("ghi789"))).contains(ghi);
        assertThat(store().find(code("def456")).orElseThrow().target().value()).isEqualTo("https://example.com/existing");
        assertThat(store().count()).isEqualTo(3);
        assertThat(store().insertAll(List.of())).isEmpty();
    }

    @Test
    void updateAppliesTheFunctionAndBumpsTheSeq() {
        Link before = inserted(link("abc123", "https://example.com/a", T0, List.of("old"), "Old", "key1"));

        Link after = store().update(code("abc123"), l -> new Link(l.id(), l.code(), new TargetUrl("https://example.org/b", "example.org"),
                RedirectType.MOVED_PERMANENTLY, 60, true, null, 10L, List.of("new", "more"), "New", l.owner(), true,
                l.createdAt(), T0.plusSeconds(60), l.seq())).orElseThrow();

        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.seq()).isGreaterThan(before.seq());
        assertThat(after.seq()).isEqualTo(store().lastSeq());
        assertThat(after.target().value()).isEqualTo("https://example.org/b");
        assertThat(after.tags()).containsExactly("new", "more");
        assertThat(store().find(code("abc123"))).contains(after);
        assertThat(store().list(new LinkQuery(null, "old", null, null, null, 0, 10)).items()).isEmpty();
        assertThat(store().list(new LinkQuery(null, "more", null, null, null, 0, 10)).items()).containsExactly(after);
    }

    @Test
    void updateOfAnUnknownCodeIsEmptyAndWritesNothing() {
        assertThat(store().update(code("abc123"), l -> l)).isEmpty();
        assertThat(store().lastSeq()).isZero();
    }

    @Test
    void anUpdateFunctionThatThrowsLeavesTheLinkUntouched() {
        Link before = inserted(link("abc123", "https://example.com/a", T0, List.of("keep"), "Title", null));

        assertThatThrownBy(() -> store().update(code("abc123"), l -> {
            throw new InvalidInputException("url", "links to example.net are not allowed here");
        })).isInstanceOf(InvalidInputException.class).hasMessageContaining("example.net");

        assertThat(store().find(code("abc123"))).contains(before);
        assertThat(store().lastSeq()).isEqualTo(before.seq());
        assertThat(store().changesAfter(0, 10)).hasSize(1);
    }

    @Test
    void concurrentUpdatesAreEachApplied() throws Exception {
        inserted(new Link(0, code("abc123"), new TargetUrl("https://example.com/a", "example.com"), RedirectType.FOUND,
                null, false, null, 1L, List.of(), null, null, false, T0, T0, 0));
        int threads = 16;
        int each = 10;

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store().update(code("abc123"), l -> new Link(l.id(), l.code(), l.target(), l.redirect(),
                                l.cacheSeconds(), l.forwardQuery(), l.expiresAt(), l.maxClicks() + 1, l.tags(), l.title(),
                                l.owner(), l.disabled(), l.createdAt(), l.updatedAt(), l.seq()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        // a lost read-modify-write would leave this short of 161
        assertThat(store().find(code("abc123")).orElseThrow().maxClicks()).isEqualTo(1L + threads * each);
    }

    @Test
    void deleteRemovesTheLinkOnceAndNeverReusesItsId() {
        Link abc = inserted(link("abc123", "https://example.com/a", T0, List.of("news"), null, null));

        assertThat(store().delete(code("abc123"))).isTrue();
        assertThat(store().find(code("abc123"))).isEmpty();
        assertThat(store().delete(code("abc123"))).isFalse();
        assertThat(store().count()).isZero();
        assertThat(store().list(new LinkQuery(null, "news", null, null, null, 0, 10)).items()).isEmpty();

        Link again = inserted(link("abc123", "https://example.com/again"));
        assertThat(again.id()).isGreaterThan(abc.id());
    }

    @Test
    void aDeletedCodeIsRememberedUntilItIsTakenAgain() {
        inserted(link("abc123", "https://example.com/a"));
        assertThat(store().wasDeleted(code("abc123"))).isFalse();
        assertThat(store().wasDeleted(code("never1"))).isFalse();

        store().delete(code("abc123"));
        assertThat(store().wasDeleted(code("abc123"))).isTrue();

        inserted(link("abc123", "https://example.com/again"));
        assertThat(store().wasDeleted(code("abc123"))).isFalse();
    }

    @Test
    void listPagesNewestFirstWithoutGapsOrDuplicates() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(inserted(link("link" + i, "https://example.com/" + i)).id());
        }

        Page<Link> first = store().list(LinkQuery.all(3));
        Page<Link> second = store().list(new LinkQuery(null, null, null, null, null, first.nextAfterId(), 3));
        Page<Link> third = store().list(new LinkQuery(null, null, null, null, null, second.nextAfterId(), 3));

        List<Long> seen = new ArrayList<>();
        for (Page<Link> p : List.of(first, second, third)) {
            p.items().forEach(l -> seen.add(l.id()));
        }
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        assertThat(first.items()).hasSize(3);
        assertThat(first.nextAfterId()).isEqualTo(first.items().getLast().id());
        assertThat(second.nextAfterId()).isEqualTo(second.items().getLast().id());
        assertThat(third.items()).hasSize(1);
        assertThat(third.nextAfterId()).isZero();
    }

    @Test
    void listPagesOldestFirstWhenAsked() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(inserted(link("link" + i, "https://example.com/" + i, T0, List.of(i % 2 == 0 ? "even" : "odd"), null, null)).id());
        }

        Page<Link> first = store().list(new LinkQuery(null, null, null, null, null, 0, 3, true));
        Page<Link> second = store().list(new LinkQuery(null, null, null, null, null, first.nextAfterId(), 3, true));
        Page<Link> third = store().list(new LinkQuery(null, null, null, null, null, second.nextAfterId(), 3, true));

        List<Long> seen = new ArrayList<>();
        for (Page<Link> p : List.of(first, second, third)) {
            p.items().forEach(l -> seen.add(l.id()));
        }
        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(third.nextAfterId()).isZero();
        assertThat(store().list(new LinkQuery(null, "even", null, null, null, 0, 10, true)).items()).extracting(Link::id)
                .containsExactly(ids.get(0), ids.get(2), ids.get(4), ids.get(6));
    }

    @Test
    void aFullLastPageSaysThereIsNoMore() {
        for (int i = 0; i < 6; i++) {
            inserted(link("link" + i, "https://example.com/" + i));
        }

        Page<Link> first = store().list(LinkQuery.all(3));
        Page<Link> second = store().list(new LinkQuery(null, null, null, null, null, first.nextAfterId(), 3));

        assertThat(second.items()).hasSize(3);
        assertThat(second.nextAfterId()).isZero();
    }

    @Test
    void listFiltersByTag() {
        Link abc = inserted(link("abc123", "https://example.com/a", T0, List.of("news", "sport"), null, null));
        inserted(link("def456", "https://example.com/b", T0, List.of("newsletter"), null, null));
        Link ghi = inserted(link("ghi789", "https://example.com/c", T0, List.of("sport", "news"), null, null));

        assertThat(store().list(new LinkQuery(null, "news", null, null, null, 0, 10)).items()).containsExactly(ghi, abc);
        assertThat(store().list(new LinkQuery(null, "News", null, null, null, 0, 10)).items()).isEmpty();
    }

    @Test
    void listSearchesCodeTargetAndTitleIgnoringCase() {
        Link byCode = inserted(link("Promo2025", "https://example.com/a"));
        Link byTarget = inserted(link("def456", "https://shop.example.com/PROMO"));
        Link byTitle = inserted(link("ghi789", "https://example.com/c", T0, List.of(), "Spring promo", null));
        inserted(link("jkl012", "https://example.com/d", T0, List.of(), "Nothing here", null));

        assertThat(search("promo")).containsExactly(byTitle, byTarget, byCode);
        assertThat(search("PrOmO")).containsExactly(byTitle, byTarget, byCode);
    }

    @Test
    void searchFoldsCaseBeyondAscii() {
        Link ueber = inserted(link("abc123", "https://example.com/a", T0, List.of(), "ÜBER UNS", null));
        inserted(link("def456", "https://example.com/b", T0, List.of(), "Kontakt", null));

        assertThat(search("über")).containsExactly(ueber);
    }

    @Test
    void searchTakesPercentUnderscoreAndBackslashLiterally() {
        Link percent = inserted(link("abc123", "https://example.com/a", T0, List.of(), "100% off", null));
        Link underscore = inserted(link("snake_case", "https://example.com/b"));
        Link backslash = inserted(link("ghi789", "https://example.com/c", T0, List.of(), "C:\\temp", null));
        inserted(link("def456", "https://example.com/d", T0, List.of(), "1000 ways", null));
        inserted(link("snakeXcase", "https://example.com/e"));

        assertThat(search("0%")).containsExactly(percent);
        assertThat(search("%")).containsExactly(percent);
        assertThat(search("e_c")).containsExactly(underscore);
        assertThat(search("_")).containsExactly(underscore);
        assertThat(search("\\")).containsExactly(backslash);
        assertThat(search("")).hasSize(5);
    }

    @Test
    void listFiltersByCreatedRangeAndOwner() {
        Instant day1 = Instant.parse("2025-01-01T00:00:00Z");
        Instant day2 = Instant.parse("2025-01-02T00:00:00Z");
        Instant day3 = Instant.parse("2025-01-03T00:00:00Z");
        Link a = inserted(link("abc123", "https://example.com/a", day1, List.of(), null, "key1"));
        Link b = inserted(link("def456", "https://example.com/b", day2, List.of(), null, "key2"));
        Link c = inserted(link("ghi789", "https://example.com/c", day3, List.of(), null, "key1"));

        assertThat(store().list(new LinkQuery(null, null, null, day2, null, 0, 10)).items()).containsExactly(c, b);
        assertThat(store().list(new LinkQuery(null, null, null, null, day2, 0, 10)).items()).containsExactly(a);
        assertThat(store().list(new LinkQuery(null, null, null, day1, day3, 0, 10)).items()).containsExactly(b, a);
        assertThat(store().list(new LinkQuery("key1", null, null, null, null, 0, 10)).items()).containsExactly(c, a);
    }

    @Test
    void filtersCombineWithPaging() {
        List<Link> tagged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Link l = inserted(link("link" + i, "https://example.com/" + i, T0, i % 2 == 0 ? List.of("even") : List.of(), null, null));
            if (i % 2 == 0) {
                tagged.add(l);
            }
        }

        Page<Link> first = store().list(new LinkQuery(null, "even", null, null, null, 0, 2));
        Page<Link> second = store().list(new LinkQuery(null, "even", null, null, null, first.nextAfterId(), 2));
        Page<Link> third = store().list(new LinkQuery(null, "even", null, null, null, second.nextAfterId(), 2));

        assertThat(first.items()).containsExactly(tagged.get(4), tagged.get(3));
        assertThat(second.items()).containsExactly(tagged.get(2), tagged.get(1));
        assertThat(third.items()).containsExactly(tagged.get(0));
        assertThat(third.nextAfterId()).isZero();
    }

    @Test
    void findByTargetReturnsTheOwnersNewestLink() {
        String target = "https://example.com/shared";
        inserted(link("abc123", target, T0, List.of(), null, null));
        Link anonymousNewest = inserted(link("def456", target, T0, List.of(), null, null));
        Link key1 = inserted(link("ghi789", target, T0, List.of(), null, "key1"));
        inserted(link("jkl012", "https://example.com/other", T0, List.of(), null, "key2"));

        assertThat(store().findByTarget(null, target)).contains(anonymousNewest);
        assertThat(store().findByTarget("key1", target)).contains(key1);
        assertThat(store().findByTarget("key2", target)).isEmpty();
        assertThat(store().findByTarget(null, "https://example.com/SHARED")).isEmpty();
    }

    @Test
    void theChangeFeedRecordsEveryMutationInOrder() {
        Link abc = inserted(link("abc123", "https://example.com/a"));
        Link def = inserted(link("def456", "https://example.com/b"));
        Link abc2 = store().update(code("abc123"), l -> l).orElseThrow();
        store().delete(code("def456"));

        List<Change> all = store().changesAfter(0, 100);

        assertThat(all).extracting(Change::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(all).extracting(Change::kind).containsExactly(
                Change.Kind.CREATED, Change.Kind.CREATED, Change.Kind.UPDATED, Change.Kind.DELETED);
        assertThat(all).extracting(Change::code).containsExactly(abc.code(), def.code(), abc.code(), def.code());
        assertThat(all.get(0).link()).isEqualTo(abc2); // the link as it is now
        assertThat(all.get(1).link()).isNull(); // deleted since
        assertThat(all.get(3).link()).isNull();
        assertThat(all).allSatisfy(ch -> assertThat(ch.at()).isNotNull());
        assertThat(store().changesAfter(2, 1)).extracting(Change::seq).containsExactly(3L);
        assertThat(store().changesAfter(4, 10)).isEmpty();
        assertThat(store().lastSeq()).isEqualTo(4);
        assertThat(abc2.seq()).isEqualTo(3);
    }

    @Test
    void theChangeFeedHasNoGapsUnderConcurrentWriters() throws Exception {
        int writers = 16;
        int each = 25;
        AtomicInteger mutations = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String c = "w" + writer + "n" + i;
                        if (store().insert(link(c, "https://example.com/" + c)) instanceof Insert.Inserted) {
                            mutations.incrementAndGet();
                        }
                        // a taken code and a throwing update must not burn a sequence number
                        store().insert(link(c, "https://example.com/dup"));
                        try {
                            store().update(code(c), l -> {
                                throw new InvalidInputException("url", "no");
                            });
                        } catch (InvalidInputException expected) {
                            // what the test asks for
                        }
                        if (i % 3 == 0 && store().update(code(c), l -> l).isPresent()) {
                            mutations.incrementAndGet();
                        }
                        if (i % 5 == 0 && store().delete(code(c))) {
                            mutations.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        List<Change> feed = store().changesAfter(0, 100_000);
        assertThat(feed).hasSize(mutations.get());
        for (int i = 0; i < feed.size(); i++) {
            assertThat(feed.get(i).seq()).isEqualTo(i + 1L);
        }
        assertThat(store().lastSeq()).isEqualTo(mutations.get());
        Set<ShortCode> alive = new HashSet<>();
        for (Change ch : feed) {
            if (ch.kind() == Change.Kind.DELETED) {
                alive.remove(ch.code());
            } else {
                alive.add(ch.code());
            }
        }
        assertThat(store().count()).isEqualTo(alive.size());
        for (ShortCode c : alive) {
            Link l = store().find(c).orElseThrow();
            Change last = feed.reversed().stream().filter(ch -> ch.code().equals(c)).findFirst().orElseThrow();
            assertThat(l.seq()).isEqualTo(last.seq());
        }
    }

    /**
     * What a replica relies on: a reader following the feed by cursor while writers commit never sees seq n + 1
     * before n (a store whose seqs commit out of order would make it skip n for good), nor a seq twice.
     */
    @Test
    void aReaderFollowingTheFeedDuringWritesSeesEverySeqOnceInOrder() throws Exception {
        int writers = 8;
        int each = 40;
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> reader = pool.submit(() -> {
                long cursor = 0;
                while (writing.get() || cursor < store().lastSeq()) {
                    for (Change ch : store().changesAfter(cursor, 7)) {
                        if (ch.seq() != cursor + 1) {
                            throw new AssertionError("after " + cursor + " came " + ch.seq());
                        }
                        seen.add(ch.seq());
                        cursor = ch.seq();
                    }
                }
                return null;
            });
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String c = "r" + writer + "n" + i;
                        store().insert(link(c, "https://example.com/" + c));
                        if (i % 2 == 0) {
                            store().update(code(c), l -> l);
                        }
                        if (i % 3 == 0) {
                            store().insertAll(List.of(link(c + "a", "https://example.com/a"), link(c + "b", "https://example.com/b")));
                        }
                        if (i % 4 == 0) {
                            store().delete(code(c));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            writing.set(false);
            reader.get();
        }
        long last = store().lastSeq();
        assertThat(seen).hasSize((int) last);
        assertThat(seen.getLast()).isEqualTo(last);
    }

    // --- copying a store (shortr migrate) ---

    private static Link stored(long id, String code, String target, long seq, List<String> tags) {
        Link l = link(code, target, T0.plusSeconds(id), tags, "title " + code, "key" + id);
        return new Link(id, l.code(), l.target(), RedirectType.PERMANENT_REDIRECT, 60, true, T0.plusSeconds(86_400), 5L, l.tags(),
                l.title(), l.owner(), id % 2 == 0, l.createdAt(), l.updatedAt().plusMillis(seq), seq, id % 3 != 0);
    }

    private static Change.Row row(long seq, Change.Kind kind, String code, long linkId) {
        return new Change.Row(seq, kind, code(code), linkId, T0.plusMillis(seq * 1000 + 7));
    }

    /** A history with a link updated twice, one deleted, one deleted and re-created, and one deleted for good. */
    private static final List<Change.Row> ROWS = List.of(
            row(1, Change.Kind.CREATED, "abc123", 3), row(2, Change.Kind.CREATED, "def456", 7),
            row(3, Change.Kind.CREATED, "ghi789", 9), row(4, Change.Kind.UPDATED, "abc123", 3),
            row(5, Change.Kind.DELETED, "ghi789", 9), row(6, Change.Kind.CREATED, "xyz000", 12),
            row(7, Change.Kind.DELETED, "xyz000", 12), row(8, Change.Kind.DELETED, "def456", 7),
            row(9, Change.Kind.CREATED, "def456", 11), row(10, Change.Kind.UPDATED, "abc123", 3));

    private static final List<Link> LINKS = List.of(stored(3, "abc123", "https://example.com/a", 10, List.of("x", "y")),
            stored(11, "def456", "https://example.com/d", 9, List.of()));

    @Test
    void restoredLinksAndChangesReadBackExactlyAsGiven() {
        store().restoreLinks(LINKS);
        store().restoreChanges(ROWS);

        assertThat(store().find(code("abc123"))).contains(LINKS.get(0));
        assertThat(store().find(code("def456"))).contains(LINKS.get(1));
        assertThat(store().list(new LinkQuery(null, null, null, null, null, 0, 10, true)).items()).containsExactlyElementsOf(LINKS);
        assertThat(store().count()).isEqualTo(2);
        assertThat(store().changeRows(0, 100)).containsExactlyElementsOf(ROWS);
        assertThat(store().changeRows(8, 1)).containsExactly(ROWS.get(8));
        assertThat(store().lastSeq()).isEqualTo(10);
        List<Change> feed = store().changesAfter(0, 100);
        assertThat(feed).extracting(Change::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(feed.get(0).link()).isEqualTo(LINKS.get(0));
        assertThat(feed.get(1).link()).as("the first def456 (id 7) is gone; the new one is another link").isNull();
        assertThat(feed.get(8).link()).isEqualTo(LINKS.get(1));
        assertThat(feed.get(2).at()).isEqualTo(ROWS.get(2).at());
        assertThat(store().wasDeleted(code("ghi789"))).isTrue();
        assertThat(store().wasDeleted(code("xyz000"))).isTrue();
        assertThat(store().wasDeleted(code("def456"))).as("deleted, then taken again").isFalse();
        assertThat(store().wasDeleted(code("abc123"))).isFalse();
    }

    @Test
    void afterARestoreNewLinksGetFreshIdsAndTheNextSeq() {
        store().restoreLinks(LINKS);
        store().restoreChanges(ROWS);

        Link fresh = inserted(link("new001", "https://example.com/new"));

        assertThat(fresh.id()).as("above every id restored, 12 (a deleted link's) included").isGreaterThan(12);
        assertThat(fresh.seq()).isEqualTo(11);
        assertThat(store().update(code("abc123"), l -> l).orElseThrow().seq()).isEqualTo(12);
        assertThat(inserted(link("ghi789", "https://example.com/again")).seq()).isEqualTo(13);
        assertThat(store().wasDeleted(code("ghi789"))).isFalse();
    }

    @Test
    void restoringTheSameBatchesAgainChangesNothing() {
        store().restoreLinks(LINKS);
        store().restoreChanges(ROWS.subList(0, 6));
        store().restoreChanges(ROWS.subList(3, 10)); // overlaps: 4..6 are there already
        store().restoreLinks(LINKS);
        store().restoreChanges(ROWS);

        assertThat(store().changeRows(0, 100)).containsExactlyElementsOf(ROWS);
        assertThat(store().list(new LinkQuery(null, null, null, null, null, 0, 10, true)).items()).containsExactlyElementsOf(LINKS);
    }

    @Test
    void aRestoreThatWouldLeaveAHoleInTheFeedIsRefusedWhole() {
        store().restoreChanges(ROWS.subList(0, 3));

        assertThatThrownBy(() -> store().restoreChanges(List.of(ROWS.get(3), ROWS.get(5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hole");
        assertThat(store().lastSeq()).isEqualTo(3);
        assertThat(store().changeRows(0, 100)).hasSize(3);
    }

    @Test
    void restoringALinkReplacesWhatHeldItsIdOrItsCode() {
        store().restoreLinks(LINKS);
        Link moved = stored(3, "abc999", "https://example.com/moved", 10, List.of("z"));
        Link taken = stored(20, "def456", "https://example.com/taken", 11, List.of());

        store().restoreLinks(List.of(moved, taken));

        assertThat(store().find(code("abc123"))).isEmpty();
        assertThat(store().find(code("abc999"))).contains(moved);
        assertThat(store().find(code("def456"))).contains(taken);
        assertThat(store().count()).isEqualTo(2);
        assertThat(store().list(LinkQuery.all(10)).items()).containsExactly(taken, moved);
    }

    @Test
    void pingAnswersWhenHealthy() {
        store().ping();
    }

    private List<Link> search(String text) {
        return store().list(new LinkQuery(null, null, text, null, null, 0, 100)).items();
    }
}
