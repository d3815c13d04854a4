package dev.shortr.link;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A {@link LinkStore} that runs {@code committed} after every mutation that appended to the change feed (the
 * delegate's writes are durable on return, so a woken reader finds them). See {@link ChangeFeed#signalling}.
 */
final class SignallingLinkStore extends ForwardingLinkStore {
    private final Runnable committed;

    SignallingLinkStore(LinkStore delegate, Runnable committed) {
        super(delegate);
        this.committed = committed;
    }

    @Override
    public Insert insert(Link draft) {
        Insert r = delegate.insert(draft);
        if (r instanceof Insert.Inserted) {
            committed.run();
        }
        return r;
    }

    @Override
    public List<Insert> insertAll(List<Link> drafts) {
        List<Insert> r = delegate.insertAll(drafts);
        if (r.stream().anyMatch(i -> i instanceof Insert.Inserted)) {
            committed.run();
        }
        return r;
    }

    @Override
    public Optional<Link> update(ShortCode code, UnaryOperator<Link> change) {
        Optional<Link> r = delegate.update(code, change);
        r.ifPresent(l -> committed.run());
        return r;
    }

    @Override
    public boolean delete(ShortCode code) {
        boolean r = delegate.delete(code);
        if (r) {
            committed.run();
        }
        return r;
    }
}
