package dev.shortr.migrate;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Dim;
import dev.shortr.analytics.Visit;
import dev.shortr.analytics.VisitChunk;
import dev.shortr.app.Stores;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.Scope;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import dev.shortr.visit.ClickTally;
import dev.shortr.visit.TallyMap;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A store with a bit of everything a migration must carry: keys (one revoked), links with every field, updated,
 * deleted and re-created, clicks on several days, every kind of analytics row (an orphan beyond the last link
 * included), visit chunks and salts.
 */
public final class StoreFixture {
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");
    static final long DAY = LocalDate.of(2025, 3, 1).toEpochDay();

    /** What was made: the key tokens, the codes alive and the codes deleted for good. */
    public record Made(List<String> tokens, List<String> alive, List<String> deleted, long highestId) {}

    private StoreFixture() {
    }

    public static Ports ports(Stores s) {
        return new Ports(s.links(), s.keys(), s.clicks(), s.analytics());
    }

    static Link draft(String code, int i) {
        String target = "https://example.com/" + code + "?i=" + i;
        return new Link(0, new ShortCode(code), new TargetUrl(target, "example.com"),
                RedirectType.values()[i % RedirectType.values().length], i % 4 == 0 ? null : i * 10, i % 2 == 0,
                i % 5 == 0 ? T0.plusSeconds(86_400L * 365 * 20) : null, i % 7 == 0 ? (long) i + 1 : null,
                i % 3 == 0 ? List.of("t" + (i % 4), "all") : List.of(), i % 2 == 0 ? "Title " + i + " é" : null,
                i % 6 == 0 ? null : "owner" + (i % 3), false, T0.plusMillis(i), T0.plusMillis(i), 0, i % 9 != 0);
    }

    /** Fills {@code s} with {@code links} links (and the rest); returns what a check needs. */
    public static Made populate(Stores s, int links) {
        ApiKeys keys = new ApiKeys(s.keys(), Clock.systemUTC());
        List<String> tokens = new ArrayList<>();
        tokens.add(keys.mint("admin", EnumSet.of(Scope.ADMIN)).token());
        tokens.add(keys.mint("edge", EnumSet.of(Scope.REPLICATION)).token());
        ApiKeys.Minted gone = keys.mint("old", EnumSet.of(Scope.LINKS_READ, Scope.STATS_READ));
        keys.revoke(gone.key().id());

        List<Link> drafts = new ArrayList<>();
        for (int i = 0; i < links; i++) {
            drafts.add(draft("m" + i, i));
        }
        List<Link> made = new ArrayList<>();
        for (int from = 0; from < drafts.size(); from += 13) {
            for (Insert r : s.links().insertAll(drafts.subList(from, Math.min(drafts.size(), from + 13)))) {
                made.add(((Insert.Inserted) r).link());
            }
        }
        List<String> alive = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Link l : made) {
            int i = Integer.parseInt(l.code().value().substring(1));
            if (i % 4 == 1) {
                s.links().update(l.code(), x -> new Link(x.id(), x.code(), x.target(), x.redirect(), 3600, x.forwardQuery(), x.expiresAt(),
                        x.maxClicks(), x.tags(), "updated", x.owner(), true, x.createdAt(), x.updatedAt().plusSeconds(5), x.seq(), x.track()));
            }
            if (i % 8 == 1) {
                s.links().update(l.code(), x -> x); // a second update
            }
            if (i % 6 == 5) {
                s.links().delete(l.code());
                if (i % 12 == 5) {
                    s.links().insert(draft(l.code().value(), i + 1000)); // the code taken again, by a new link
                    alive.add(l.code().value());
                } else {
                    deleted.add(l.code().value());
                }
            } else {
                alive.add(l.code().value());
            }
        }
        // the newest link deleted for good: the highest id ever handed out belongs to no link
        Link last = ((Insert.Inserted) s.links().insert(draft("zlast", 77))).link();
        s.links().delete(last.code());
        deleted.add("zlast");
        long highest = last.id();

        List<ClickTally> clicks = new ArrayList<>();
        for (Link l : made) {
            if (l.id() % 3 == 0 && alive.contains(l.code().value())) {
                for (int d = 0; d < 4; d++) {
                    clicks.add(new ClickTally(l.id(), LocalDate.ofEpochDay(DAY + d), l.id() + d));
                }
            }
        }
        s.clicks().add(clicks);

        for (int flush = 0; flush < 10; flush++) {
            s.analytics().write(batch(made, flush), (a, b) -> b);
        }
        s.analytics().salt(DAY, () -> new byte[] {1, 2, 3, 4});
        s.analytics().salt(DAY + 1, () -> new byte[] {5, 6, 7, 8});
        return new Made(tokens, alive, deleted, highest);
    }

    /** One flush of analytics: hours, dimensions, visitors, sketches (the instance's too) and a chunk of visits. */
    private static AnalyticsStore.Batch batch(List<Link> links, int flush) {
        TallyMap hours = new TallyMap(64);
        List<long[]> dims = new ArrayList<>();
        long[] keys = new long[links.size() + 1];
        long[] hashes = new long[links.size() + 1];
        Map<AnalyticsStore.DayKey, byte[]> sketches = new HashMap<>();
        VisitChunk.Builder visits = new VisitChunk.Builder();
        int n = 0;
        List<Long> ids = new ArrayList<>(links.stream().map(Link::id).toList());
        ids.add(9_999L); // an orphan beyond every link: its rows must travel too
        for (long id : ids) {
            if (id % 2 != 0 && id != 9_999L) {
                continue;
            }
            long hour = (DAY + flush) * 24 + id % 24;
            hours.add(TallyMap.key(id * 4, hour), id + flush);
            hours.add(TallyMap.key(id * 4 + 1, hour), 1);
            dims.add(new long[] {id, DAY + flush});
            keys[n] = TallyMap.key(id, DAY + flush);
            hashes[n++] = id * 1_000 + flush;
            sketches.put(new AnalyticsStore.DayKey(id, DAY + flush), new byte[] {(byte) id, (byte) flush});
            visits.add(new Visit(id, (DAY + flush) * 86_400_000L + id, "203.0.113.0/24", "FR", "IDF", "Paris", "news.example",
                    "https://news.example/" + id, "Firefox", "Linux", "desktop", null, false, true));
        }
        sketches.put(new AnalyticsStore.DayKey(AnalyticsStore.INSTANCE, DAY + flush), new byte[] {42, (byte) flush});
        AnalyticsStore.DimCounts dimCounts = sink -> {
            for (long[] d : dims) {
                sink.accept(d[0], d[1], Dim.REFERRER, "news.example", 2, 1);
                sink.accept(d[0], d[1], Dim.COUNTRY, "FR", 2, 1);
            }
        };
        return new AnalyticsStore.Batch(hours, dimCounts, new AnalyticsStore.Visitors(java.util.Arrays.copyOf(keys, n),
                java.util.Arrays.copyOf(hashes, n)), sketches, List.of(visits.finish()));
    }
}
