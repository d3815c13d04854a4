package dev.shortr.auth;

import java.util.List;
import java.util.Optional;

/** Port to where API keys live. */
public interface KeyStore {
    void insert(ApiKey key);

    Optional<ApiKey> findByHash(byte[] hash);

    Optional<ApiKey> findById(String id);

    /** All keys, newest first, including revoked ones. */
    List<ApiKey> list();

    /** Marks the key revoked; false when no active key has that id. */
    boolean revoke(String id);

    long count();
}
