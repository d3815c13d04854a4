package dev.shortr.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.auth.Scope;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import dev.shortr.link.Change;
import dev.shortr.link.ChangeFeed;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.ClickTally;
import dev.shortr.link.Page;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/v1/changes}: the change feed replicas follow (long-polled), and the snapshot they start from.
 * A change carries what an edge needs to answer redirects on its own: the link's redirect-relevant fields as
 * they are when the change is read (a link changed twice shows its latest state at both changes; the later
 * change follows anyway, so a replica that applies them in order ends where the store is).
 */
final class ChangesApi {
    static final int DEFAULT_LIMIT = 100;
    static final int DEFAULT_WAIT_SECONDS = 25;
    static final int MAX_WAIT_SECONDS = 60;

    static final int MAX_BATCH = 10_000;
    private static final java.util.regex.Pattern BATCH_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final ChangeFeed feed;
    private final LinkStore links;
    private final ClickStore clicks;
    private final Guard guard;

    ChangesApi(ChangeFeed feed, LinkStore links, ClickStore clicks, Guard guard) {
        this.feed = feed;
        this.links = links;
        this.clicks = clicks;
        this.guard = guard;
    }

    void routes(Router r) {
        r.add("GET", "/api/v1/changes", "Follow the change feed", guard.require(Scope.REPLICATION, this::changes));
        r.add("GET", "/api/v1/changes/snapshot", "Every link, as of a feed seq", guard.require(Scope.REPLICATION, this::snapshot));
        r.add("GET", "/api/v1/changes/links/{code}", "One link as a replica keeps it (an edge's miss)",
                guard.require(Scope.REPLICATION, this::oneLink));
        r.add("POST", "/api/v1/clicks", "Add a batch of clicks counted by an edge, once per Idempotency-Key",
                guard.require(Scope.REPLICATION, this::clickBatch));
    }

    /** One link in the snapshot's shape, for an edge asked for a code its replica does not hold yet. */
    private Reply oneLink(Request req, Caller caller) {
        String raw = req.pathParam("code");
        Link l = ShortCode.problem(raw) == null ? links.find(ShortCode.parse(raw)).orElse(null) : null;
        if (l == null) {
            throw new HttpError(Problem.of(404, "link-not-found", "Link not found", "no link has the code " + raw));
        }
        return noStore(Json.reply(200, link(l)));
    }

    /**
     * An edge's click counts, by code and day. The {@code Idempotency-Key} makes a retry harmless: the counts and
     * the key commit together, and a key seen before adds nothing ({@code "added": false}). Codes the origin no
     * longer has are reported, and their clicks dropped.
     */
    private Reply clickBatch(Request req, Caller caller) {
        String key = req.header("idempotency-key");
        if (key == null || !BATCH_KEY.matcher(key).matches()) {
            throw Json.invalid("Idempotency-Key", "the Idempotency-Key header is required: 1 to 200 of A-Z a-z 0-9 . _ : -");
        }
        ObjectNode body = Json.object(req);
        Json.onlyFields(body, java.util.Set.of("counts"));
        JsonNode counts = body.get("counts");
        if (counts == null || !counts.isArray() || counts.size() > MAX_BATCH) {
            throw Json.invalid("counts", "counts is a list of at most " + MAX_BATCH + " {code, day, clicks}");
        }
        java.util.List<ClickTally> tallies = new java.util.ArrayList<>();
        ArrayNode unknown = Json.MAPPER.createArrayNode();
        java.util.Map<String, Long> ids = new java.util.HashMap<>();
        long total = 0;
        for (JsonNode c : counts) {
            String code = c.path("code").asText("");
            long n = c.path("clicks").asLong(-1);
            java.time.LocalDate day;
            try {
                day = java.time.LocalDate.parse(c.path("day").asText(""));
            } catch (java.time.format.DateTimeParseException e) {
                throw Json.invalid("counts", "each count has a day such as 2026-11-25, not '" + c.path("day").asText("") + "'");
            }
            if (!c.path("clicks").canConvertToExactIntegral() || n < 1 || n > 1_000_000_000L || ShortCode.problem(code) != null) {
                throw Json.invalid("counts", "each count has a valid code and clicks from 1 to 1000000000");
            }
            Long id = ids.computeIfAbsent(code, x -> links.find(ShortCode.parse(x)).map(Link::id).orElse(-1L));
            if (id < 0) {
                unknown.add(code);
                continue;
            }
            tallies.add(new ClickTally(id, day, n));
            total += n;
        }
        boolean added = clicks.addOnce(key, ClickTallies.of(tallies));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("added", added);
        out.put("clicks", added ? total : 0);
        out.set("unknownCodes", unknown);
        return noStore(Json.reply(200, out));
    }

