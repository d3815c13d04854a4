package dev.shortr.link;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link LinkStore} that hands every call to another one: the base of decorators that act on some calls (after
 * a mutation, say) and pass the rest through. The copy ports are not forwarded: a decorated store is not what
 * {@code shortr migrate} copies (it copies the store under it).
 */
public abstract class ForwardingLinkStore implements LinkStore {
    protected final LinkStore delegate;

    protected ForwardingLinkStore(LinkStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        return delegate.find(code);
    }

    @Override
    public boolean wasDeleted(ShortCode code) {
        return delegate.wasDeleted(code);
    }

    @Override
    public Insert insert(Link draft) {
        return delegate.insert(draft);
    }

    @Override
    public List<Insert> insertAll(List<Link> drafts) {
        return delegate.insertAll(drafts);
    }

    @Override
    public Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        return delegate.update(code, change);
    }

    @Override
    public boolean delete(ShortCode code) {
        return delegate.delete(code);
    }

    @Override
    public Page<Link> list(LinkQuery query) {
        return delegate.list(query);
    }

    @Override
    public Optional<Link> findByTarget(String owner, String target) {
        return delegate.findByTarget(owner, target);
    }

    @Override
    public long lastSeq() {
        return delegate.lastSeq();
    }

    @Override
    public List<Change> changesAfter(long after, int limit) {
        return delegate.changesAfter(after, limit);
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public Map<Long, ShortCode> codes(Collection<Long> ids) {
        return delegate.codes(ids);
    }

    @Override
    public void ping() {
        delegate.ping();
    }
}
