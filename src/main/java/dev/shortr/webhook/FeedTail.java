package dev.shortr.webhook;

import dev.shortr.link.Change;
import dev.shortr.link.LinkStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the link change feed from a cursor kept in the {@link WebhookStore}, turning each change into an event
 * for the endpoints that want it. Events and the new cursor are stored in one transaction, and an event's id
 * comes from its change's seq, so after a crash at any point the same changes give the same events and
 * nothing is sent twice or skipped. A node that has never kept a cursor starts at the end of the feed: an
 * endpoint hears about changes made after webhooks were first started, not the whole history.
 */
final class FeedTail {
    static final int BATCH = 500;

    private final LinkStore links;
    private final WebhookStore store;
    private long cursor = -1;

    FeedTail(LinkStore links, WebhookStore store) {
        this.links = links;
        this.store = store;
    }

    /**
     * Reads the cursor, or on a first start records the end of the feed as the cursor. Run before the node takes
     * requests, so a change made right after start is never taken for history.
     */
    void start(Instant now) {
        long start = store.feedCursor().orElse(-1);
        if (start < 0) {
            start = links.lastSeq();
            store.enqueueFromFeed(List.of(), start, now);
        }
        cursor = start;
    }

    /** Enqueues events for every change after the cursor; returns how many events were built. */
    int poll(List<Endpoint> endpoints, Instant now) {
        if (cursor < 0) {
            start(now);
        }
        if (links.lastSeq() <= cursor) {
            return 0;
        }
        int built = 0;
        while (true) {
            List<Change> changes = links.changesAfter(cursor, BATCH);
            if (changes.isEmpty()) {
                return built;
            }
            List<Fanout> events = new ArrayList<>();
            for (Change c : changes) {
                EventType type = Payloads.type(c.kind());
                List<String> to = endpoints.stream().filter(e -> e.enabled() && e.wants(type)).map(Endpoint::id).toList();
                if (!to.isEmpty()) {
                    events.add(new Fanout(Payloads.change(c), to));
                }
            }
            long last = changes.getLast().seq();
            store.enqueueFromFeed(events, last, now);
            cursor = last;
            built += events.size();
            if (changes.size() < BATCH) {
                return built;
            }
        }
    }
}
