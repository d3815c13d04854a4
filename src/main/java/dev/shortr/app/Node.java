package dev.shortr.app;

import dev.shortr.config.ShortrConfig;

/** A running shortr origin node: stores, caches, click pipeline and the HTTP listener. */
public final class Node implements AutoCloseable {
    private Node() {}

    /** Opens the store, binds the listener and returns once the node serves. Prints the first admin key once. */
    public static Node start(ShortrConfig config) {
        throw new UnsupportedOperationException("wired in the next commit");
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return 0;
    }

    /** Blocks until {@link #close()} has run (by a signal or another thread). */
    public void awaitShutdown() throws InterruptedException {}

    /** Graceful: stop accepting, drain in-flight requests, flush clicks, close the store. */
    @Override
    public void close() {}
}
