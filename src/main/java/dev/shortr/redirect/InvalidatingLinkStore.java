package dev.shortr.redirect;

import dev.shortr.link.ForwardingLinkStore;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link LinkStore} that evicts the redirect cache after every successful mutation, including inserts
 * (a code that was just requested is cached as unknown and must become visible at once), and tells the other
 * nodes' caches through {@link Peers}.
 */
public final class InvalidatingLinkStore extends ForwardingLinkStore {
    /** Where this node announces a committed change to the other nodes (Redis); must not block. */
    @FunctionalInterface
    public interface Peers {
        Peers NONE = (code, seq) -> { };

        /** @param seq the change's sequence number, or 0 when the store does not say (a delete) */
        void changed(ShortCode code, long seq);
    }

    private final RedirectTier tier;
    private final Peers peers;

    public InvalidatingLinkStore(LinkStore delegate, RedirectTier tier) {
        this(delegate, tier, Peers.NONE);
    }

    public InvalidatingLinkStore(LinkStore delegate, RedirectTier tier, Peers peers) {
        super(delegate);
        this.tier = tier;
        this.peers = peers;
    }

    private void changed(ShortCode code, long seq) {
        tier.invalidate(code);
        peers.changed(code, seq);
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
}
