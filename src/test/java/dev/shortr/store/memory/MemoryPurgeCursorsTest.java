package dev.shortr.store.memory;

import dev.shortr.cdn.PurgeCursors;
import dev.shortr.store.PurgeCursorsContract;

class MemoryPurgeCursorsTest extends PurgeCursorsContract {
    private final MemoryPurgeCursors cursors = new MemoryPurgeCursors();

    @Override
    protected PurgeCursors cursors() {
        return cursors;
    }
}
