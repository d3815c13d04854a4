package dev.shortr.redirect;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.ShortCode;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link LinkStore} that evicts the redirect cache after every successful mutation, including inserts
 * (a code that was just requested is cached as unknown and must become visible at once), and tells the other
 * nodes' caches through {@link Peers}.
 */
public final class InvalidatingLinkStore implements LinkStore {
    /** Where this node announces a committed change to the other nodes (Redis); must not block. */
    @FunctionalInterface
    public interface Peers {
        Peers NONE = (code, seq) -> { };

        /** @param seq the change's sequence number, or 0 when the store does not say (a delete) */
        void changed(ShortCode code, long seq);
    }

    private final LinkStore delegate;
    private final RedirectTier tier;
    private final Peers peers;

    public InvalidatingLinkStore(LinkStore delegate, RedirectTier tier) {
        this(delegate, tier, Peers.NONE);
    }

    public InvalidatingLinkStore(LinkStore delegate, RedirectTier tier, Peers peers) {
        this.delegate = delegate;
        this.tier = tier;
        this.peers = peers;
    }

    private void changed(ShortCode code, long seq) {
        tier.invalidate(code);
        peers.changed(code, seq);
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
        Insert r = delegate.insert(draft);
        if (r instanceof Insert.Inserted i) {
            changed(i.link().code(), i.link().seq());
        }
        return r;
    }

    @Override
    public List<Insert> insertAll(List<Link> drafts) {
        List<Insert> r = delegate.insertAll(drafts);
        for (Insert i : r) {
            if (i instanceof Insert.Inserted ins) {
                changed(ins.link().code(), ins.link().seq());
            }
        }
        return r;
    }

    @Override
    public Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        Optional<Link> r = delegate.update(code, change);
        r.ifPresent(l -> changed(code, l.seq()));
        return r;
    }

    @Override
    public boolean delete(ShortCode code) {
        boolean r = delegate.delete(code);
        if (r) {
            changed(code, 0);
        }
        return r;
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
    public java.util.Map<Long, ShortCode> codes(java.util.Collection<Long> ids) {
        return delegate.codes(ids);
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public void ping() {
        delegate.ping();
    }
}
