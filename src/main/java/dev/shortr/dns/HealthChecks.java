package dev.shortr.dns;

import dev.shortr.dns.zone.HealthCheck;
import dev.shortr.dns.zone.Site;
import dev.shortr.dns.zone.Zone;
import io.netty.util.NetUtil;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks of every site, in the background, never at query time. Each site starts up (the
 * configured state) and its first check result decides at once; after that it needs {@code fall} failures in a
 * row to go down and {@code rise} successes to come back. A state change is logged once.
 *
 * <p>HTTPS checks do not verify the certificate (as Route 53's do not): they ask whether the site answers, and a
 * certificate problem is the TLS layer's alarm, not a reason to pull every user off a site.
 */
public final class HealthChecks implements SiteHealth, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

    /** The state of one site, as the admin API shows it. */
    public record Status(String pool, String site, List<String> addresses, String region, int weight, boolean up, boolean checked,
                         Instant since, Instant lastCheck, String lastError, int successes, int failures, String target) {}

    private static final class State {
        final Site site;
        final String identity;
        volatile boolean up = true;
        volatile boolean checked;
        volatile Instant since;
        volatile Instant lastCheck;
        volatile String lastError;
        int successes;
        int failures;
        ScheduledFuture<?> task;

        State(Site site, String identity, Instant now) {
            this.site = site;
            this.identity = identity;
            this.since = now;
        }
    }

    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final HttpClient https;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final LongAdder transitions = new LongAdder();
    private final LongAdder checks = new LongAdder();

    public HealthChecks(Clock clock) {
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dns-health");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        this.https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(trustingContext()).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * Checks the sites of {@code zone} from now on: a site whose address and check are unchanged keeps its state
     * and schedule; a new one starts up; one no longer in the zone stops being checked.
     */
    public synchronized void watch(Zone zone) {
        Map<String, Site> wanted = new HashMap<>();
        for (Site s : zone.sites()) {
            wanted.put(s.key(), s);
        }
        for (var it = states.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Site now = wanted.get(e.getKey());
            if (now == null || !identity(now).equals(e.getValue().identity)) {
                e.getValue().task.cancel(false);
                it.remove();
            }
        }
        Instant now = clock.instant();
        for (Site s : wanted.values()) {
            states.computeIfAbsent(s.key(), k -> {
                State st = new State(s, identity(s), now);
                long interval = s.check().interval().toMillis();
                long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(interval, 200)));
                st.task = timer.scheduleWithFixedDelay(() -> check(st), jitter, interval, TimeUnit.MILLISECONDS);
                return st;
            });
        }
    }

    private static String identity(Site s) {
        return s.target() + " " + s.check();
    }

    @Override
    public boolean up(Site site) {
        State s = states.get(site.key());
        return s == null || s.up;
    }

    private void check(State st) {
        HealthCheck c = st.site.check();
        URI target = st.site.target();
        HttpRequest request = HttpRequest.newBuilder(target).timeout(c.timeout()).header("User-Agent", "shortr-dns-health")
                .GET().build();
        (target.getScheme().equals("https") ? https : http).sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .orTimeout(c.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        record(st, false, describe(failure, c.timeout()));
                    } else if (response.statusCode() / 100 == 2) {
                        record(st, true, null);
                    } else {
                        record(st, false, "HTTP " + response.statusCode());
                    }
                });
    }

    private void record(State st, boolean ok, String error) {
        checks.increment();
        HealthCheck c = st.site.check();
        boolean changed;
        synchronized (st) {
            st.lastCheck = clock.instant();
            st.lastError = error;
            if (ok) {
                st.successes++;
                st.failures = 0;
            } else {
                st.failures++;
                st.successes = 0;
            }
            boolean first = !st.checked;
            st.checked = true;
            boolean next = st.up;
            if (ok && !st.up && (first || st.successes >= c.rise())) {
                next = true;
            } else if (!ok && st.up && (first || st.failures >= c.fall())) {
                next = false;
            }
            changed = next != st.up;
            if (changed) {
                st.up = next;
                st.since = st.lastCheck;
            }
        }
        if (changed && states.get(st.site.key()) == st) {
            transitions.increment();
            if (st.up) {
                log.info("dns: site {} is up again after {} passing check(s) of {}", st.site.key(), st.successes, st.site.target());
            } else {
                log.warn("dns: site {} is down after {} failed check(s) of {}: {}", st.site.key(), st.failures, st.site.target(), error);
            }
        }
    }

    private static String describe(Throwable failure, Duration timeout) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Every site's state, pool by pool in zone order. */
    public List<Status> status(Zone zone) {
        List<Status> out = new ArrayList<>();
        for (var pool : zone.pools().values()) {
            for (Site s : pool.sites()) {
                State st = states.get(s.key());
                List<String> addresses = new ArrayList<>();
                s.ipv4().forEach(a -> addresses.add(NetUtil.toAddressString(a)));
                s.ipv6().forEach(a -> addresses.add(NetUtil.toAddressString(a)));
                out.add(st == null
                        ? new Status(pool.name(), s.name(), addresses, s.region(), s.weight(), true, false, null, null, null, 0, 0,
                                s.target().toString())
                        : new Status(pool.name(), s.name(), addresses, s.region(), s.weight(), st.up, st.checked, st.since, st.lastCheck,
                                st.lastError, st.successes, st.failures, s.target().toString()));
            }
        }
        return out;
    }

    /** How many times any site changed state. */
    public long transitions() {
        return transitions.sum();
    }

    /** How many checks completed. */
    public long checks() {
        return checks.sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.shutdownNow();
        https.shutdownNow();
    }

    private static SSLContext trustingContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // an extended trust manager, so that JSSE does not wrap it and check the host name after all
            ctx.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS context for health checks", e);
        }
    }
}
