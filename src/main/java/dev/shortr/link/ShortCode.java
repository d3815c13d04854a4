package dev.shortr.link;

import java.util.Optional;
import java.util.Set;

/**
 * A case-sensitive short code: 1..64 characters from {@code [A-Za-z0-9_-]}, never a reserved word.
 * An invalid code cannot be constructed.
 */
public record ShortCode(String value) implements Comparable<ShortCode> {
    public static final int MAX_LENGTH = 64;

    /** Paths the router owns; an alias may never shadow them (compared case-insensitively). */
    public static final Set<String> RESERVED = Set.of(
            "api", "healthz", "readyz", "livez", "metrics", "static", "ui", "admin", "assets",
            "favicon.ico", "robots.txt", "login", "logout", "docs", "openapi.json", "well-known", ".well-known",
            "changes", "status", "version", "s", "new");

    public ShortCode {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Parses a code from user input; throws {@link IllegalArgumentException} with a readable reason. */
    public static ShortCode parse(String raw) {
        return new ShortCode(raw);
    }

    /** Parses a code seen in a request path, where anything unparseable simply means "no such link". */
    public static Optional<ShortCode> fromPath(String raw) {
        return problem(raw) == null ? Optional.of(new ShortCode(raw)) : Optional.empty();
    }

    /** Why {@code raw} is not a valid code, or null when it is. */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "code must not be empty";
        }
        if (raw.length() > MAX_LENGTH) {
            return "code must be at most " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                return "code may contain only letters, digits, '_' and '-'";
            }
        }
        if (RESERVED.contains(raw.toLowerCase(java.util.Locale.ROOT))) {
            return "code '" + raw + "' is reserved";
        }
        return null;
    }

    @Override
    public int compareTo(ShortCode o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
