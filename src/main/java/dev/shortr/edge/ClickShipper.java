package dev.shortr.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's batches to the origin, oldest first, each with the idempotency key {@code <edge id>-<batch>}, and
 * deletes a batch only once the origin has it (added now, or seen before). While the origin cannot be reached the
 * batches wait on disk and the shipper retries with backoff; a batch the origin refuses as malformed is moved aside
 * to {@code rejected/} and counted, so it cannot block the ones after it.
 */
public final class ClickShipper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClickShipper.class);

    private final Origin origin;
    private final ClickOutbox outbox;
    private final String edgeId;
    private final long everyMillis;
    private final Thread thread;
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopping;

    ClickShipper(Origin origin, ClickOutbox outbox, String edgeId, long everyMillis) {
        this.origin = origin;
        this.outbox = outbox;
        this.edgeId = edgeId;
        this.everyMillis = everyMillis;
        this.thread = Thread.ofPlatform().name("edge-click-shipper").daemon(true).unstarted(this::run);
    }

    /** The click store an edge's aggregator writes to, and the shipper that empties its outbox into the origin. */
    public record Wiring(dev.shortr.visit.ClickStore store, ClickShipper shipper) {}

    /**
     * Wires an edge's clicks: counted in {@code local}, kept in {@code dataDir/clicks-outbox} (at most
     * {@code maxBatches} waiting), shipped every {@code everyMillis}. The edge's id (part of every batch's key) lives in
     * {@code dataDir/edge-id}, made once.
     */
    public static Wiring forEdge(Origin origin, dev.shortr.visit.ClickStore local, dev.shortr.link.LinkStore links,
                                 Path dataDir, int maxBatches, long everyMillis) {
        ClickOutbox outbox = new ClickOutbox(dataDir.resolve("clicks-outbox"), maxBatches);
        ClickShipper shipper = new ClickShipper(origin, outbox, edgeId(dataDir), everyMillis).start();
        return new Wiring(new ShippingClickStore(local, links, outbox), shipper);
    }

    private static String edgeId(Path dataDir) {
        Path file = dataDir.resolve("edge-id");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            String id = "edge-" + java.util.UUID.randomUUID();
            Files.writeString(file, id);
            return id;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read or write the edge id " + file, e);
        }
    }

    ClickShipper start() {
        thread.start();
        return this;
    }

    private void run() {
        long backoff = everyMillis;
        boolean warned = false;
        while (!stopping) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            try {
                shipAll();
                backoff = everyMillis;
                warned = false;
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                if (!warned) {
                    log.warn("edge: cannot ship clicks to the origin ({}); {} batch(es) wait on disk", e.getMessage(), outbox.waiting().size());
                    warned = true;
                }
                backoff = Math.min(10_000, backoff * 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ships every waiting batch, oldest first; stops at the first failure (the rest wait for the next round). */
    void shipAll() throws IOException, InterruptedException {
        for (Path batch : outbox.waiting()) {
            byte[] body = Files.readAllBytes(batch);
            switch (origin.clicks(edgeId + "-" + ClickOutbox.key(batch), body)) {
                case ADDED -> shipped.incrementAndGet();
                case SEEN_BEFORE -> duplicates.incrementAndGet();
                case REJECTED -> {
                    rejected.incrementAndGet();
                    Path aside = batch.resolveSibling("rejected");
                    Files.createDirectories(aside);
                    Files.move(batch, aside.resolve(batch.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    log.error("edge: the origin refused click batch {} as malformed; kept in {}", batch.getFileName(), aside);
                    continue;
                }
            }
            Files.delete(batch);
        }
    }

    public long shipped() {
        return shipped.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public long failures() {
        return failures.get();
    }

    public int waiting() {
        return outbox.waiting().size();
    }

    public long dropped() {
        return outbox.dropped();
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
