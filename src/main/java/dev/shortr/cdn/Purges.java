package dev.shortr.cdn;

import dev.shortr.config.PurgeConfig;
import dev.shortr.link.LinkStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purges of one node: a {@link PurgeCourier} per configured target, each on a virtual thread of its own, so a
 * Varnish that is down holds up neither the others nor the API. {@link #close} stops them; a purge in flight is sent
 * again by whichever node next holds the target's lease.
 */
public final class Purges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Purges.class);
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final List<PurgeCourier> couriers;
    private final List<Thread> threads = new ArrayList<>();
    private final HttpClient http;
    private volatile boolean running = true;

    private Purges(List<PurgeCourier> couriers, HttpClient http) {
        this.couriers = couriers;
        this.http = http;
    }

    /**
     * Starts purging at every target in {@code config} (none: nothing runs). Reads the API token file, if any.
     *
     * @param settle how old a change must be before it is purged: how long until every node's cache has dropped it
     */
    public static Purges start(PurgeConfig config, PurgeCursors cursors, LinkStore links, Duration settle, Clock clock) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        List<PurgeTarget> targets = new ArrayList<>();
        config.varnish().forEach(base -> targets.add(new VarnishPurge(base, http, config.timeout())));
        if (config.httpUrl() != null) {
            targets.add(new HttpPurge(config, token(config), http));
        }
        String holder = UUID.randomUUID().toString();
        SecureRandom random = new SecureRandom();
        List<PurgeCourier> couriers = targets.stream().map(t -> new PurgeCourier(t, cursors, links, holder, config.maxAttempts(),
                config.backoffBase(), settle, clock, random)).toList();
        Purges purges = new Purges(couriers, http);
        for (PurgeCourier c : couriers) {
            purges.threads.add(Thread.ofVirtual().name("purge " + c.name()).start(() -> purges.run(c)));
            log.info("purging edited and deleted links at {} (changes older than {} ms)", c.name(), settle.toMillis());
        }
        return purges;
    }

    private static String token(PurgeConfig config) {
        if (config.httpTokenFile() == null) {
            return null;
        }
        try {
            return Files.readString(config.httpTokenFile()).replaceAll("[\r\n]+$", ""); // a secret file's last newline is not the token's
        } catch (IOException e) {
            throw new UncheckedIOException("cdn.purge.http.tokenFile: cannot read " + config.httpTokenFile(), e);
        }
    }

    private void run(PurgeCourier courier) {
        while (running) {
            Duration wait;
            try {
                wait = courier.round();
            } catch (RuntimeException e) { // the store, most likely: the cursor stays where it was
                log.warn("{}: purging stopped for a moment: {}; trying again in {}", courier.name(), e.toString(), AFTER_FAILURE);
                wait = AFTER_FAILURE;
            }
            if (wait.isZero()) {
                continue;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(wait.toNanos());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The targets, by name, in config order. */
    public List<String> targets() {
        return couriers.stream().map(PurgeCourier::name).toList();
    }

    /** Links purged at {@code target} since start. */
    public long purged(String target) {
        return courier(target).purged();
    }

    /** Purge attempts at {@code target} that failed since start. */
    public long failedAttempts(String target) {
        return courier(target).failedAttempts();
    }

    /** Links whose purge at {@code target} was given up since start. */
    public long gaveUp(String target) {
        return courier(target).gaveUp();
    }

    /** Changes not yet purged at {@code target}. */
    public long lag(String target) {
        return courier(target).lag();
    }

    private PurgeCourier courier(String target) {
        for (PurgeCourier c : couriers) {
            if (c.name().equals(target)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no purge target " + target);
    }

    /** Stops every courier, interrupting a purge in flight (its batch is sent again later: the cursor did not move). */
    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        http.close();
    }
}
