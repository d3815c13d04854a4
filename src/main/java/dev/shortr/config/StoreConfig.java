package dev.shortr.config;

import java.nio.file.Path;

/**
 * Where data lives. {@code url} is {@code sqlite} (a file in {@code dataDir}) for now; PostgreSQL URLs come
 * with the scale-out work.
 *
 * @param url             {@code sqlite}
 * @param dataDir         directory of the database file; relative paths start at the working directory
 * @param readConnections connections for reads, 1..64 (writes have their own single writer)
 * @param groupCommitMax  most writes folded into one transaction, 1..100000
 */
public record StoreConfig(String url, Path dataDir, int readConnections, int groupCommitMax) {
    public StoreConfig {
        Setting.STORE_URL.require(url);
        Setting.STORE_DATA_DIR.require(dataDir);
        Setting.STORE_READ_CONNECTIONS.require(readConnections);
        Setting.STORE_GROUP_COMMIT_MAX.require(groupCommitMax);
    }

    public static StoreConfig defaults() {
        return new StoreConfig("sqlite", Path.of("shortr-data"), 4, 512);
    }
}
