package dev.shortr.probe;

import dev.shortr.probe.Finding.Severity;
import dev.shortr.probe.Measurement.Certificate;
import dev.shortr.probe.Measurement.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a visit's measurements mean, as the seed's decision framework reads them: find the layer that costs the
 * time (DNS, TCP, TLS, HTTP) and name its remedy; then the configuration that costs round trips or caching. A pure
 * function of one {@link Measurement}: the clock is the measurement's own {@code at}.
 */
public final class Diagnosis {
    /** Below this a name's answers expire before a visitor's next click, and resolvers keep asking. */
    static final long SHORT_TTL = 30;
    /** Above this a steered name keeps visitors on a dead or distant site too long. */
    static final long LONG_TTL = 3600;
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    /** A permanent redirect browsers keep longer than this hides edits of the link from them. */
    static final long LONG_PERMANENT = 86_400;
    /** A layer dominates when it is at least this long and twice the next; below it, noise and the client's own costs rule. */
    static final Duration DOMINANT = Duration.ofMillis(50);

    private Diagnosis() {}

    /** The findings, most important first. */
    public static List<Finding> of(Measurement m) {
        List<Finding> out = new ArrayList<>();
        dns(m, out);
        tls(m, out);
        http(m, out);
        shares(m, out);
        out.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::layer));
        return out;
    }

    private static void dns(Measurement m, List<Finding> out) {
        Measurement.Dns d = m.dns();
        if (d == null || d.server() == null || d.records().isEmpty()) {
            return;
        }
        long ttl = d.addressTtl();
        String cached = d.authoritative() ? "" : " (a cache's remaining TTL: ask the authoritative server with --resolver to see the zone's)";
        if (ttl >= 0 && ttl < SHORT_TTL) {
            out.add(new Finding(Layer.DNS, Severity.WARNING, "dns-ttl-short", "DNS TTL " + ttl + " s: answers expire too fast" + cached,
                    "resolvers ask again on almost every visit, and each miss costs the visitor a lookup: 30 s to 5 min suits a steered name"));
        } else if (ttl > LONG_TTL) {
            out.add(new Finding(Layer.DNS, Severity.NOTE, "dns-ttl-long", "DNS TTL " + span(Duration.ofSeconds(ttl))
                    + ": if this name is steered (failover, geo), visitors stay on a dead or distant site that long",
                    "keep steered names at 30 s to 5 min; long TTLs suit names that never move"));
        }
        if (!m.target().https()) {
            return;
        }
        if (d.httpsAlpn() == null) {
            out.add(new Finding(Layer.DNS, Severity.NOTE, "dns-no-https-record", "no HTTPS record, so browsers cannot skip to HTTP/3",
                    "publish HTTPS 1 . alpn=\"h3,h2\" (shortr dns does for steered names): browsers then open HTTP/3 on the first visit"));
        } else if (!d.httpsAlpn().contains("h3")) {
            out.add(new Finding(Layer.DNS, Severity.NOTE, "dns-https-no-h3", "the HTTPS record's alpn (" + String.join(",", d.httpsAlpn())
                    + ") has no h3, so browsers start on TCP", "add h3 to the record once the server speaks HTTP/3"));
        }
    }

    private static void tls(Measurement m, List<Finding> out) {
        Measurement.Tls t = m.tls();
        if (t == null) {
            return;
        }
        switch (t.protocol()) {
            case "TLSv1.2" -> out.add(new Finding(Layer.TLS, Severity.WARNING, "tls-1.2",
                    "TLS 1.2 costs an extra round trip on every new connection",
                    "enable TLS 1.3, which needs one (shortr: tls.minVersion; nginx: ssl_protocols TLSv1.2 TLSv1.3)"));
            case "TLSv1", "TLSv1.1", "SSLv3" -> out.add(new Finding(Layer.TLS, Severity.PROBLEM, "tls-obsolete",
                    t.protocol() + " is obsolete (RFC 8996) and costs an extra round trip", "enable TLS 1.3 and turn off everything below 1.2"));
            default -> { }
        }
        if (t.untrusted() != null) {
            out.add(new Finding(Layer.TLS, Severity.PROBLEM, "tls-untrusted", "the certificate is not trusted: " + t.untrusted(),
                    "serve the whole chain, from a CA browsers trust, for this name; browsers refuse this one"));
        }
        expiry(m, t, out);
        Measurement.Resumption r = t.resumption();
        if (r != null && r.error() == null && !r.resumed()) {
            out.add(new Finding(Layer.TLS, Severity.WARNING, "tls-not-resumed",
                    "the server did not resume the TLS session: a returning visitor pays a full handshake",
                    "turn on session tickets or a session cache, and share ticket keys between the nodes behind one name"));
        }
        if (t.offered().contains("h2") && !"h2".equals(t.alpn())) {
            out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-no-h2", "the server did not choose HTTP/2 (ALPN "
                    + (t.alpn() == null ? "none" : t.alpn()) + ")", "turn on HTTP/2: one connection then carries every request of a page"));
        }
    }

    /** The certificate of the chain that expires first: the leaf, usually. */
    private static void expiry(Measurement m, Measurement.Tls t, List<Finding> out) {
        Certificate first = t.chain().stream().min(Comparator.comparing(Certificate::notAfter)).orElse(null);
        if (first == null) {
            return;
        }
        String which = first == t.leaf() ? "the certificate" : "the chain's certificate " + first.subject();
        Duration left = Duration.between(m.at(), first.notAfter());
        if (left.isNegative()) {
            out.add(new Finding(Layer.TLS, Severity.PROBLEM, "tls-cert-expired", which + " expired " + span(left.negated()) + " ago ("
                    + first.notAfter() + ")", "renew it now: browsers refuse it"));
        } else if (left.compareTo(EXPIRY_WARNING) < 0) {
            out.add(new Finding(Layer.TLS, Severity.WARNING, "tls-cert-expiring", which + " expires in " + span(left) + " ("
                    + first.notAfter() + ")", "renew it; ACME clients renew 30 days ahead, so check the renewal job"));
        }
    }

    private static void http(Measurement m, List<Finding> out) {
        Measurement.Http h = m.http();
        if (h == null) {
            return;
        }
        if (!m.target().https()) {
            out.add(new Finding(Layer.HTTP, Severity.WARNING, "http-cleartext", "plain HTTP: the visit can be read and changed in transit",
                    "serve short links over HTTPS, redirect http:// to it, and send HSTS"));
        } else {
            if (h.header("strict-transport-security") == null) {
                out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-no-hsts", "no Strict-Transport-Security: a link typed or pasted "
                        + "without https:// costs an extra redirect and can be downgraded", "send Strict-Transport-Security: max-age=31536000"
                        + " (shortr: tls.hstsMaxAge)"));
            }
            String altSvc = h.joined("alt-svc");
            if (!h.version().equals("HTTP/3") && (altSvc == null || !altSvc.contains("h3"))) {
                out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-no-alt-svc-h3", "no Alt-Svc for h3: browsers without an HTTPS "
                        + "record stay on TCP", "turn on HTTP/3; the server then advertises it with Alt-Svc: h3=\":443\""));
            }
        }
        int s = h.status();
        if (s >= 500) {
            out.add(new Finding(Layer.HTTP, Severity.PROBLEM, "http-server-error", "status " + s + ": the server failed",
                    "look at the server's log for this request"));
        } else if (s >= 300 && s < 400 && h.header("location") != null) {
            redirect(h, out);
        } else {
            out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-not-redirect", "status " + s + ", not a redirect"
                    + (s == 404 || s == 410 ? ": the code is unknown or no longer redirects" : ""), "check the URL"));
        }
    }

    private static void redirect(Measurement.Http h, List<Finding> out) {
        int s = h.status();
        boolean permanent = s == 301 || s == 308;
        CacheControl cc = CacheControl.parse(h.joined("cache-control"));
        long shared = cc.sharedLifetime();
        boolean explicit = shared >= 0 || h.header("expires") != null;
        String counting = "this may be on purpose, to count every click at the origin; to let a CDN or edge answer, send "
                + "public, s-maxage=N";
        if (cc.has("no-store")) {
            out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-redirect-not-cacheable",
                    "the redirect may not be stored by any cache (no-store): every visit reaches the origin", counting));
        } else if (cc.has("private") || shared == 0) {
            out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-redirect-not-shared", "the redirect is not cacheable by shared caches ("
                    + h.joined("cache-control") + "): every visit reaches the origin", counting));
        } else if (!explicit && !permanent) {
            out.add(new Finding(Layer.HTTP, Severity.NOTE, "http-redirect-not-shared", "a " + s + " without explicit freshness is not "
                    + "stored by shared caches: every visit reaches the origin", counting));
        }
        if (!permanent) {
            return;
        }
        long browser = cc.has("no-store") || cc.has("no-cache") ? 0 : cc.seconds("max-age");
        if (!explicit) {
            out.add(new Finding(Layer.HTTP, Severity.WARNING, "http-permanent-unbounded", "a " + s + " without Cache-Control: browsers "
                    + "may keep it indefinitely, so edits to the link never reach them", "bound it with Cache-Control: max-age=N"));
        } else if (browser > LONG_PERMANENT) {
            out.add(new Finding(Layer.HTTP, Severity.WARNING, "http-permanent-long", "a " + s + " that browsers keep for "
                    + span(Duration.ofSeconds(browser)) + ": edits to the link won't reach them", "give browsers a short max-age and "
                    + "CDNs the long lifetime with s-maxage, which a purge can reach"));
        }
    }

    /**
     * The layer with the largest share, and the seed's remedy when it dominates. Which remedy depends on whether
     * round trips or computing fill the layer: a TCP connect takes one round trip, so the fastest connect of the
     * probe estimates the RTT; TLS 1.3 takes one more (1.2 two), the request one.
     */
    private static void shares(Measurement m, List<Finding> out) {
        List<Timing> t = new ArrayList<>(m.timings());
        if (m.failed() != null || t.size() < 2) {
            return;
        }
        Duration total = t.stream().map(Timing::took).reduce(Duration.ZERO, Duration::plus);
        t.sort(Comparator.comparing(Timing::took).reversed());
        Timing top = t.get(0);
        long percent = total.isZero() ? 0 : Math.round(100.0 * top.took().toNanos() / total.toNanos());
        String share = top.layer() + " took the largest share: " + ms(top.took()) + " of " + ms(total) + " (" + percent + " %)";
        Duration rtt = m.connect() == null ? null : m.connect().fastest();
        if (top.took().compareTo(DOMINANT) < 0) {
            out.add(new Finding(top.layer(), Severity.NOTE, "largest-layer", share, "every layer is quick (under " + ms(DOMINANT)
                    + "): nothing to chase here"));
        } else if (top.took().compareTo(t.get(1).took().multipliedBy(2)) >= 0) {
            out.add(new Finding(top.layer(), Severity.WARNING, "dominant-layer", share, remedy(m, top.layer())));
        } else if (rtt != null && rtt.compareTo(DOMINANT.dividedBy(2)) >= 0) {
            out.add(new Finding(top.layer(), Severity.NOTE, "largest-layer", share, "no layer dominates: each costs about a round trip ("
                    + ms(rtt) + "), so distance sets the total: edges near visitors (anycast, GeoDNS, a CDN) shorten every layer at once"));
        } else {
            out.add(new Finding(top.layer(), Severity.NOTE, "largest-layer", share, "no layer dominates: the time is spread over them"));
        }
    }

    /** The seed's remedy for a layer that dominates the visit. */
    static String remedy(Measurement m, Layer layer) {
        Duration rtt = m.connect() == null ? null : m.connect().fastest();
        String estimate = rtt == null ? "" : " (a round trip is about " + ms(rtt) + ", the fastest connect)";
        return switch (layer) {
            case DNS -> "slow DNS: raise the TTL so resolvers answer from their cache, and check the resolver (or use one nearer)";
            case TCP -> "the connect is one round trip, so distance dominates: serve from edges near visitors (anycast, GeoDNS, a CDN)";
            case QUIC -> "the handshake is one round trip, so distance dominates: serve from edges near visitors (anycast, GeoDNS)";
            case TLS -> {
                int trips = "TLSv1.3".equals(m.tls().protocol()) ? 1 : 2;
                yield rtt != null && m.tls().took().compareTo(rtt.multipliedBy(trips + 1L)) > 0
                        ? "the handshake is computing, not travelling" + estimate + ": look at the server's TLS stack, its key "
                        + "(ECDSA P-256 signs faster than RSA) and its load; this client's own CPU counts too"
                        : "round trips dominate: TLS 1.3 (one fewer than 1.2), session resumption, and TLS terminated nearer "
                        + "visitors (at an edge)";
            }
            case HTTP -> {
                Duration app = serverTiming(m.http().joined("server-timing"));
                Duration beyond = rtt == null ? m.http().took() : m.http().took().minus(rtt);
                if (rtt != null && m.http().took().compareTo(rtt.multipliedBy(2)) <= 0) {
                    yield "the request is one round trip, so distance dominates: serve redirects from edges near visitors";
                }
                if (app != null && app.multipliedBy(2).compareTo(beyond) < 0) {
                    yield "the server says it spent " + ms(app) + " (Server-Timing), so most of the wait is elsewhere: a proxy or "
                            + "load balancer in front, a queue before the application, or this client; probe from beside the server to tell";
                }
                yield "the server's own time" + estimate + ": answer redirects from a cache, at an edge or CDN near visitors";
            }
        };
    }

    /**
     * The longest {@code dur} of a {@code Server-Timing} value (W3C Server Timing: {@code name;dur=MS;desc="..."},
     * comma-separated): metrics may nest, so the longest stands for the server's time. Null when there is none.
     */
    static Duration serverTiming(String value) {
        if (value == null) {
            return null;
        }
        double longest = -1;
        for (String metric : value.split(",")) {
            for (String param : metric.split(";")) {
                String p = param.strip();
                if (p.regionMatches(true, 0, "dur=", 0, 4)) {
                    try {
                        longest = Math.max(longest, Double.parseDouble(p.substring(4).replace("\"", "")));
                    } catch (NumberFormatException e) {
                        // a malformed metric is ignored, as browsers do
                    }
                }
            }
        }
        return longest < 0 ? null : Duration.ofNanos(Math.round(longest * 1e6));
    }

    /** "5 s", "20 min", "2 h", "6 days", to the nearest unit: a certificate with 2 days 23 h left "expires in 3 days". */
    static String span(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return Math.round(s / 60.0) + " min";
        }
        if (s < 2 * 86_400) {
            return Math.round(s / 3600.0) + " h";
        }
        return Math.round(s / 86_400.0) + " days";
    }

    static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
