package dev.shortr.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.link.ForwardingLinkStore;
import dev.shortr.link.Link;
import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replica, read by the redirect tier, asking the origin about a code the replica does not hold (a link made
 * on the origin a moment ago, whose change is still on its way). The redirect tier calls this once per miss:
 * concurrent misses for one code share that call, and an unknown answer is cached for {@code redirect.negativeTtl}.
 * The fetched link is served, not written: the feed brings it into the replica in order. When the origin cannot be
 * reached in {@code timeout}, the code is unknown for now.
 */
public final class OriginFallbackLinkStore extends ForwardingLinkStore {
    private final Origin origin;
    private final Duration timeout;
    private final AtomicLong asked = new AtomicLong();
    private final AtomicLong found = new AtomicLong();

    public OriginFallbackLinkStore(LinkStore replica, Origin origin, Duration timeout) {
        super(replica);
        this.origin = origin;
        this.timeout = timeout;
    }

    /** With a client of its own to {@code origin}. */
    public OriginFallbackLinkStore(LinkStore replica, URI origin, String key, Duration timeout) {
        this(replica, new Origin(origin, key), timeout);
    }

    @Override
    public Optional<Link> find(ShortCode code) {
        Optional<Link> local = delegate.find(code);
        if (local.isPresent() || delegate.wasDeleted(code)) {
            return local;
        }
        asked.incrementAndGet();
        try {
            JsonNode n = origin.link(code.value(), timeout);
            if (n == null) {
                return Optional.empty();
            }
            found.incrementAndGet();
            Link l = Replica.link(n);
            // not in the local click store: its clicks are counted under a placeholder id no replica row has
            return Optional.of(l.withStoreFields(-1, 0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public long asked() {
        return asked.get();
    }

    public long found() {
        return found.get();
    }
}
