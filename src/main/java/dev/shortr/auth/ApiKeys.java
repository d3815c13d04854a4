package dev.shortr.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Mints and verifies keys. A key is {@code sk_<id>_<secret>}: 32 random bytes of secret, so a plain SHA-256
 * is a sufficient hash (no password stretching is needed for full-entropy secrets).
 *
 * <p>A key found active is trusted for {@link #TRUST} without asking the store again (at most {@value #TRUSTED_MAX}
 * keys at once), which saves a database round trip on nearly every API request. So a key revoked on another node
 * (or with {@code shortr keys revoke}) stops working here within {@link #TRUST}; one revoked through this instance
 * stops at once. Unknown and revoked keys are never remembered: a key minted anywhere works everywhere at once.
 */
public final class ApiKeys {
    /** A freshly minted key: {@code token} is shown once and never stored. */
    public record Minted(ApiKey key, String token) {}

    /** How long a key found active is taken on trust: the longest a key revoked elsewhere keeps working here. */
    public static final Duration TRUST = Duration.ofSeconds(1);
    static final int TRUSTED_MAX = 10_000;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final KeyStore store;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final LongSupplier nanos;
    private final long trustNanos;
    /** Active keys by the hash of their token, with when the trust ends ({@link #nanos}). */
    private final Map<ByteBuffer, Trusted> trusted = new ConcurrentHashMap<>();
    /** Counts revocations through this instance; guarded by {@link #trusted}'s monitor for writes. */
    private long revocations;

    private record Trusted(ApiKey key, long untilNanos) {}

    public ApiKeys(KeyStore store, Clock clock) {
        this(store, clock, TRUST, System::nanoTime);
    }

    /** With {@code trust} as the time a verified key is trusted (zero: never), on the clock {@code nanos}. */
    ApiKeys(KeyStore store, Clock clock, Duration trust, LongSupplier nanos) {
        this.store = store;
        this.clock = clock;
        this.trustNanos = trust.toNanos();
        this.nanos = nanos;
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

    /**
     * The active key behind {@code token}, if any: trusted for {@link #TRUST} once found. Constant-time in the secret
     * (lookup is by hash).
     */
    public Optional<ApiKey> verify(String token) {
        if (token == null || token.length() < 20 || token.length() > 200 || !token.startsWith("sk_")) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        ByteBuffer k = ByteBuffer.wrap(hash);
        Trusted t = trusted.get(k);
        if (t != null && nanos.getAsLong() - t.untilNanos() < 0) {
            return Optional.of(t.key());
        }
        long before;
        synchronized (trusted) {
            before = revocations;
        }
        Optional<ApiKey> found = store.findByHash(hash).filter(ApiKey::active);
        if (found.isEmpty()) {
            trusted.remove(k);
        } else if (trustNanos > 0) {
            trust(k, found.get(), before);
        }
        return found;
    }

    /**
     * Remembers {@code key} unless this instance revoked a key since it was read (it may be that one: the read may
     * have come before the revocation's commit), or the map is full of keys still trusted.
     */
    private void trust(ByteBuffer k, ApiKey key, long revocationsBefore) {
        long now = nanos.getAsLong();
        synchronized (trusted) {
            if (revocations != revocationsBefore) {
                return;
            }
            if (trusted.size() >= TRUSTED_MAX) {
                trusted.values().removeIf(t -> now - t.untilNanos() >= 0);
                if (trusted.size() >= TRUSTED_MAX) {
                    return;
                }
            }
            trusted.put(k, new Trusted(key, now + trustNanos));
        }
    }

    /** Keys trusted now (expired ones included until they are looked up again or swept). */
    int trusted() {
        return trusted.size();
    }

    public List<ApiKey> list() {
        return store.list();
    }

    /** Revokes the key in the store; from this instance's point of view at once, elsewhere within {@link #TRUST}. */
    public boolean revoke(String id) {
        boolean revoked = store.revoke(id);
        synchronized (trusted) {
            revocations++;
            trusted.values().removeIf(t -> t.key().id().equals(id));
        }
        return revoked;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
