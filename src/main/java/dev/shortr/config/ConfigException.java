package dev.shortr.config;

import java.util.List;

/** Everything wrong with a configuration, found in one pass. {@link #getMessage()} has one problem per line. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, such as {@code server.port: expected an integer, got 'abc' (SHORTR_PORT)}. */
    public List<String> problems() {
        return problems;
    }
}
