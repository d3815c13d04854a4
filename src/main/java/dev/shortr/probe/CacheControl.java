package dev.shortr.probe;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@code Cache-Control} value's directives (RFC 9111 §5.2), names in lower case, values unquoted (null when bare). */
record CacheControl(Map<String, String> directives) {
    static CacheControl parse(String value) {
        Map<String, String> d = new LinkedHashMap<>();
        if (value == null) {
            return new CacheControl(d);
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            int end = i;
            while (end < n && value.charAt(end) != ',' && value.charAt(end) != '=') {
                end++;
            }
            String name = value.substring(i, end).strip().toLowerCase(Locale.ROOT);
            String arg = null;
            i = end;
            if (i < n && value.charAt(i) == '=') {
                i++;
                while (i < n && value.charAt(i) == ' ') {
                    i++;
                }
                StringBuilder v = new StringBuilder();
                if (i < n && value.charAt(i) == '"') {
                    // quoted-string: may hold commas (no-cache="set-cookie, x")
                    for (i++; i < n && value.charAt(i) != '"'; i++) {
                        if (value.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        v.append(value.charAt(i));
                    }
                    i++;
                }
                while (i < n && value.charAt(i) != ',') {
                    v.append(value.charAt(i++));
                }
                arg = v.toString().strip();
            }
            if (!name.isEmpty()) {
                d.putIfAbsent(name, arg);
            }
            i++; // the comma
        }
        return new CacheControl(d);
    }

    boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** A delta-seconds directive's value; -1 when absent or not a number. */
    long seconds(String directive) {
        String v = directives.get(directive);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * How long a shared cache (a CDN, an edge) may serve the answer without asking: s-maxage, else max-age;
     * 0 when it may not store it or must revalidate each time; -1 when the answer says nothing.
     */
    long sharedLifetime() {
        if (has("no-store") || has("private") || (has("no-cache") && directives.get("no-cache") == null)) {
            return 0;
        }
        long s = seconds("s-maxage");
        return s >= 0 ? s : seconds("max-age");
    }
}
