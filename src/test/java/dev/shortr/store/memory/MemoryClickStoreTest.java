package dev.shortr.store.memory;

import dev.shortr.store.ClickStoreContract;
import dev.shortr.visit.ClickStore;

class MemoryClickStoreTest extends ClickStoreContract {
    private final MemoryClickStore store = new MemoryClickStore();

    @Override
    protected ClickStore store() {
        return store;
    }
}
