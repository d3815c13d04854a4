package dev.shortr.store.memory;

import dev.shortr.link.LinkStore;
import dev.shortr.store.LinkStoreContract;

class MemoryLinkStoreTest extends LinkStoreContract {
    private final MemoryLinkStore store = new MemoryLinkStore();

    @Override
    protected LinkStore store() {
        return store;
    }
}
