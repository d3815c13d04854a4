package dev.shortr.cdn;

import dev.shortr.link.Change;
import dev.shortr.link.LinkStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the link change feed for one {@link PurgeTarget}, from the cursor kept in {@link PurgeCursors}: the codes of
 * the links edited or deleted after it are purged in batches, and the cursor moves past a batch only once its purge
 * went through. A failed purge is tried again after a growing delay (base, 2x, 4x, ... up to 5 minutes, jittered),
 * the same batch each time; after {@code maxAttempts} it is given up: logged as an error naming every code, counted,
 * and the cursor moves on, since a purge that cannot go through must not hold up every later one. Nothing is lost on
 * a restart: the cursor is in the store, and purging twice is harmless.
 *
 * <p>Created links are not purged: nothing can be cached for a code before it has a link (404 and 410 are no-store).
 * A change is purged only once it is {@code settle} old, so that every node sharing the store has dropped the link
 * from its own cache by then: a purge that reached the CDN first would have it fetch the old target again from a node
 * that still had it.
 */
final class PurgeCourier {
    private static final Logger log = LoggerFactory.getLogger(PurgeCourier.class);
    /** Links per purge call. */
    static final int BATCH = 100;
    /** How often the feed is looked at when there is nothing to do. */
    static final Duration IDLE = Duration.ofMillis(250);
    /** How long a claim holds; renewed every round, so a node that stops loses it within this. */
    static final Duration LEASE = Duration.ofSeconds(60);
    /** How often a node without the lease looks whether it ran out. */
    static final Duration STANDBY = Duration.ofSeconds(5);
    private static final Duration MAX_DELAY = Duration.ofMinutes(5);
    private static final double JITTER = 0.2;

    private final PurgeTarget target;
    private final PurgeCursors cursors;
    private final LinkStore links;
    private final String holder;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration settle;
    private final Clock clock;
    private final RandomGenerator random;

    private final AtomicLong purged = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private volatile long lag;

    // owned by the thread that runs rounds
    /** When the lease is to be renewed; null while this node does not hold it. */
    private Instant renewAt;
    /** The cursor, as this node (the lease holder: the only one moving it) last stored it. */
    private long cursor;
    private int attempts;
    /** While a batch is being retried: the last seq it covers, so that a retry is the same batch. */
    private long retrying = -1;

    /**
     * @param holder who this node is, in the lease (unique per running node)
     * @param settle how old a change must be before it is purged
     */
    PurgeCourier(PurgeTarget target, PurgeCursors cursors, LinkStore links, String holder, int maxAttempts, Duration backoffBase,
                 Duration settle, Clock clock, RandomGenerator random) {
        this.target = target;
        this.cursors = cursors;
        this.links = links;
        this.holder = holder;
        this.maxAttempts = maxAttempts;
        this.backoffBase = backoffBase;
        this.settle = settle;
        this.clock = clock;
        this.random = random;
    }

    String name() {
        return target.name();
    }

    /**
     * One step of the work: claims or renews the lease when due, purges at most one batch; returns how long to wait
     * before the next.
     */
    Duration round() {
        Instant now = clock.instant();
        long last = links.lastSeq();
        if (renewAt == null || !now.isBefore(renewAt)) { // half-way through the lease: an idle node writes twice a minute
            OptionalLong claimed = cursors.claim(target.name(), holder, now, now.plus(LEASE), last);
            if (claimed.isEmpty()) {
                renewAt = null;
                lag = 0; // another node purges for this target, and reports its own lag
                return STANDBY;
            }
            cursor = claimed.getAsLong();
            renewAt = now.plus(LEASE.dividedBy(2));
        }
        lag = Math.max(0, last - cursor);
        if (last <= cursor) {
            return IDLE;
        }
        Batch batch = batch(links.changesAfter(cursor, BATCH * 5), now);
        if (batch.upTo <= cursor) {
            return batch.until; // the next change is too young yet
        }
        if (batch.codes.isEmpty()) { // created links only
            advance(batch.upTo);
            return Duration.ZERO;
        }
        Sent sent = target.purge(List.copyOf(batch.codes));
        if (sent instanceof Sent.Failed f) {
            return failed(batch, f.why());
        }
        if (attempts > 0) {
            log.info("{}: purged {} links after {} failed attempts", target.name(), batch.codes.size(), attempts);
        }
        attempts = 0;
        retrying = -1;
        purged.addAndGet(batch.codes.size());
        advance(batch.upTo);
        return Duration.ZERO;
    }

    private void advance(long seq) {
        if (cursors.advance(target.name(), holder, seq)) {
            cursor = seq;
        } else {
            renewAt = null; // claim again next round: it tells whether another node has it now
            log.info("{}: another node took over purging (this node's lease ran out)", target.name());
        }
    }

    private Duration failed(Batch batch, String why) {
        attempts++;
        failedAttempts.incrementAndGet();
        if (attempts < maxAttempts) {
            retrying = batch.upTo;
            Duration delay = delay(attempts);
            log.warn("{}: purge of {} links failed (attempt {} of {}): {}; trying again in {} ms", target.name(),
                    batch.codes.size(), attempts, maxAttempts, why, delay.toMillis());
            return delay;
        }
        log.error("{}: gave up purging {} links after {} attempts: {}; their redirects stay cached there until their "
                + "s-maxage runs out (changes {} to {}, codes {})", target.name(), batch.codes.size(), attempts, why,
                cursor + 1, batch.upTo, String.join(" ", batch.codes));
        gaveUp.addAndGet(batch.codes.size());
        attempts = 0;
        retrying = -1;
        advance(batch.upTo);
        return Duration.ZERO;
    }

    /** What is purged next: edited and deleted links' codes, from the changes old enough, up to the batch size. */
    private Batch batch(List<Change> changes, Instant now) {
        Set<String> codes = new LinkedHashSet<>();
        long upTo = -1;
        Instant newest = now.minus(settle);
        for (Change c : changes) {
            if (retrying >= 0 && c.seq() > retrying) {
                break; // a retry is the batch that failed, nothing more
            }
            if (c.at().isAfter(newest)) {
                return new Batch(codes, upTo, Duration.between(newest, c.at()).plusMillis(1));
            }
            if (c.kind() != Change.Kind.CREATED) {
                if (codes.size() == BATCH && !codes.contains(c.code().value())) {
                    break;
                }
                codes.add(c.code().value());
            }
            upTo = c.seq();
        }
        return new Batch(codes, upTo, IDLE);
    }

    private record Batch(Set<String> codes, long upTo, Duration until) {}

    /** The wait after the {@code failures}-th failure: base times 2^(failures-1), at most 5 minutes, +-20 %. */
    Duration delay(int failures) {
        long nanos = backoffBase.toNanos() << Math.min(failures - 1, 30);
        double plain = Math.min(nanos < 0 ? Long.MAX_VALUE : nanos, MAX_DELAY.toNanos());
        return Duration.ofNanos(Math.round(plain * (1 - JITTER + 2 * JITTER * random.nextDouble())));
    }

    /** Links purged here since start. */
    long purged() {
        return purged.get();
    }

    /** Purge attempts that failed since start (retried or not). */
    long failedAttempts() {
        return failedAttempts.get();
    }

    /** Links whose purge was given up since start. */
    long gaveUp() {
        return gaveUp.get();
    }

    /** Changes not yet handled, as of the last round (0 while another node holds the lease). */
    long lag() {
        return lag;
    }
}
