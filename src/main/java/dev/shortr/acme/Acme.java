package dev.shortr.acme;

import dev.shortr.config.AcmeConfig;
import dev.shortr.http.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.shredzone.acme4j.exception.AcmeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic certificates for the HTTPS listener. One background thread looks at the certificate on disk at
 * start-up and every {@code tls.acme.checkInterval} (sooner when its renewal time comes first), and orders a new
 * one when {@link Renewal} says so; a failed order is logged once and retried after 1, 2, 4, ... minutes. The
 * challenge route is served by the node's own router; the certificate is written where the TLS listener
 * watches ({@link #certificates}), so a renewal is served without a restart.
 */
public final class Acme implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Acme.class);

    private final AcmeConfig config;
    private final AcmeFiles files;
    private final Challenges challenges;
    private final Acme4jIssuer issuer;
    private final Clock clock;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("acme").daemon(true).factory());
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** The expiry of the certificate on disk, or null while there is none. */
    private volatile Instant notAfter;
    /** Orders failed since the last success; the worker thread's only. */
    private int failuresInARow;

    private Acme(AcmeConfig config, AcmeFiles files, Challenges challenges, Acme4jIssuer issuer, Clock clock) {
        this.config = config;
        this.files = files;
        this.challenges = challenges;
        this.issuer = issuer;
        this.clock = clock;
    }

    /**
     * Sets ACME up without touching the network: nothing is ordered before {@link #start}.
     *
     * @throws IOException when {@code tls.acme.directoryCa} cannot be read
     */
    public static Acme prepare(AcmeConfig config, Path dataDir, Clock clock) throws IOException {
        Challenges challenges = new Challenges();
        Acme acme = new Acme(config, new AcmeFiles(dataDir, config.domains().getFirst()), challenges,
                new Acme4jIssuer(config, challenges), clock);
        try {
            Renewal.Held held = acme.files.held();
            acme.notAfter = held == null ? null : held.notAfter();
        } catch (IOException e) {
            log.warn("ACME: the certificate in {} cannot be read ({}); a new one will be ordered", acme.files.chain(), e.getMessage());
        }
        return acme;
    }

    /** Adds {@code GET /.well-known/acme-challenge/{token}}; before the catch-all short-link route. */
    public void routes(Router router) {
        challenges.routes(router);
    }

    /** The certificate entries ({@code chain.pem:key.pem}) for the TLS listener; the files may not exist yet. */
    public List<String> certificates() {
        return List.of(files.entry());
    }

    /** Starts the checks, the first one now: call once the cleartext listener answers the challenges. */
    public void start() {
        log.info("ACME: certificate for {} from {}, renewed {} before it expires; checked every {}",
                String.join(", ", config.domains()), config.directory(), hours(config.renewBefore()), hours(config.checkInterval()));
        worker.execute(this::check);
    }

    private void check() {
        Duration next;
        try {
            next = checkNow();
        } catch (InterruptedException e) {
            return; // closing
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            failuresInARow++;
            next = Renewal.retryAfter(failuresInARow, config.checkInterval());
            log.error("ACME: the certificate check failed unexpectedly (attempt {} in a row); retrying in {}", failuresInARow,
                    hours(next), e);
        }
        if (!worker.isShutdown()) {
            worker.schedule(this::check, Math.max(1, next.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** One look at the certificate, and an order when it is due. Returns how long until the next look. */
    private Duration checkNow() throws InterruptedException {
        Renewal.Held held = heldOrNull();
        Renewal.Decision decision = Renewal.decide(held, config.domains(), config.directory(), config.renewBefore(), clock.instant());
        return switch (decision) {
            case Renewal.Decision.Wait wait -> Renewal.nextCheck(wait, config.checkInterval(), clock.instant());
            case Renewal.Decision.Order order -> order(order.reason());
        };
    }

    private Duration order(String reason) throws InterruptedException {
        log.info("ACME: ordering a certificate for {} from {}: {}", String.join(", ", config.domains()), config.directory(), reason);
        Renewal.Held held;
        try {
            Acme4jIssuer.Issued fresh = issuer.order(files.accountKeyPair());
            files.save(fresh.chain(), fresh.key(), config.directory());
            held = files.held();
        } catch (AcmeException | IOException e) {
            failures.incrementAndGet();
            failuresInARow++;
            Duration retry = Renewal.retryAfter(failuresInARow, config.checkInterval());
            log.warn("ACME: ordering a certificate for {} failed (attempt {} in a row): {}; retrying in {}",
                    String.join(", ", config.domains()), failuresInARow, e.getMessage(), hours(retry));
            return retry;
        }
        notAfter = held.notAfter();
        issued.incrementAndGet();
        failuresInARow = 0;
        log.info("ACME: certificate for {} issued, valid until {}; saved as {}; the HTTPS listener picks it up by itself",
                String.join(", ", held.names()), held.notAfter(), files.chain());
        if (Renewal.renewsAtEveryCheck(held, config.renewBefore())) {
            log.warn("ACME: tls.acme.renewBefore ({}) is not shorter than the certificate's life ({}): another one will be "
                    + "ordered at every check, every {}", hours(config.renewBefore()),
                    hours(Duration.between(held.notBefore(), held.notAfter())), hours(config.checkInterval()));
        }
        Renewal.Decision after = Renewal.decide(held, config.domains(), config.directory(), config.renewBefore(), clock.instant());
        return after instanceof Renewal.Decision.Wait wait ? Renewal.nextCheck(wait, config.checkInterval(), clock.instant())
                : config.checkInterval(); // never order again at once, whatever the settings say
    }

    private Renewal.Held heldOrNull() {
        try {
            Renewal.Held held = files.held();
            notAfter = held == null ? null : held.notAfter();
            return held;
        } catch (IOException e) {
            log.warn("ACME: the certificate in {} cannot be read ({}); ordering a new one", files.chain(), e.getMessage());
            return null;
        }
    }

    /** 720h, 90m, 30s: a duration as the config writes it, to the hour past a day. */
    private static String hours(Duration d) {
        long s = d.toSeconds();
        if (s >= 86_400) {
            return Math.round(s / 3600.0) + "h";
        }
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    // ---- numbers for /metrics -------------------------------------------------------------------------------------

    /** Certificates obtained, the first one included. */
    public long renewals() {
        return issued.get();
    }

    /** Orders that failed (each retried). */
    public long failures() {
        return failures.get();
    }

    /** When the certificate on disk expires, in Unix seconds; 0 while there is none. */
    public long expiryEpochSeconds() {
        Instant n = notAfter;
        return n == null ? 0 : n.getEpochSecond();
    }

    /** Stops the checks; an order in progress is abandoned (the next start orders again). */
    @Override
    public void close() {
        worker.shutdownNow();
    }
}
