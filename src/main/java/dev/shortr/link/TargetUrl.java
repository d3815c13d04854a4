package dev.shortr.link;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A validated redirect target: absolute http(s), no credentials, IDN host in punycode, at most
 * {@value #MAX_LENGTH} bytes. The stored form is what goes into {@code Location} verbatim, so it must
 * never contain a character that could split a header (CR, LF, other controls).
 */
public record TargetUrl(String value, String host) {
    public static final int MAX_LENGTH = 8192;

    public TargetUrl {
        if (value == null || host == null) {
            throw new IllegalArgumentException("target and host are required");
        }
    }

    /** Validates and normalises user input against {@code blocklist}. */
    public static TargetUrl parse(String raw, DomainBlocklist blocklist) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException("url", "url is required");
        }
        String s = raw.strip();
        if (s.length() > MAX_LENGTH) {
            throw new InvalidInputException("url", "url must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
                throw new InvalidInputException("url", "url must not contain whitespace or control characters");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                throw new InvalidInputException("url", "url contains invalid UTF-16");
            }
        }
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("url", "url must be absolute, with http:// or https://");
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidInputException("url", "url scheme '" + truncate(scheme) + "' is not allowed; use http or https");
        }
        if (!s.regionMatches(colon, "://", 0, 3)) {
            throw new InvalidInputException("url", "url must be absolute, with http:// or https://");
        }
        int authorityStart = colon + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < s.length() && "/?#".indexOf(s.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = s.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            throw new InvalidInputException("url", "url must not contain credentials");
        }
        if (authority.indexOf('\\') >= 0) {
            throw new InvalidInputException("url", "url host is not valid");
        }
        String hostPart = authority;
        String portPart = "";
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new InvalidInputException("url", "url host is not valid");
            }
            hostPart = authority.substring(0, close + 1);
            portPart = authority.substring(close + 1);
        } else {
            int pc = authority.lastIndexOf(':');
            if (pc >= 0) {
                hostPart = authority.substring(0, pc);
                portPart = authority.substring(pc);
            }
        }
        if (!portPart.isEmpty()) {
            if (!portPart.startsWith(":") || !portPart.substring(1).matches("[0-9]{1,5}") || Integer.parseInt(portPart.substring(1)) > 65535) {
                throw new InvalidInputException("url", "url port is not valid");
            }
        }
        String asciiHost;
        try {
            asciiHost = hostPart.startsWith("[") ? hostPart.toLowerCase(Locale.ROOT)
                    : IDN.toASCII(hostPart, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("url", "url host is not a valid domain name");
        }
        if (asciiHost.isEmpty() || asciiHost.startsWith(".") || asciiHost.contains("..")) {
            throw new InvalidInputException("url", "url must have a host");
        }
        String rest = s.substring(authorityEnd);
        String normalised = scheme + "://" + asciiHost + portPart + encodeNonAscii(rest);
        if (normalised.length() > MAX_LENGTH) {
            throw new InvalidInputException("url", "url must be at most " + MAX_LENGTH + " characters once encoded");
        }
        try {
            URI uri = new URI(normalised);
            if (uri.getHost() == null && !asciiHost.startsWith("[")) {
                throw new InvalidInputException("url", "url host is not valid");
            }
        } catch (URISyntaxException e) {
            throw new InvalidInputException("url", "url is not valid: " + truncate(e.getReason()));
        }
        String bareHost = asciiHost.endsWith(".") ? asciiHost.substring(0, asciiHost.length() - 1) : asciiHost;
        if (blocklist.blocks(bareHost)) {
            throw new InvalidInputException("url", "links to " + bareHost + " are not allowed here");
        }
        return new TargetUrl(normalised, bareHost);
    }

    /** Percent-encodes non-ASCII characters (as UTF-8) in path, query and fragment; ASCII passes as is. */
    private static String encodeNonAscii(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            int cp = s.codePointAt(i);
            if (Character.isSupplementaryCodePoint(cp)) {
                i++;
            }
            for (byte b : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out == null ? s : out.toString();
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    @Override
    public String toString() {
        return value;
    }
}
