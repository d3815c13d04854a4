package dev.shortr.store.memory;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.ShortCode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * {@link LinkStore} in the heap. One lock guards everything, which makes every method trivially atomic and
 * the change feed gap-free. Ids are never reused, so clicks keyed by the id of a deleted link stay orphaned
 * and harmless.
 */
public final class MemoryLinkStore implements LinkStore {
    /** A change as recorded: the link is looked up by id when read, as the SQL stores do. */
    private record Entry(long seq, Change.Kind kind, ShortCode code, long linkId, Instant at) {}

    private final java.util.Set<ShortCode> deleted = new java.util.HashSet<>();
    private final Clock clock;
    private final NavigableMap<Long, Link> byId = new TreeMap<>();
    private final Map<ShortCode, Link> byCode = new HashMap<>();
    private final List<Entry> changes = new ArrayList<>();
    private long lastId;

    public MemoryLinkStore() {
        this(Clock.systemUTC());
    }

    public MemoryLinkStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<Link> find(ShortCode code) {
        return Optional.ofNullable(byCode.get(code));
    }

    @Override
    public synchronized boolean wasDeleted(ShortCode code) {
        return deleted.contains(code);
    }

    @Override
    public synchronized Insert insert(Link draft) {
        if (byCode.containsKey(draft.code())) {
            return new Insert.CodeTaken(draft.code());
        }
        long id = ++lastId;
        Link link = millis(draft).withStoreFields(id, append(Change.Kind.CREATED, draft.code(), id));
        byId.put(id, link);
        byCode.put(link.code(), link);
        deleted.remove(link.code());
        return new Insert.Inserted(link);
    }

    @Override
    public synchronized List<Insert> insertAll(List<Link> drafts) {
        List<Insert> out = new ArrayList<>(drafts.size());
        for (Link d : drafts) {
            out.add(insert(d));
        }
        return out;
    }

    @Override
    public synchronized Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        Link current = byCode.get(code);
        if (current == null) {
            return Optional.empty();
        }
        Link next = change.apply(current); // may throw: nothing has been touched yet
        if (!next.code().equals(code)) {
            throw new IllegalArgumentException("an update may not change the code (" + code + " -> " + next.code() + ")");
        }
        Link stored = millis(next).withStoreFields(current.id(), append(Change.Kind.UPDATED, code, current.id()));
        byId.put(stored.id(), stored);
        byCode.put(code, stored);
        return Optional.of(stored);
    }

    @Override
    public synchronized boolean delete(ShortCode code) {
        Link gone = byCode.remove(code);
        if (gone == null) {
            return false;
        }
        byId.remove(gone.id());
        deleted.add(code);
        append(Change.Kind.DELETED, code, gone.id());
        return true;
    }

    @Override
    public synchronized Page<Link> list(LinkQuery query) {
        NavigableMap<Long, Link> ordered;
        if (query.oldestFirst()) {
            ordered = query.afterId() == 0 ? byId : byId.tailMap(query.afterId(), false);
        } else {
            ordered = query.afterId() == 0 ? byId.descendingMap() : byId.headMap(query.afterId(), false).descendingMap();
        }
        List<Link> items = new ArrayList<>(query.limit());
        for (Link l : ordered.values()) {
            if (!query.matches(l)) {
                continue;
            }
            if (items.size() == query.limit()) {
                return new Page<>(items, items.getLast().id()); // one more matches: there is a next page
            }
            items.add(l);
        }
        return new Page<>(items, 0);
    }

    @Override
    public synchronized Optional<Link> findByTarget(String owner, String target) {
        for (Link l : byId.descendingMap().values()) {
            if (l.target().value().equals(target) && Objects.equals(owner, l.owner())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized long lastSeq() {
        return changes.size();
    }

    @Override
    public synchronized List<Change> changesAfter(long after, int limit) {
        List<Change> out = new ArrayList<>();
        // seq n lives at index n - 1: the feed has no gaps
        for (int i = (int) Math.max(0, after); i < changes.size() && out.size() < limit; i++) {
            Entry e = changes.get(i);
            Link link = e.kind() == Change.Kind.DELETED ? null : byId.get(e.linkId());
            out.add(new Change(e.seq(), e.kind(), e.code(), link, e.at()));
        }
        return out;
    }

    @Override
    public synchronized java.util.Map<Long, ShortCode> codes(java.util.Collection<Long> ids) {
        java.util.Map<Long, ShortCode> out = new HashMap<>();
        for (Long id : ids) {
            Link l = byId.get(id);
            if (l != null) {
                out.put(id, l.code());
            }
        }
        return out;
    }

    @Override
    public synchronized long count() {
        return byId.size();
    }

    @Override
    public void ping() {
    }

    @Override
    public synchronized List<Change.Row> changeRows(long after, int limit) {
        List<Change.Row> out = new ArrayList<>();
        for (int i = (int) Math.max(0, after); i < changes.size() && out.size() < limit; i++) {
            Entry e = changes.get(i);
            out.add(new Change.Row(e.seq(), e.kind(), e.code(), e.linkId(), e.at()));
        }
        return out;
    }

    @Override
    public synchronized void restoreLinks(List<Link> links) {
        for (Link l : links) {
            Link stored = millis(l);
            Link old = byId.put(stored.id(), stored);
            if (old != null && !old.code().equals(stored.code())) {
                byCode.remove(old.code());
            }
            Link taken = byCode.put(stored.code(), stored);
            if (taken != null && taken.id() != stored.id()) {
                byId.remove(taken.id()); // the SQL stores' unique code replaces the row that held it the same way
            }
            deleted.remove(stored.code());
            lastId = Math.max(lastId, stored.id());
        }
    }

    @Override
    public synchronized void restoreChanges(List<Change.Row> rows) {
        int size = changes.size();
        for (Change.Row r : rows) {
            if (r.seq() <= size) {
                continue;
            }
            if (r.seq() != size + 1) {
                throw new IllegalArgumentException("restoring seq " + r.seq() + " after " + size + " would leave a hole in the feed");
            }
            size++;
        }
        for (Change.Row r : rows) {
            if (r.seq() <= changes.size()) {
                continue;
            }
            changes.add(new Entry(r.seq(), r.kind(), r.code(), r.linkId(), trim(r.at())));
            if (r.kind() == Change.Kind.DELETED && !byCode.containsKey(r.code())) {
                deleted.add(r.code());
            }
            lastId = Math.max(lastId, r.linkId());
        }
    }

    private long append(Change.Kind kind, ShortCode code, long linkId) {
        long seq = changes.size() + 1L;
        changes.add(new Entry(seq, kind, code, linkId, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        return seq;
    }

    /** The SQL stores keep epoch millis; doing the same here keeps the fake from hiding a precision bug. */
    private static Link millis(Link l) {
        return new Link(l.id(), l.code(), l.target(), l.redirect(), l.cacheSeconds(), l.forwardQuery(),
                trim(l.expiresAt()), l.maxClicks(), l.tags(), l.title(), l.owner(), l.disabled(), trim(l.createdAt()),
                trim(l.updatedAt()), l.seq(), l.track(), l.cdnSeconds());
    }

    private static Instant trim(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }
}
