package dev.shortr.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.KeyStore;
import dev.shortr.auth.Scope;
import dev.shortr.link.StoreException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link KeyStore} adapter must do; one subclass per adapter supplies a fresh store. */
public abstract class KeyStoreContract {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");

    protected abstract KeyStore store();

    private static ApiKey key(String id, Set<Scope> scopes, Instant created) {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) id.hashCode());
        hash[0] = (byte) id.length();
        return new ApiKey(id, "key " + id, scopes, "sk_" + id, hash, created, null);
    }

    @Test
    void anInsertedKeyIsFoundByHashAndById() {
        ApiKey abc = key("abc123", EnumSet.of(Scope.LINKS_READ, Scope.LINKS_WRITE), T0);
        store().insert(abc);

        ApiKey byHash = store().findByHash(abc.hash().clone()).orElseThrow();
        assertThat(byHash.id()).isEqualTo("abc123");
        assertThat(byHash.name()).isEqualTo("key abc123");
        assertThat(byHash.scopes()).containsExactlyInAnyOrder(Scope.LINKS_READ, Scope.LINKS_WRITE);
        assertThat(byHash.prefix()).isEqualTo("sk_abc123");
        assertThat(byHash.hash()).isEqualTo(abc.hash());
        assertThat(byHash.createdAt()).isEqualTo(T0);
        assertThat(byHash.active()).isTrue();
        assertThat(store().findById("abc123").orElseThrow().hash()).isEqualTo(abc.hash());
        assertThat(store().count()).isEqualTo(1);
    }

    @Test
    void unknownKeysAreNotFound() {
        store().insert(key("abc123", Set.of(Scope.ADMIN), T0));

        assertThat(store().findByHash(new byte[32])).isEmpty();
        assertThat(store().findById("def456")).isEmpty();
        assertThat(store().findById("ABC123")).isEmpty();
    }

    @Test
    void revokingMarksTheKeyOnce() {
        store().insert(key("abc123", Set.of(Scope.ADMIN), T0));
        store().insert(key("def456", Set.of(Scope.STATS_READ), T0));

        assertThat(store().revoke("abc123")).isTrue();
        assertThat(store().revoke("abc123")).isFalse();
        assertThat(store().revoke("ghi789")).isFalse();

        ApiKey revoked = store().findById("abc123").orElseThrow();
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(revoked.allows(Scope.LINKS_READ)).isFalse();
        assertThat(store().findById("def456").orElseThrow().active()).isTrue();
        assertThat(store().count()).isEqualTo(2);
    }

    @Test
    void listIsNewestFirstIncludingRevoked() {
        store().insert(key("abc123", Set.of(Scope.ADMIN), T0));
        store().insert(key("def456", Set.of(Scope.LINKS_READ), T0.plusSeconds(60)));
        store().insert(key("ghi789", Set.of(Scope.LINKS_READ), T0.plusSeconds(60)));
        store().insert(key("jkl012", Set.of(Scope.LINKS_READ), T0.minusSeconds(60)));
        store().revoke("def456");

        assertThat(store().list()).extracting(ApiKey::id).containsExactly("ghi789", "def456", "abc123", "jkl012");
        assertThat(store().list()).filteredOn(k -> !k.active()).extracting(ApiKey::id).containsExactly("def456");
    }

    @Test
    void aDuplicateIdIsRefused() {
        store().insert(key("abc123", Set.of(Scope.ADMIN), T0));

        ApiKey clash = new ApiKey("abc123", "other", Set.of(Scope.LINKS_READ), "sk_other", new byte[32], T0, null);
        assertThatThrownBy(() -> store().insert(clash)).isInstanceOf(StoreException.class);
        assertThat(store().findById("abc123").orElseThrow().name()).isEqualTo("key abc123");
    }
}
