package dev.shortr.metrics;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.ShortCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Records the latency of every store call as {@code shortr_store_seconds{op=...}}. */
public final class TimedLinkStore implements LinkStore {
    private final LinkStore delegate;
    private final Timer find;
    private final Timer insert;
    private final Timer update;
    private final Timer delete;
    private final Timer list;
    private final Timer other;

    public TimedLinkStore(LinkStore delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.find = timer(registry, "find");
        this.insert = timer(registry, "insert");
        this.update = timer(registry, "update");
        this.delete = timer(registry, "delete");
        this.list = timer(registry, "list");
        this.other = timer(registry, "other");
    }

    private static Timer timer(MeterRegistry r, String op) {
        return Timer.builder("shortr.store").description("Link store call latency").tag("op", op)
                .publishPercentiles(0.5, 0.99).register(r);
    }

    private static <T> T time(Timer t, Supplier<T> s) {
        long start = System.nanoTime();
        try {
            return s.get();
        } finally {
            t.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        return time(find, () -> delegate.find(code));
    }

    @Override
    public boolean wasDeleted(ShortCode code) {
        return time(find, () -> delegate.wasDeleted(code));
    }

    @Override
    public Insert insert(Link draft) {
        return time(insert, () -> delegate.insert(draft));
    }

    @Override
    public List<Insert> insertAll(List<Link> drafts) {
        return time(insert, () -> delegate.insertAll(drafts));
    }

    @Override
    public Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        return time(update, () -> delegate.update(code, change));
    }

    @Override
    public boolean delete(ShortCode code) {
        return time(delete, () -> delegate.delete(code));
    }

    @Override
    public Page<Link> list(LinkQuery query) {
        return time(list, () -> delegate.list(query));
    }

    @Override
    public Optional<Link> findByTarget(String owner, String target) {
        return time(find, () -> delegate.findByTarget(owner, target));
    }

    @Override
    public long lastSeq() {
        return delegate.lastSeq();
    }

    @Override
    public List<Change> changesAfter(long after, int limit) {
        return time(other, () -> delegate.changesAfter(after, limit));
    }

    @Override
    public java.util.Map<Long, dev.shortr.link.ShortCode> codes(java.util.Collection<Long> ids) {
        return time(other, () -> delegate.codes(ids));
    }

    @Override
    public long count() {
        return time(other, delegate::count);
    }

    @Override
    public void ping() {
        time(other, () -> {
            delegate.ping();
            return null;
        });
    }
}
