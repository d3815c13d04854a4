package dev.shortr.store.memory;

import dev.shortr.store.WebhookStoreContract;
import dev.shortr.webhook.WebhookStore;

class MemoryWebhookStoreTest extends WebhookStoreContract {
    private final MemoryWebhookStore store = new MemoryWebhookStore();

    @Override
    protected WebhookStore store() {
        return store;
    }
}
