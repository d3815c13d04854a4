package dev.shortr.store.memory;

import dev.shortr.auth.KeyStore;
import dev.shortr.store.KeyStoreContract;

class MemoryKeyStoreTest extends KeyStoreContract {
    private final MemoryKeyStore store = new MemoryKeyStore();

    @Override
    protected KeyStore store() {
        return store;
    }
}
