package dev.shortr.auth;

import java.time.Instant;
import java.util.Set;

/**
 * A key as stored: never the secret itself, only its SHA-256 {@code hash} and a short, non-secret
 * {@code prefix} that lets people recognise it in listings.
 */
public record ApiKey(String id, String name, Set<Scope> scopes, String prefix, byte[] hash, Instant createdAt,
                     Instant revokedAt) {
    public ApiKey {
        scopes = Set.copyOf(scopes);
        if (id == null || name == null || hash == null || hash.length != 32) {
            throw new IllegalArgumentException("id, name and a 32-byte hash are required");
        }
    }

    public boolean allows(Scope needed) {
        return revokedAt == null && (scopes.contains(Scope.ADMIN) || scopes.contains(needed));
    }

    public boolean active() {
        return revokedAt == null;
    }
}
