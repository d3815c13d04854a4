package dev.shortr.migrate;

import dev.shortr.analytics.AnalyticsRow;
import dev.shortr.auth.ApiKey;
import dev.shortr.link.Change;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.Page;
import dev.shortr.visit.ClickTally;
import dev.shortr.visit.DailyClicks;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies one store into another through their ports: API keys, then links in id order with their click counters
 * and analytics, then the change feed, then the visit log. Every batch is one transaction in the target and is
 * idempotent, and each phase starts again where the target shows it stopped, so a copy that was interrupted
 * (killed, or a failed batch) is finished by running it again:
 *
 * <ul>
 *   <li>links: after the target's highest link id. A batch writes its links last, after the clicks and analytics
 *       of its id range, so a link present means everything keyed by ids up to it is there;</li>
 *   <li>clicks: a link's days are added in the batch's one transaction, only to a link that has none yet;</li>
 *   <li>analytics rows replace rows with the same key; the rows beyond the last link are copied on every run;</li>
 *   <li>changes: after the target's last seq; visit chunks: after its last chunk id; keys: those it lacks.</li>
 * </ul>
 *
 * The source must not change meanwhile (stop its nodes): {@link Verification} would report the difference.
 */
public final class Migration {
    public static final int DEFAULT_BATCH = 500;
    private static final LocalDate FIRST_DAY = LocalDate.of(1, 1, 1);
    private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);
    /** Analytics rows per restore transaction. */
    private static final int ROWS_PER_RESTORE = 5000;
    /** Visit chunks per restore transaction at most: a chunk holds one flush of visits, up to a few hundred KiB. */
    private static final int CHUNKS_PER_RESTORE = 32;

    /** Told after every batch committed in the target. A listener that throws stops the copy there. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (what, copied, resumedAfter) -> {};

        /** {@code copied} items of {@code what} so far in this run; the phase resumed after {@code resumedAfter}. */
        void committed(String what, long copied, long resumedAfter);
    }

    /** What one run copied (not counting what an earlier run had). */
    public record Copied(long keys, long links, long clickedLinks, long analyticsRows, long changes, long visitChunks) {}

    private final Ports from;
    private final Ports to;
    private final int batch;
    private final Progress progress;

    public Migration(Ports from, Ports to, int batch, Progress progress) {
        if (batch < 1 || batch > LinkQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("batch must be 1.." + LinkQuery.MAX_LIMIT + ", not " + batch);
        }
        this.from = from;
        this.to = to;
        this.batch = batch;
        this.progress = progress;
    }

    /**
     * Copies whatever the target lacks. Throws {@link IllegalStateException} before writing anything when the target
     * holds data that did not come from this source (it must be empty, or an interrupted copy of this source).
     */
    public Copied run() {
        preflight();
        long keys = copyKeys();
        long[] links = copyLinks();
        long changes = copyChanges();
        long chunks = copyChunks();
        return new Copied(keys, links[0], links[1], links[2], changes, chunks);
    }

    private void preflight() {
        for (ApiKey k : to.keys().list()) {
            Optional<ApiKey> s = from.keys().findById(k.id());
            if (s.isEmpty() || !Rows.of(s.get()).equals(Rows.of(k))) {
                throw foreign("API key " + k.id() + " (" + k.name() + ")");
            }
        }
        List<Link> newest = to.links().list(LinkQuery.all(1)).items();
        if (!newest.isEmpty()) {
            Link t = newest.getFirst();
            Optional<Link> s = from.links().find(t.code());
            if (s.isEmpty() || !Rows.of(s.get()).equals(Rows.of(t))) {
                throw foreign("link " + t.code() + " (id " + t.id() + ")");
            }
        }
        long seq = to.links().lastSeq();
        if (seq > 0 && !from.links().changeRows(seq - 1, 1).equals(to.links().changeRows(seq - 1, 1))) {
            throw foreign("change " + seq);
        }
        long chunk = to.analytics().lastChunkId();
        if (chunk > 0 && !from.analytics().chunksAfter(chunk - 1, 1).equals(to.analytics().chunksAfter(chunk - 1, 1))) {
            throw foreign("visit chunk " + chunk);
        }
    }

    private static IllegalStateException foreign(String what) {
        return new IllegalStateException("the target holds " + what + ", which is not in the source: copy into an empty store"
                + " (one no node has served from), or into the same target an interrupted copy of this source left");
    }

    private long copyKeys() {
        List<ApiKey> keys = new ArrayList<>(from.keys().list());
        long copied = 0;
        for (ApiKey k : keys.reversed()) { // oldest first, so keys created in one millisecond list in the same order
            if (to.keys().findById(k.id()).isEmpty()) {
                to.keys().insert(k);
                copied++;
            }
        }
        progress.committed("keys", copied, 0);
        return copied;
    }

    /** Links, clicked links and analytics rows copied. */
    private long[] copyLinks() {
        List<Link> newest = to.links().list(LinkQuery.all(1)).items();
        long resumedAfter = newest.isEmpty() ? 0 : newest.getFirst().id();
        long after = resumedAfter;
        // analytics go by id range (after, last id of the batch]; the first range takes the instance's rows (id 0) too
        long rangeStart = after == 0 ? -1 : after;
        long links = 0;
        long clicked = 0;
        long rows = 0;
        while (true) {
            Page<Link> page = from.links().list(new LinkQuery(null, null, null, null, null, after, batch, true));
            if (page.items().isEmpty()) {
                break;
            }
            long last = page.items().getLast().id();
            rows += copyAnalytics(rangeStart, last);
            clicked += copyClicks(page.items());
            to.links().restoreLinks(page.items()); // last: the links mark the batch done
            links += page.items().size();
            progress.committed("links", links, resumedAfter);
            after = last;
            rangeStart = last;
            if (page.nextAfterId() == 0) {
                break;
            }
        }
        rows += copyAnalytics(rangeStart, Long.MAX_VALUE); // rows of ids beyond the last link (deleted links' leftovers)
        return new long[] {links, clicked, rows};
    }

    private long copyAnalytics(long after, long last) {
        List<AnalyticsRow> rows = new ArrayList<>();
        long[] copied = {0};
        from.analytics().exportRows(after, last, row -> {
            rows.add(row);
            if (rows.size() == ROWS_PER_RESTORE) {
                to.analytics().restore(rows);
                copied[0] += rows.size();
                rows.clear();
            }
        });
        to.analytics().restore(rows);
        return copied[0] + rows.size();
    }

    /** Adds the days of the links that have clicks in the source and none in the target, in one transaction. */
    private long copyClicks(List<Link> links) {
        List<Long> ids = links.stream().map(Link::id).toList();
        Map<Long, Long> source = from.clicks().totals(ids);
        Map<Long, Long> target = to.clicks().totals(ids);
        List<ClickTally> tallies = new ArrayList<>();
        long clicked = 0;
        for (long id : ids) {
            if (source.getOrDefault(id, 0L) == 0 || target.getOrDefault(id, 0L) != 0) {
                continue;
            }
            for (DailyClicks d : from.clicks().daily(id, FIRST_DAY, LAST_DAY)) {
                tallies.add(new ClickTally(id, d.day(), d.clicks()));
            }
            clicked++;
        }
        if (!tallies.isEmpty()) {
            to.clicks().add(tallies);
        }
        return clicked;
    }

    private long copyChanges() {
        long resumedAfter = to.links().lastSeq();
        long after = resumedAfter;
        long copied = 0;
        while (true) {
            List<Change.Row> rows = from.links().changeRows(after, batch);
            if (rows.isEmpty()) {
                return copied;
            }
            to.links().restoreChanges(rows);
            copied += rows.size();
            after = rows.getLast().seq();
            progress.committed("changes", copied, resumedAfter);
        }
    }

    private long copyChunks() {
        long resumedAfter = to.analytics().lastChunkId();
        long after = resumedAfter;
        long copied = 0;
        while (true) {
            List<AnalyticsRow.Chunk> chunks = from.analytics().chunksAfter(after, Math.min(batch, CHUNKS_PER_RESTORE));
            if (chunks.isEmpty()) {
                return copied;
            }
            to.analytics().restore(chunks);
            copied += chunks.size();
            after = chunks.getLast().id();
            progress.committed("visit chunks", copied, resumedAfter);
        }
    }
}
