package dev.shortr.http;

import java.util.Locale;

/** Just enough content negotiation: does the client prefer JSON over HTML? */
public final class Negotiation {
    private Negotiation() {}

    /**
     * True when {@code accept} names a JSON type with a quality at least that of {@code text/html}.
     * Browsers send {@code text/html,...,*}{@code /*;q=0.8}, so they get HTML; API clients asking for
     * {@code application/json} or {@code application/problem+json} get JSON. No header at all means HTML.
     */
    public static boolean prefersJson(String accept) {
        if (accept == null || accept.isEmpty()) {
            return false;
        }
        double json = -1;
        double html = -1;
        for (String part : accept.split(",")) {
            String[] bits = part.split(";");
            String type = bits[0].strip().toLowerCase(Locale.ROOT);
            double q = 1.0;
            for (int i = 1; i < bits.length; i++) {
                String p = bits[i].strip();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (type.equals("application/json") || type.equals("application/problem+json") || type.endsWith("+json")) {
                json = Math.max(json, q);
            } else if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
                html = Math.max(html, q);
            }
        }
        return json > 0 && json >= html;
    }
}
