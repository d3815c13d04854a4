package dev.shortr.config;

import java.nio.file.Path;

/**
 * Where data lives. {@code url} is {@code sqlite} (a file in {@code dataDir}) for now; PostgreSQL URLs come
 * with the scale-out work.
 *
 * @param groupCommitMax most writes folded into one transaction
 */
public record StoreConfig(String url, Path dataDir, int readConnections, int groupCommitMax) {
    public static StoreConfig defaults() {
        return new StoreConfig("sqlite", Path.of("shortr-data"), 4, 512);
    }
}
