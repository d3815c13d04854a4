package dev.shortr.migrate;

import dev.shortr.analytics.AnalyticsRow;
import dev.shortr.auth.ApiKey;
import dev.shortr.link.Change;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.Page;
import dev.shortr.link.ShortCode;
import dev.shortr.visit.DailyClicks;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads both stores in full and compares them section by section, by row count and an order-independent
 * {@link Checksum} of every row's canonical text: keys (hashes included), links (every field, tags and ids),
 * the change feed (with which codes answer "deleted"), click counters per link and day, analytics rows and
 * the visit log.
 */
public final class Verification {
    private static final LocalDate FIRST_DAY = LocalDate.of(1, 1, 1);
    private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);
    private static final int PAGE = 1000;

    /** One section of both stores. */
    public record Section(String name, long sourceRows, long targetRows, String sourceDigest, String targetDigest) {
        public boolean matches() {
            return sourceRows == targetRows && sourceDigest.equals(targetDigest);
        }
    }

    /** Every section; the copy is exact when every one {@link Section#matches}. */
    public record Report(List<Section> sections) {
        public boolean matches() {
            return sections.stream().allMatch(Section::matches);
        }

        public List<Section> differing() {
            return sections.stream().filter(s -> !s.matches()).toList();
        }
    }

    private Verification() {
    }

    public static Report compare(Ports source, Ports target) {
        return new Report(List.of(
                section("keys", keys(source), keys(target)),
                section("links", links(source), links(target)),
                section("changes", changes(source), changes(target)),
                section("clicks", clicks(source), clicks(target)),
                section("analytics", analytics(source), analytics(target)),
                section("visits", visits(source), visits(target))));
    }

    private static Section section(String name, Checksum s, Checksum t) {
        return new Section(name, s.count(), t.count(), s.digest(), t.digest());
    }

    private static Checksum keys(Ports p) {
        Checksum c = new Checksum();
        for (ApiKey k : p.keys().list()) {
            c.add(Rows.of(k));
        }
        return c;
    }

    private static Checksum links(Ports p) {
        Checksum c = new Checksum();
        forEachPage(p, page -> page.forEach(l -> c.add(Rows.of(l))));
        return c;
    }

    /** The feed's rows, and the codes that answer "deleted" (those of its deletions not taken again). */
    private static Checksum changes(Ports p) {
        Checksum c = new Checksum();
        Set<ShortCode> deletedCodes = new LinkedHashSet<>();
        long after = 0;
        while (true) {
            List<Change.Row> rows = p.links().changeRows(after, PAGE);
            if (rows.isEmpty()) {
                break;
            }
            for (Change.Row r : rows) {
                c.add(Rows.of(r));
                if (r.kind() == Change.Kind.DELETED) {
                    deletedCodes.add(r.code());
                }
            }
            after = rows.getLast().seq();
        }
        for (ShortCode code : deletedCodes) {
            if (p.links().wasDeleted(code)) {
                c.add("deleted " + code.value());
            }
        }
        return c;
    }

    private static Checksum clicks(Ports p) {
        Checksum c = new Checksum();
        forEachPage(p, page -> {
            for (Link l : page) {
                for (DailyClicks d : p.clicks().daily(l.id(), FIRST_DAY, LAST_DAY)) {
                    c.add("clicks " + l.id() + " " + d.day() + " " + d.clicks());
                }
            }
        });
        return c;
    }

    private static Checksum analytics(Ports p) {
        Checksum c = new Checksum();
        p.analytics().exportRows(-1, Long.MAX_VALUE, r -> c.add(r.canonical()));
        return c;
    }

    private static Checksum visits(Ports p) {
        Checksum c = new Checksum();
        long after = 0;
        while (true) {
            List<AnalyticsRow.Chunk> chunks = p.analytics().chunksAfter(after, 64);
            if (chunks.isEmpty()) {
                return c;
            }
            chunks.forEach(ch -> c.add(ch.canonical()));
            after = chunks.getLast().id();
        }
    }

    private static void forEachPage(Ports p, java.util.function.Consumer<List<Link>> each) {
        long after = 0;
        while (true) {
            Page<Link> page = p.links().list(new LinkQuery(null, null, null, null, null, after, PAGE, true));
            each.accept(page.items());
            if (page.nextAfterId() == 0 || page.items().isEmpty()) {
                return;
            }
            after = page.items().getLast().id();
        }
    }
}