    private Reply changes(Request req, Caller caller) {
        String rawAfter = req.param("after");
        if (rawAfter == null || rawAfter.isEmpty()) {
            throw Json.invalid("after", "after is required: the seq of the last change already applied (0 for the start of the feed)");
        }
        long after = number(req, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) number(req, "limit", 1, LinkQuery.MAX_LIMIT, DEFAULT_LIMIT);
        int wait = (int) number(req, "wait", 0, MAX_WAIT_SECONDS, DEFAULT_WAIT_SECONDS);
        return switch (feed.read(after, limit, Duration.ofSeconds(wait))) {
            case ChangeFeed.Read.Changes c -> {
                ObjectNode out = Json.MAPPER.createObjectNode();
                ArrayNode items = out.putArray("changes");
                c.changes().forEach(ch -> items.add(render(ch)));
                out.put("next", c.next());
                out.put("last", c.last());
                yield noStore(Json.reply(200, out));
            }
            case ChangeFeed.Read.Compacted g -> throw new HttpError(Problem.of(410, "changes-compacted", "Changes compacted",
                    "the changes after seq " + g.after() + " are no longer kept (the oldest is " + g.oldest()
                            + "); resynchronise from GET /api/v1/changes/snapshot, then follow the feed from its seq"));
            case ChangeFeed.Read.Ahead a -> throw new HttpError(Problem.of(409, "cursor-ahead", "Cursor ahead of the feed",
                    "after=" + a.after() + " is beyond the last change of this store (" + a.last() + "): the cursor comes from "
                            + "another store or from before a restore; resynchronise from GET /api/v1/changes/snapshot"));
            case ChangeFeed.Read.Busy b -> throw new HttpError(Problem.of(503, "overloaded", "Overloaded",
                    b.waiting() + " reads of the change feed are waiting already; retry shortly").withHeaders(Map.of("retry-after", "1")));
        };
    }

    /**
     * One page of every link, oldest first. The first page fixes {@code seq}, the feed's last seq before any link
     * was read; later pages carry it in their cursor. Every change after it is in the feed, so a replica that loads
     * every page and then follows the feed from {@code seq} (applying changes as upserts and deletes by code)
     * ends where the store is, whatever was written while it paged.
     */
    private Reply snapshot(Request req, Caller caller) {
        int limit = (int) number(req, "limit", 1, LinkQuery.MAX_LIMIT, LinkQuery.MAX_LIMIT);
        long[] cursor = cursor(req.param("cursor"));
        long seq = cursor == null ? links.lastSeq() : cursor[0];
        long afterId = cursor == null ? 0 : cursor[1];
        Page<Link> page = links.list(new LinkQuery(null, null, null, null, null, afterId, limit, true));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("seq", seq);
        ArrayNode items = out.putArray("links");
        // pages are read one by one while writes go on: a link changed after seq (its own seq is higher) is left to
        // the feed, which carries it after seq. Else a code deleted and made again while paging came twice, its old
        // row on an early page and its new one on a later page (ThreeNodesIT, three writers on PostgreSQL)
        page.items().stream().filter(l -> l.seq() <= seq).forEach(l -> items.add(link(l)));
        out.put("next", page.nextAfterId() == 0 ? null : encode(seq, page.nextAfterId()));
        return noStore(Json.reply(200, out));
    }

    static ObjectNode render(Change c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("seq", c.seq());
        n.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
        n.put("code", c.code().value());
        n.put("at", c.at().toString());
        if (c.kind() != Change.Kind.DELETED) {
            // null when the link has been deleted since: its DELETED change comes later in the feed
            n.set("link", c.link() == null ? null : link(c.link()));
        }
        return n;
    }

    /** A link as a replica keeps it: what a redirect and its preview need, and no owner or tags. */
    static ObjectNode link(Link l) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", l.id());
        n.put("code", l.code().value());
        n.put("seq", l.seq());
        LinkJson.putRedirect(n, l);
        n.put("disabled", l.disabled());
        n.put("track", l.track());
        n.put("title", l.title());
        n.put("createdAt", l.createdAt().toString());
        n.put("updatedAt", l.updatedAt().toString());
        return n;
    }

    /** Feed answers change with every write: no ETag, and nothing a cache may keep. */
    private static Reply noStore(Reply r) {
        return r.header("cache-control", "no-store");
    }

    /** A whole number parameter in {@code [min, max]}, or {@code dflt} when absent. */
    private static long number(Request req, String name, long min, long max, long dflt) {
        String v = req.param(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Json.invalid(name, name + " must be a whole number between " + min + " and " + max);
        }
        if (n < min || n > max) {
            throw Json.invalid(name, name + " must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    static String encode(long seq, long afterId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("snap:" + seq + ":" + afterId).getBytes(StandardCharsets.US_ASCII));
    }

    /** {seq, afterId} from a snapshot cursor, or null for none. */
    static long[] cursor(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII).split(":");
            if (p.length != 3 || !p[0].equals("snap")) {
                throw new IllegalArgumentException();
            }
            long seq = Long.parseLong(p[1]);
            long afterId = Long.parseLong(p[2]);
            if (seq < 0 || afterId <= 0) {
                throw new IllegalArgumentException();
            }
            return new long[] {seq, afterId};
        } catch (IllegalArgumentException e) {
            throw Json.invalid("cursor", "cursor is not valid; pass back the next of a previous snapshot page");
        }
    }
}
