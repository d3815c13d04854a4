package dev.shortr.cli;

import dev.shortr.config.ConfigLoader;
import dev.shortr.config.ShortrConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config}, {@code --data} and {@code --store}: the options of every command that loads a node's configuration. */
final class StoreOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file; SHORTR_* variables and flags override it.")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: store.dataDir, $SHORTR_DATA_DIR, else ./shortr-data).")
    Path data;

    @Option(names = "--store", paramLabel = "URL", description = "sqlite (a file in the data directory) or "
            + "postgres://user@host:port/database (default: store.url, $SHORTR_STORE, else sqlite).")
    String store;

    /** The file, then the environment, then {@code --data}, {@code --store} and {@code flags} (dotted keys; null values are skipped). */
    ShortrConfig load(Map<String, String> env, Map<String, String> flags) {
        Map<String, String> overrides = new HashMap<>(flags);
        if (data != null) {
            overrides.put("store.dataDir", data.toString());
        }
        if (store != null) {
            overrides.put("store.url", store);
        }
        return ConfigLoader.load(config, env, overrides);
    }
}
