package dev.shortr.store.memory;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.KeyStore;
import dev.shortr.link.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link KeyStore} in the heap. Insertion order breaks ties between keys created in the same millisecond. */
public final class MemoryKeyStore implements KeyStore {
    private final Clock clock;
    private final Map<String, ApiKey> byId = new LinkedHashMap<>();

    public MemoryKeyStore() {
        this(Clock.systemUTC());
    }

    public MemoryKeyStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void insert(ApiKey key) {
        if (byId.containsKey(key.id()) || byId.values().stream().anyMatch(k -> Arrays.equals(k.hash(), key.hash()))) {
            // the SQL stores fail on their unique constraints the same way
            throw new StoreException("insert api key " + key.id() + ": id or hash already stored", null);
        }
        byId.put(key.id(), new ApiKey(key.id(), key.name(), key.scopes(), key.prefix(), key.hash().clone(),
                trim(key.createdAt()), trim(key.revokedAt())));
    }

    @Override
    public synchronized Optional<ApiKey> findByHash(byte[] hash) {
        return byId.values().stream().filter(k -> Arrays.equals(k.hash(), hash)).findFirst();
    }

    @Override
    public synchronized Optional<ApiKey> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<ApiKey> list() {
        List<ApiKey> out = new ArrayList<>(byId.values());
        Collections.reverse(out);
        out.sort(Comparator.comparing(ApiKey::createdAt).reversed()); // stable: newer insert first on ties
        return out;
    }

    @Override
    public synchronized boolean revoke(String id) {
        ApiKey k = byId.get(id);
        if (k == null || !k.active()) {
            return false;
        }
        byId.put(id, new ApiKey(k.id(), k.name(), k.scopes(), k.prefix(), k.hash(), k.createdAt(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        return true;
    }

    @Override
    public synchronized long count() {
        return byId.size();
    }

    private static Instant trim(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }
}
