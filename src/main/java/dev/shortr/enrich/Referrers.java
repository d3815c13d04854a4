package dev.shortr.enrich;

import java.net.URI;
import java.util.Locale;

/** The host of a {@code Referer}, and the referrer itself made safe to keep. Never throws. */
public final class Referrers {
    private static final int MAX_PARSED = 4096;

    private Referrers() {}

    /** The lower-case host of an http(s) referrer, or null when there is none or it is not one. */
    public static String host(String referer) {
        if (referer == null || referer.isBlank() || referer.length() > MAX_PARSED) {
            return null;
        }
        try {
            URI u = new URI(referer.strip());
            String scheme = u.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return null;
            }
            String host = u.getHost();
            return host == null || host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    /** The referrer without control characters, cut to {@code maxLength}; null when blank. */
    public static String full(String referer, int maxLength) {
        if (referer == null || referer.isBlank()) {
            return null;
        }
        String cut = referer.length() > maxLength ? referer.substring(0, maxLength) : referer;
        return cut.replaceAll("\\p{Cntrl}", "");
    }
}
