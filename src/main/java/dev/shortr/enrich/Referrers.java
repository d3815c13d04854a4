package dev.shortr.enrich;

import java.net.IDN;
import java.util.Locale;

/**
 * The {@code Referer} header, made safe to count and store. Browsers send whatever the page's URL was, and
 * bots send anything at all, so both methods accept any string (100 KB of garbage included) and answer
 * null rather than throw.
 */
public final class Referrers {
    /** RFC 1035 section 2.3.4: a name is at most 255 octets, 253 characters as text. */
    private static final int MAX_HOST = 253;

    private Referrers() {
    }

    /**
     * The lower-case host of an http(s) referrer ("https://www.Example.com:8443/x" gives "www.example.com";
     * a Unicode name gives its punycode, an IPv6 literal its bracketed text), or null for a null, blank,
     * unparseable or non-http(s) referrer.
     */
    public static String host(String referer) {
        if (referer == null) {
            return null;
        }
        String s = referer.strip();
        int authority = schemeEnd(s);
        if (authority < 0) {
            return null;
        }
        int end = authority;
        // browsers end the authority at a backslash too (WHATWG URL, special schemes)
        while (end < s.length() && "/?#\\".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        int userInfoEnd = s.lastIndexOf('@', end - 1);
        return hostOf(s.substring(Math.max(userInfoEnd + 1, authority), end));
    }

    /**
     * The referrer without control characters (or unpaired surrogates) and surrounding white space, cut to at
     * most {@code maxLength} characters (never inside a surrogate pair); null when nothing is left.
     */
    public static String full(String referer, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("referrer maxLength must be positive, was " + maxLength);
        }
        if (referer == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder(Math.min(referer.length(), maxLength));
        for (int i = 0; i < referer.length() && kept.length() < maxLength; i++) {
            char c = referer.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < referer.length() && Character.isLowSurrogate(referer.charAt(i + 1))) {
                if (kept.length() + 2 > maxLength) {
                    break;
                }
                kept.append(c).append(referer.charAt(++i));
            } else if (!Character.isISOControl(c) && !Character.isSurrogate(c)) {
                kept.append(c);
            }
        }
        String text = kept.toString().strip();
        return text.isEmpty() ? null : text;
    }

    /** The index just past "http://" or "https://" (any case), or -1. */
    private static int schemeEnd(String s) {
        if (s.regionMatches(true, 0, "http://", 0, 7)) {
            return 7;
        }
        return s.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    }

    private static String hostOf(String hostPort) {
        if (hostPort.startsWith("[")) {
            return bracketed(hostPort);
        }
        int colon = hostPort.indexOf(':');
        if (colon >= 0 && !isPort(hostPort.substring(colon + 1))) {
            return null;
        }
        String name = colon < 0 ? hostPort : hostPort.substring(0, colon);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > MAX_HOST) {
            return null;
        }
        return asciiName(name);
    }

    /** "[v6]" or "[v6]:port" as "[v6]" in lower case, or null. */
    private static String bracketed(String hostPort) {
        int close = hostPort.indexOf(']');
        if (close < 0 || close + 1 < hostPort.length() && !(hostPort.charAt(close + 1) == ':' && isPort(hostPort.substring(close + 2)))) {
            return null;
        }
        String literal = hostPort.substring(1, close);
        return literal.indexOf(':') >= 0 && IpLiterals.parse(literal) != null ? "[" + literal.toLowerCase(Locale.ROOT) + "]" : null;
    }

    /** RFC 3986 section 3.2.3: a port is digits, possibly none. */
    private static boolean isPort(String port) {
        return port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** {@code name} as lower-case ASCII (punycode for Unicode labels), or null when it is not a host name. */
    private static String asciiName(String name) {
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            // letters, digits and hyphens (RFC 952), plus the underscores real-world names carry
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
            if (!ok || c == '.' && (i == 0 || ascii.charAt(i - 1) == '.')) {
                return null;
            }
        }
        return ascii.isEmpty() || ascii.length() > MAX_HOST ? null : ascii;
    }
}
