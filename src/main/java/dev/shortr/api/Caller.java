package dev.shortr.api;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.Scope;

/** Who is calling: a key, or nobody (anonymous). */
record Caller(ApiKey key, String ip) {
    boolean anonymous() {
        return key == null;
    }

    boolean admin() {
        return key != null && key.allows(Scope.ADMIN);
    }

    /** The owner id links created by this caller get; null for anonymous. */
    String owner() {
        return key == null ? null : key.id();
    }
}
