package dev.shortr.config;

/** @param anonymousCreate when true, POST /api/v1/links works without a key (rate limited per IP) */
public record AuthConfig(boolean anonymousCreate) {
    public static AuthConfig defaults() {
        return new AuthConfig(false);
    }
}
