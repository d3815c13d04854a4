package dev.shortr.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The edge's copy of the origin's links, in its own store, and the feed cursor it is current to. A change is
 * applied as an upsert or a delete by code, so applying one twice (after a crash between the write and the cursor)
 * changes nothing. The cursor is a file written atomically after the changes it covers.
 */
final class Replica {
    private final LinkStore links;
    private final Path cursorFile;

    Replica(LinkStore links, Path cursorFile) {
        this.links = links;
        this.cursorFile = cursorFile;
    }

    /** The seq of the last change applied, or -1 when the replica was never loaded. */
    long cursor() {
        try {
            return Files.isRegularFile(cursorFile) ? Long.parseLong(Files.readString(cursorFile).strip()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1; // unreadable: load again from a snapshot
        }
    }

    void saveCursor(long seq) {
        try {
            Path tmp = cursorFile.resolveSibling(cursorFile.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(seq), StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, cursorFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, cursorFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replica cursor " + cursorFile, e);
        }
    }

    /** Applies one change of the feed ({@code kind}: created, updated or deleted). */
    void apply(JsonNode change) {
        String kind = change.path("kind").asText();
        ShortCode code = ShortCode.parse(change.path("code").asText());
        JsonNode link = change.get("link");
        if (kind.equals("deleted") || link == null || link.isNull()) {
            links.delete(code); // a link deleted since this change was written: its DELETED change follows anyway
            return;
        }
        put(link);
    }

    /** Upserts a link as the feed and the snapshot carry it. */
    void put(JsonNode n) {
        Link incoming = link(n);
        Optional<Link> existing = links.find(incoming.code());
        if (existing.isPresent()) {
            links.update(incoming.code(), old -> same(old, incoming));
            return;
        }
        if (links.insert(incoming) instanceof Insert.CodeTaken) {
            links.update(incoming.code(), old -> same(old, incoming)); // raced with another write of the same code
        }
    }

    /**
     * Upserts a page of the snapshot. The links the replica does not hold yet go in with one {@code insertAll}: one
     * transaction, so one fsync, for the page. One insert a link made a 100,000-link first load take minutes (each its
     * own synced commit, about 500 a second on a shared disk).
     */
    void putAll(JsonNode page) {
        List<Link> fresh = new ArrayList<>(page.size());
        for (JsonNode n : page) {
            Link incoming = link(n);
            if (links.find(incoming.code()).isPresent()) {
                links.update(incoming.code(), old -> same(old, incoming));
            } else {
                fresh.add(incoming);
            }
        }
        List<Insert> inserted = links.insertAll(fresh);
        for (int i = 0; i < inserted.size(); i++) {
            if (inserted.get(i) instanceof Insert.CodeTaken) {
                Link incoming = fresh.get(i);
                links.update(incoming.code(), old -> same(old, incoming)); // raced with another write of the same code
            }
        }
    }

    /** Deletes every local link not in {@code keep}: what a resynchronisation leaves behind. */
    int retainOnly(Set<String> keep) {
        List<ShortCode> gone = new ArrayList<>();
        long after = 0;
        while (true) {
            Page<Link> page = links.list(new LinkQuery(null, null, null, null, null, after, LinkQuery.MAX_LIMIT, true));
            for (Link l : page.items()) {
                if (!keep.contains(l.code().value())) {
                    gone.add(l.code());
                }
            }
            if (page.nextAfterId() == 0) {
                break;
            }
            after = page.nextAfterId();
        }
        gone.forEach(links::delete);
        return gone.size();
    }

    static Set<String> codes(JsonNode snapshotLinks, Set<String> into) {
        Set<String> out = into == null ? new HashSet<>() : into;
        snapshotLinks.forEach(l -> out.add(l.path("code").asText()));
        return out;
    }

    private static Link same(Link old, Link incoming) {
        return new Link(old.id(), old.code(), incoming.target(), incoming.redirect(), incoming.cacheSeconds(), incoming.forwardQuery(),
                incoming.expiresAt(), incoming.maxClicks(), old.tags(), incoming.title(), old.owner(), incoming.disabled(),
                old.createdAt(), incoming.updatedAt(), old.seq(), incoming.track());
    }

    /** A link from the feed's JSON (see ChangesApi.link); the origin validated it, so only its shape is checked here. */
    static Link link(JsonNode n) {
        Integer cacheSeconds = n.path("cacheSeconds").isNumber() ? n.get("cacheSeconds").asInt() : null;
        Long maxClicks = n.path("maxClicks").isNumber() ? n.get("maxClicks").asLong() : null;
        Instant expiresAt = n.path("expiresAt").isTextual() ? Instant.parse(n.get("expiresAt").asText()) : null;
        String title = n.path("title").isTextual() ? n.get("title").asText() : null;
        Instant created = Instant.parse(n.path("createdAt").asText());
        Instant updated = Instant.parse(n.path("updatedAt").asText());
        return new Link(0, ShortCode.parse(n.path("code").asText()), TargetUrl.parse(n.path("url").asText(), DomainBlocklist.NONE),
                RedirectType.of(n.path("redirect").asInt()), cacheSeconds, n.path("forwardQuery").asBoolean(), expiresAt, maxClicks,
                List.of(), title, null, n.path("disabled").asBoolean(), created, updated, 0, n.path("track").asBoolean(true));
    }
}
