package dev.shortr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Defaults of the client options from the environment the CLI was given (not {@code System.getenv}, so tests
 * can pass their own): {@code --server} from {@code SHORTR_SERVER}, {@code --key} from {@code SHORTR_KEY} or
 * the file named by {@code SHORTR_KEY_FILE}.
 */
record EnvDefaults(Map<String, String> env) implements IDefaultValueProvider {
    static final String LOCAL_SERVER = "http://localhost:8080";

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        return switch (option.longestName()) {
            // a command's own default (dns status: the DNS role's status listener) beats the node's
            case "--server" -> nonEmpty(env.get("SHORTR_SERVER"), option.defaultValue() == null ? LOCAL_SERVER : option.defaultValue());
            case "--key" -> nonEmpty(env.get("SHORTR_KEY"), keyFile(option));
            default -> null;
        };
    }

    private String keyFile(OptionSpec option) {
        String path = env.get("SHORTR_KEY_FILE");
        if (path == null || path.isEmpty()) {
            return null;
        }
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException | InvalidPathException e) {
            throw new ParameterException(option.command().commandLine(),
                    "SHORTR_KEY_FILE: cannot read " + path + ": " + e.getClass().getSimpleName());
        }
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
