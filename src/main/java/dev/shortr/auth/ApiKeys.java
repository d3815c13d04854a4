package dev.shortr.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Mints and verifies keys. A key is {@code sk_<id>_<secret>}: 32 random bytes of secret, so a plain SHA-256
 * is a sufficient hash (no password stretching is needed for full-entropy secrets).
 */
public final class ApiKeys {
    /** A freshly minted key: {@code token} is shown once and never stored. */
    public record Minted(ApiKey key, String token) {}

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final KeyStore store;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public ApiKeys(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public KeyStore store() {
        return store;
    }

    public Minted mint(String name, Set<Scope> scopes) {
        if (name == null || name.isBlank() || name.length() > 100 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("key name must be 1..100 printable characters");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("at least one scope is required");
        }
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String id = B64.encodeToString(idBytes).replace('-', 'x').replace('_', 'y');
        String token = "sk_" + id + "_" + B64.encodeToString(secret);
        ApiKey key = new ApiKey(id, name.strip(), scopes, token.substring(0, 11), sha256(token), clock.instant(), null);
        store.insert(key);
        return new Minted(key, token);
    }

    /** The active key behind {@code token}, if any. Constant-time in the secret (lookup is by hash). */
    public Optional<ApiKey> verify(String token) {
        if (token == null || token.length() < 20 || token.length() > 200 || !token.startsWith("sk_")) {
            return Optional.empty();
        }
        return store.findByHash(sha256(token)).filter(ApiKey::active);
    }

    public List<ApiKey> list() {
        return store.list();
    }

    public boolean revoke(String id) {
        return store.revoke(id);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
