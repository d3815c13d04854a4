package dev.shortr.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.store.memory.MemoryKeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The trust {@link ApiKeys} puts in a key it found active: one store lookup per {@link ApiKeys#TRUST} however many
 * requests, a revocation through the same instance at once, one made elsewhere (another node) within the trust.
 */
class ApiKeysTest {
    private static final Duration TRUST = Duration.ofSeconds(1);

    /** A shared store that counts lookups by hash. */
    private static final class CountingStore implements KeyStore {
        final MemoryKeyStore keys = new MemoryKeyStore();
        final AtomicInteger lookups = new AtomicInteger();

        public void insert(ApiKey key) {
            keys.insert(key);
        }

        public Optional<ApiKey> findByHash(byte[] hash) {
            lookups.incrementAndGet();
            return keys.findByHash(hash);
        }

        public Optional<ApiKey> findById(String id) {
            return keys.findById(id);
        }

        public List<ApiKey> list() {
            return keys.list();
        }

        public boolean revoke(String id) {
            return keys.revoke(id);
        }

        public long count() {
            return keys.count();
        }
    }

    private final CountingStore store = new CountingStore();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    /** Two nodes on one store. */
    private final ApiKeys nodeA = new ApiKeys(store, Clock.systemUTC(), TRUST, now::get);
    private final ApiKeys nodeB = new ApiKeys(store, Clock.systemUTC(), TRUST, now::get);

    private void later(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aKeyFoundActiveIsLookedUpOncePerTrust() {
        String token = nodeA.mint("ci", EnumSet.of(Scope.LINKS_READ)).token();

        for (int i = 0; i < 100; i++) {
            assertThat(nodeA.verify(token)).isPresent();
        }
        assertThat(store.lookups).hasValue(1);
        later(TRUST);
        assertThat(nodeA.verify(token)).isPresent();
        assertThat(store.lookups).hasValue(2);
    }

    @Test
    void aKeyRevokedThroughThisInstanceStopsAtOnce() {
        ApiKeys.Minted ci = nodeA.mint("ci", EnumSet.of(Scope.LINKS_READ));
        assertThat(nodeA.verify(ci.token())).isPresent();

        assertThat(nodeA.revoke(ci.key().id())).isTrue();

        assertThat(nodeA.verify(ci.token())).isEmpty();
    }

    @Test
    void aKeyRevokedOnAnotherNodeStopsWithinTheTrust() {
        ApiKeys.Minted ci = nodeA.mint("ci", EnumSet.of(Scope.LINKS_READ));
        assertThat(nodeB.verify(ci.token())).isPresent();

        assertThat(nodeA.revoke(ci.key().id())).isTrue();

        later(TRUST.minusMillis(1));
        assertThat(nodeB.verify(ci.token())).as("trusted until its time is up").isPresent();
        later(Duration.ofMillis(1));
        assertThat(nodeB.verify(ci.token())).isEmpty();
        assertThat(nodeB.verify(ci.token())).as("a revoked key is not remembered").isEmpty();
    }

    @Test
    void unknownKeysAreNotRememberedSoANewKeyWorksAtOnce() {
        ApiKeys.Minted ci = nodeA.mint("ci", EnumSet.of(Scope.LINKS_READ));
        String unknown = "sk_nothere_" + "x".repeat(43);

        assertThat(nodeB.verify(unknown)).isEmpty();
        assertThat(nodeB.verify(unknown)).isEmpty();
        assertThat(store.lookups).as("each unknown key asks the store").hasValue(2);
        assertThat(nodeB.verify(ci.token())).isPresent();
    }

    @Test
    void theTrustedKeysAreBounded() {
        ApiKeys node = new ApiKeys(store, Clock.systemUTC(), TRUST, now::get);
        for (int i = 0; i < ApiKeys.TRUSTED_MAX + 10; i++) {
            assertThat(node.verify(node.mint("k" + i, EnumSet.of(Scope.LINKS_READ)).token())).isPresent();
        }
        assertThat(node.trusted()).isEqualTo(ApiKeys.TRUSTED_MAX);

        later(TRUST);
        String fresh = node.mint("fresh", EnumSet.of(Scope.LINKS_READ)).token();
        assertThat(node.verify(fresh)).isPresent();
        assertThat(node.trusted()).as("expired keys swept to make room").isEqualTo(1);
    }
}
