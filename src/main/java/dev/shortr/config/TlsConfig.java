package dev.shortr.config;

import java.time.Duration;
import java.util.List;

/**
 * The HTTPS listener beside the cleartext one.
 *
 * @param enabled               serve HTTPS on {@code port}
 * @param port                  0..65535; 0 binds an ephemeral port
 * @param certificates          PEM certificates, each {@code CHAIN.pem:KEY.pem} or one file holding both; several
 *                              are chosen by SNI from their names, and an RSA and an ECDSA certificate for the same
 *                              names are served side by side; the first is the default for clients without SNI;
 *                              empty means a self-signed development certificate in the data directory
 * @param provider              {@code auto} (BoringSSL through netty-tcnative when its native library loads, else
 *                              the JDK's), {@code boringssl} (fail to start without it) or {@code jdk}
 * @param minVersion            {@code TLSv1.2} or {@code TLSv1.3}
 * @param hstsMaxAge            {@code Strict-Transport-Security} max-age on every HTTPS answer; zero sends none
 * @param hstsIncludeSubdomains add {@code includeSubDomains}
 * @param hstsPreload           add {@code preload} (needs includeSubDomains and a max-age of a year or more)
 * @param redirectHttp          the cleartext listener answers 308 to the HTTPS URL (except health checks and
 *                              ACME challenges)
 * @param sessionTicketRotation a new session-ticket key this often; the previous one still decrypts
 * @param sessionCacheSize      sessions kept for resumption by session ID; 0 turns the cache off
 * @param sessionTimeout        how long a session may be resumed
 * @param ocspStapling          fetch and staple OCSP responses for certificates that name a responder
 * @param reloadInterval        how often the PEM files are checked for changes
 * @param http3                 serve HTTP/3 over QUIC on UDP at {@code port} too, with the same certificates, and
 *                              advertise it ({@code Alt-Svc}) on the HTTPS answers
 * @param earlyData             accept TLS 1.3 early data (0-RTT) on HTTP/3 resumptions; only GET and HEAD are
 *                              served from it, anything else gets 425 Too Early
 * @param acme                  certificates ordered and renewed over ACME, served before the configured ones
 */
