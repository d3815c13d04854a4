package dev.shortr.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to visit.
 *
 * @param version   which HTTP to speak
 * @param resolver  the DNS server to ask, or null for the system's first ({@code /etc/resolv.conf})
 * @param pin       {@code --resolve}: the address to use for the target's host and port without DNS, or null
 * @param insecure  go on when the certificate is not trusted (the problem is still reported)
 * @param caFile    PEM certificates to trust instead of the system's, or null
 * @param timeout   the limit for each layer
 * @param userAgent sent with the request
 */
public record ProbeOptions(Target target, HttpVersion version, InetSocketAddress resolver, Pin pin, boolean insecure,
                           Path caFile, Duration timeout, String userAgent) {
    /** The HTTP to speak: {@code AUTO} offers h2 and http/1.1 by ALPN and speaks what the server picks, as browsers do. */
    public enum HttpVersion { AUTO, HTTP_1_1, HTTP_2, HTTP_3 }

    /** Parses {@code --resolver IP[:PORT]} (IPv6 with a port in brackets: {@code [::1]:5353}); the port defaults to 53. */
    public static InetSocketAddress resolver(String text) {
        String t = text.strip();
        String host = t;
        int port = 53;
        int colon = t.lastIndexOf(':');
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("--resolver " + text + ": a ']' is missing");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                if (t.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("--resolver wants IP[:PORT], got '" + text + "'");
                }
                port = port(t.substring(close + 2), text);
            }
        } else if (colon > 0 && t.indexOf(':') == colon) { // one colon: IPv4 and a port
            host = t.substring(0, colon);
            port = port(t.substring(colon + 1), text);
        }
        if (!Target.isAddress(host)) {
            throw new IllegalArgumentException("--resolver " + text + ": '" + host + "' is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--resolver " + text + ": '" + host + "' is not an IP address");
        }
    }

    private static int port(String p, String text) {
        try {
            int n = Integer.parseInt(p);
            if (n >= 1 && n <= 65_535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--resolver " + text + ": the port must be 1..65535");
    }

    public ProbeOptions {
        if (pin != null && !pin.matches(target)) {
            throw new IllegalArgumentException("--resolve " + pin.host() + ":" + pin.port() + " does not match the URL's "
                    + target.host() + ":" + target.port());
        }
        if (version == HttpVersion.HTTP_3 && !target.https()) {
            throw new IllegalArgumentException("HTTP/3 needs an https URL");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
    }
}
