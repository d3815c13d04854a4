package dev.shortr.webhook;

import dev.shortr.config.WebhooksConfig;
import dev.shortr.link.InvalidInputException;
import dev.shortr.link.LinkStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks of one node: the endpoint use cases behind the API, {@link #clicked} for click batches, and one
 * worker thread that tails the link change feed into the outbox, closes click windows, prunes the delivery log,
 * and has the {@link Courier} send whatever is due (at most {@code concurrency} at once).
 *
 * <p>A delivery is claimed in the store before it is sent and recorded after, so a restart finds every
 * delivery that was not answered with a 2xx and sends it again, with the same {@code webhook-id}. A graceful
 * {@link #close} enqueues the open click window and waits for deliveries in flight (up to the timeout).
 */
public final class Webhooks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    /** Endpoints per node: each event costs a row per endpoint, and a listing shows them all. */
    public static final int MAX_ENDPOINTS = 100;
    /** How often the change feed is looked at; also the longest the worker sleeps. */
    static final Duration FEED_POLL = Duration.ofMillis(250);
    /** How long the previous secret still signs after a rotation. */
    static final Duration PREVIOUS_SECRET_VALID = Duration.ofHours(24);
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private static final int PRUNE_BATCH = 5_000;
    /** Click events kept while the store refuses them (an hour of 10 s windows, several times over). */
    private static final int MAX_UNSAVED = 2_000;
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final WebhookStore store;
    private final WebhooksConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final FeedTail feed;
    private final ClickWindow window;
    private final Semaphore wake = new Semaphore(0);
    private volatile List<Endpoint> endpoints = List.of();
    private volatile boolean running;
    private Thread worker;
    private Courier courier;

    // owned by the worker thread
    private final List<Fanout> unsaved = new ArrayList<>();
    private Instant nextDue;
    private Instant nextPrune = Instant.MIN;

    public Webhooks(WebhookStore store, LinkStore links, WebhooksConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.feed = new FeedTail(links, store);
        this.window = new ClickWindow(config.clickWindow());
    }

    /** Loads the endpoints and, unless webhooks are turned off, starts delivering. */
    public Webhooks start() {
        refresh();
        if (!config.enabled()) {
            log.info("webhooks are turned off (webhooks.enabled: false): nothing is enqueued or sent until they are on");
            return this;
        }
        feed.start(clock.instant());
        int released = store.releaseClaims(clock.instant());
        if (released > 0) {
            log.info("{} webhook deliveries were in flight when the node last stopped; sending them again", released);
        }
        if (!config.allowPrivate()) {
            warnAboutPrivateEndpoints();
        }
        Sender sender = new Sender(config.timeout(), config.allowPrivate());
        courier = new Courier(store, sender, new Backoff(config.backoffBase(), random), clock, config.maxAttempts(),
                config.concurrency(), config.timeout(), this::wake);
        running = true;
        worker = Thread.ofVirtual().name("webhook-worker").start(this::run);
        return this;
    }

    /** Endpoints made while private addresses were allowed keep their URL; say once that sending to them fails. */
    private void warnAboutPrivateEndpoints() {
        for (Endpoint e : endpoints) {
            try {
                WebhookUrl.requirePublic(e.url());
            } catch (InvalidInputException ex) {
                log.warn("webhook {}: every delivery to it is refused: {}", e.id(), ex.getMessage());
            }
        }
    }

    // --- endpoints (the API's use cases) ---

    /**
     * Creates an endpoint with a new secret. Throws {@code InvalidInputException} for a bad url, event or description,
     * and for a url at a private address unless {@code webhooks.allowPrivate} is on.
     */
    public Endpoint create(String url, List<String> events, String description, boolean enabled) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as stored, so the answer matches later reads
        Endpoint e = new Endpoint("wh_" + randomId(20), url, events, enabled, description, Signature.newSecret(random),
                null, null, now, now);
        if (!config.allowPrivate()) {
            WebhookUrl.requirePublic(e.url());
        }
        store.insert(e);
        refresh();
        return e;
    }

    public List<Endpoint> list() {
        return store.list();
    }

    public Optional<Endpoint> find(String id) {
        return store.find(id);
    }

    /**
     * Changes the fields that are not null; {@code description} is cleared when {@code clearDescription}. A new url
     * is checked as by {@link #create}.
     */
    public Optional<Endpoint> update(String id, String url, List<String> events, String description, boolean clearDescription,
                                     Boolean enabled) {
        Instant now = clock.instant();
        Optional<Endpoint> out = store.update(id, e -> {
            Endpoint changed = e.with(url == null ? e.url() : url, events == null ? e.events() : events,
                    clearDescription ? null : description == null ? e.description() : description,
                    enabled == null ? e.enabled() : enabled, now);
            if (url != null && !config.allowPrivate()) {
                WebhookUrl.requirePublic(changed.url()); // an old URL stays; its deliveries are refused when sent
            }
            return changed;
        });
        refresh();
        wake(); // an endpoint enabled again may have deliveries due
        return out;
    }

    /** A new secret; the previous one keeps signing for {@link #PREVIOUS_SECRET_VALID}. */
    public Optional<Endpoint> rotateSecret(String id) {
        Instant now = clock.instant();
        Optional<Endpoint> out = store.update(id, e -> e.withSecret(Signature.newSecret(random), now, now.plus(PREVIOUS_SECRET_VALID)));
        refresh();
        return out;
    }

    public boolean delete(String id) {
        boolean deleted = store.delete(id);
        refresh();
        return deleted;
    }

    /** Enqueues a {@code webhook.test} event for {@code endpoint} and returns its id. */
    public String sendTest(Endpoint endpoint) {
        Event e = Payloads.test(eventId(), clock.instant(), endpoint.id());
        store.enqueue(List.of(new Fanout(e, List.of(endpoint.id()))), e.timestamp());
        wake();
        return e.id();
    }

    public DeliveryPage deliveries(String endpointId, long beforeId, int limit) {
        return store.deliveries(endpointId, beforeId, limit);
    }

    // --- clicks ---

    /**
     * Counts {@code clicks} more clicks on link {@code linkId} (short code {@code code}) in the current click
     * window. Cheap, and a no-op unless some enabled endpoint subscribes to {@code link.clicked}. Call it once the
     * clicks are durably stored.
     */
    public void clicked(long linkId, String code, long clicks) {
        if (!running || !wanted(EventType.LINK_CLICKED)) {
            return;
        }
        if (window.add(linkId, code, clicks, clock.instant())) {
            wake();
        }
    }

    // --- metrics ---

    /** Deliveries answered with a 2xx since start. */
    public long delivered() {
        return courier == null ? 0 : courier.delivered();
    }

    /** Attempts without a 2xx since start, the last ones of failed deliveries included. */
    public long failedAttempts() {
        return courier == null ? 0 : courier.failedAttempts();
    }

    /** Deliveries given up after their last attempt since start. */
    public long gaveUp() {
        return courier == null ? 0 : courier.gaveUp();
    }

    public int inFlight() {
        return courier == null ? 0 : courier.inFlight();
    }

    // --- the worker ---

    private void run() {
        while (running) {
            Duration wait;
            try {
                Instant now = clock.instant();
                feed.poll(endpoints, now);
                saveClicks(now, false);
                nextDue = courier.dispatch(now);
                if (!now.isBefore(nextPrune)) {
                    prune(now);
                }
                wait = untilNextWork(clock.instant());
            } catch (RuntimeException e) {
                log.warn("webhook worker: {}; trying again in {}", e.toString(), AFTER_FAILURE);
                wait = AFTER_FAILURE;
            }
            try {
                if (wake.tryAcquire(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                break;
            }
        }
        try {
            saveClicks(clock.instant(), true);
        } catch (RuntimeException e) {
            log.warn("webhook worker: the last click window could not be enqueued: {}", e.toString());
        }
        if (!unsaved.isEmpty()) {
            log.error("{} link.clicked events could not be enqueued before stopping; they are lost", unsaved.size());
        }
    }

    /** Deletes old deliveries in bounded batches, so other writes never wait long behind one. */
    private void prune(Instant now) {
        int pruned = store.prune(now.minus(config.retention()), PRUNE_BATCH);
        if (pruned < PRUNE_BATCH) {
            nextPrune = now.plus(PRUNE_EVERY);
        }
        if (pruned > 0) {
            log.debug("pruned {} webhook deliveries older than {}", pruned, config.retention());
        }
    }

    private Duration untilNextWork(Instant now) {
        Instant at = now.plus(FEED_POLL);
        Instant windowEnd = window.closesAt();
        if (windowEnd != null && windowEnd.isBefore(at)) {
            at = windowEnd;
        }
        if (nextDue != null && nextDue.isBefore(at)) {
            at = nextDue;
        }
        return Duration.between(now, at);
    }

    /** Turns a closed click window into outbox rows; events the store refused are kept and tried again. */
    private void saveClicks(Instant now, boolean force) {
        List<Event> events = window.close(now, force, this::eventId);
        if (!events.isEmpty()) {
            List<String> to = endpoints.stream().filter(e -> e.enabled() && e.wants(EventType.LINK_CLICKED))
                    .map(Endpoint::id).toList();
            if (!to.isEmpty() && unsaved.size() + events.size() > MAX_UNSAVED) {
                log.error("{} link.clicked events dropped: {} are already waiting for the store to take them", events.size(),
                        unsaved.size());
            } else if (!to.isEmpty()) {
                events.forEach(e -> unsaved.add(new Fanout(e, to)));
            }
        }
        if (!unsaved.isEmpty()) {
            store.enqueue(unsaved, now);
            unsaved.clear();
            wake();
        }
    }

    /** True when an enabled endpoint subscribes to {@code link.clicked}: only then are click counts worth resolving. */
    public boolean wantsClicks() {
        return running && wanted(EventType.LINK_CLICKED);
    }

    private boolean wanted(EventType type) {
        for (Endpoint e : endpoints) {
            if (e.enabled() && e.wants(type)) {
                return true;
            }
        }
        return false;
    }

    private void refresh() {
        endpoints = List.copyOf(store.list());
    }

    private void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private String eventId() {
        return "evt_" + randomId(24);
    }

    private String randomId(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(c);
    }

    /** Stops the worker, enqueues the open click window and waits (up to the timeout) for deliveries in flight. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            courier.close();
        }
    }
}