public record TlsConfig(boolean enabled, int port, List<String> certificates, String provider, String minVersion, Duration hstsMaxAge,
                        boolean hstsIncludeSubdomains, boolean hstsPreload, boolean redirectHttp,
                        Duration sessionTicketRotation, int sessionCacheSize, Duration sessionTimeout, boolean ocspStapling,
                        Duration reloadInterval, boolean http3, boolean earlyData, AcmeConfig acme) {
    /** A year: what HSTS preload lists ask for. */
    static final Duration PRELOAD_MIN_AGE = Duration.ofDays(365);

    public TlsConfig {
        Setting.TLS_PORT.require(port);
        Setting.TLS_CERTIFICATES.require(certificates);
        certificates = List.copyOf(certificates);
        Setting.TLS_PROVIDER.require(provider);
        Setting.TLS_MIN_VERSION.require(minVersion);
        Setting.TLS_HSTS_MAX_AGE.require(hstsMaxAge);
        Setting.TLS_SESSION_TICKET_ROTATION.require(sessionTicketRotation);
        Setting.TLS_SESSION_CACHE_SIZE.require(sessionCacheSize);
        Setting.TLS_SESSION_TIMEOUT.require(sessionTimeout);
        Setting.TLS_RELOAD_INTERVAL.require(reloadInterval);
        String p = preloadProblem(hstsMaxAge, hstsIncludeSubdomains, hstsPreload);
        if (p != null) {
            throw new IllegalArgumentException(Setting.TLS_HSTS_PRELOAD.key + ": " + p);
        }
        if (acme == null) {
            throw new IllegalArgumentException("tls.acme is required");
        }
        if (acme.enabled() && !enabled) {
            throw new IllegalArgumentException(ACME_WITHOUT_TLS);
        }
    }

    static final String ACME_WITHOUT_TLS = "tls.acme.enabled: needs tls.enabled: true (the certificate is for the HTTPS listener)";

    /** Without ACME, with HTTP/3 and its early data on (the defaults). */
    public TlsConfig(boolean enabled, int port, List<String> certificates, String provider, String minVersion, Duration hstsMaxAge,
                     boolean hstsIncludeSubdomains, boolean hstsPreload, boolean redirectHttp, Duration sessionTicketRotation,
                     int sessionCacheSize, Duration sessionTimeout, boolean ocspStapling, Duration reloadInterval) {
        this(enabled, port, certificates, provider, minVersion, hstsMaxAge, hstsIncludeSubdomains, hstsPreload, redirectHttp,
                sessionTicketRotation, sessionCacheSize, sessionTimeout, ocspStapling, reloadInterval, true, true, AcmeConfig.defaults());
    }

    /** Without ACME. */
    public TlsConfig(boolean enabled, int port, List<String> certificates, String provider, String minVersion, Duration hstsMaxAge,
                     boolean hstsIncludeSubdomains, boolean hstsPreload, boolean redirectHttp, Duration sessionTicketRotation,
                     int sessionCacheSize, Duration sessionTimeout, boolean ocspStapling, Duration reloadInterval, boolean http3,
                     boolean earlyData) {
        this(enabled, port, certificates, provider, minVersion, hstsMaxAge, hstsIncludeSubdomains, hstsPreload, redirectHttp,
                sessionTicketRotation, sessionCacheSize, sessionTimeout, ocspStapling, reloadInterval, http3, earlyData,
                AcmeConfig.defaults());
    }

    /** With HTTP/3 and its early data on, as by default. */
    public TlsConfig(boolean enabled, int port, List<String> certificates, String provider, String minVersion, Duration hstsMaxAge,
                     boolean hstsIncludeSubdomains, boolean hstsPreload, boolean redirectHttp, Duration sessionTicketRotation,
                     int sessionCacheSize, Duration sessionTimeout, boolean ocspStapling, Duration reloadInterval, AcmeConfig acme) {
        this(enabled, port, certificates, provider, minVersion, hstsMaxAge, hstsIncludeSubdomains, hstsPreload, redirectHttp,
                sessionTicketRotation, sessionCacheSize, sessionTimeout, ocspStapling, reloadInterval, true, true, acme);
    }

    /** This config with {@code acme} in place of its own. */
    public TlsConfig withAcme(AcmeConfig acme) {
        return new TlsConfig(enabled, port, certificates, provider, minVersion, hstsMaxAge, hstsIncludeSubdomains, hstsPreload,
                redirectHttp, sessionTicketRotation, sessionCacheSize, sessionTimeout, ocspStapling, reloadInterval, http3, earlyData,
                acme);
    }

    public static TlsConfig defaults() {
        return new TlsConfig(false, 8443, List.of(), "auto", "TLSv1.2", Duration.ofDays(365), false, false, true,
                Duration.ofHours(12), 20_480, Duration.ofHours(12), true, Duration.ofSeconds(2), true, true, AcmeConfig.defaults());
    }

    /** This config with HTTP/3 and its early data switched as given. */
    public TlsConfig withHttp3(boolean http3, boolean earlyData) {
        return new TlsConfig(enabled, port, certificates, provider, minVersion, hstsMaxAge, hstsIncludeSubdomains, hstsPreload,
                redirectHttp, sessionTicketRotation, sessionCacheSize, sessionTimeout, ocspStapling, reloadInterval, http3, earlyData,
                acme);
    }

    /** What keeps a preload request from being accepted by the preload lists, or null. */
    static String preloadProblem(Duration maxAge, boolean includeSubdomains, boolean preload) {
        if (!preload) {
            return null;
        }
        if (!includeSubdomains) {
            return "needs tls.hstsIncludeSubdomains: true (preload lists refuse a policy without it)";
        }
        return maxAge.compareTo(PRELOAD_MIN_AGE) < 0
                ? "needs tls.hstsMaxAge of at least 365 days (8760h), got " + maxAge.toHours() + "h" : null;
    }

    /** The {@code Strict-Transport-Security} value, or null when HSTS is off. */
    public String hstsHeader() {
        if (hstsMaxAge.isZero()) {
            return null;
        }
        return "max-age=" + hstsMaxAge.toSeconds() + (hstsIncludeSubdomains ? "; includeSubDomains" : "")
                + (hstsPreload ? "; preload" : "");
    }
}
