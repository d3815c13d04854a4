package dev.shortr.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What to visit, from the URL: scheme, host (lower case, IPv6 without brackets), port and the request target.
 *
 * @param path the path and query to request, never empty
 */
public record Target(URI url, boolean https, String host, int port, String path) {
    /** Parses an {@code http} or {@code https} URL; the message of the exception is one line for the user. */
    public static Target parse(String text) {
        URI u;
        try {
            u = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + text + "' is not an http or https URL");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host");
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' carries credentials; leave them out");
        }
        boolean https = scheme.equals("https");
        String host = u.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? (https ? 443 : 80) : u.getPort();
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) {
            path += "?" + u.getRawQuery();
        }
        return new Target(u, https, host, port, path);
    }

    /** True when the host is an IPv4 or IPv6 address, which is not looked up. */
    public boolean hostIsAddress() {
        return isAddress(host);
    }

    /** The {@code Host} header / {@code :authority}: the port only when it is not the scheme's default. */
    public String authority() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == (https ? 443 : 80) ? h : h + ":" + port;
    }

    /** An IPv4 literal (every octet 0..255) or anything with a colon (IPv6; the parser rejects a bad one without a lookup). */
    static boolean isAddress(String host) {
        if (host.contains(":")) {
            return true;
        }
        if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return false;
        }
        for (String octet : host.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
