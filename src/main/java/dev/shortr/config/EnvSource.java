package dev.shortr.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code SHORTR_*} environment variables into raw settings. Each setting answers to its generic name
 * ({@code SHORTR_SERVER_PORT}), its short alias if it has one ({@code SHORTR_PORT}), and a {@code _FILE} form
 * of either whose value is a path to read the value from (Docker and Kubernetes secrets).
 */
final class EnvSource {
    static final String PREFIX = "SHORTR_";
    /** Read by the CLI client or the launcher script, not by a node. */
    static final Set<String> NOT_OURS = Set.of("SHORTR_SERVER", "SHORTR_SERVER_FILE", "SHORTR_KEY", "SHORTR_KEY_FILE",
            "SHORTR_JAVA_OPTS");
    private static final long MAX_FILE_BYTES = 64 << 10;
    private static final Map<String, Setting> BY_NAME = names();

    private EnvSource() {}

    /** The settings in {@code env}; every problem found is added to {@code problems}. */
    static Map<Setting, Raw> read(Map<String, String> env, List<String> problems) {
        Map<Setting, List<Raw>> found = new EnumMap<>(Setting.class);
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) { // sorted: a stable order of problems
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || NOT_OURS.contains(name)) {
                continue;
            }
            boolean fromFile = !BY_NAME.containsKey(name) && name.endsWith("_FILE");
            Setting s = BY_NAME.get(fromFile ? name.substring(0, name.length() - "_FILE".length()) : name);
            if (s == null) {
                problems.add(name + ": unknown environment variable" + Nearest.suggestion(name, BY_NAME.keySet()));
                continue;
            }
            String value = fromFile ? readFile(name, e.getValue(), problems) : e.getValue();
            if (value != null && !value.isEmpty()) { // VAR= (empty) is how compose files pass "unset"
                found.computeIfAbsent(s, k -> new ArrayList<>()).add(new Raw(value, name));
            }
        }
        Map<Setting, Raw> values = new EnumMap<>(Setting.class);
        found.forEach((s, raws) -> {
            if (raws.stream().map(Raw::value).distinct().count() > 1) {
                problems.add(s.key + ": set differently by " + String.join(" and ", raws.stream().map(Raw::source).toList())
                        + "; set only one");
            }
            values.put(s, raws.getFirst());
        });
        return values;
    }

    private static String readFile(String name, String path, List<String> problems) {
        try {
            Path p = Path.of(path);
            if (Files.size(p) > MAX_FILE_BYTES) {
                problems.add(name + ": " + path + " is larger than 64 KiB");
                return null;
            }
            // secrets files usually end with a newline that is not part of the value
            return Files.readString(p).replaceAll("[\r\n]+$", "");
        } catch (NoSuchFileException e) {
            problems.add(name + ": " + path + " does not exist");
        } catch (CharacterCodingException e) {
            problems.add(name + ": " + path + " is not UTF-8 text");
        } catch (IOException | InvalidPathException e) {
            problems.add(name + ": cannot read " + path + ": " + e.getMessage());
        }
        return null;
    }

    /** Every accepted name without its _FILE form. */
    private static Map<String, Setting> names() {
        Map<String, Setting> m = new HashMap<>();
        for (Setting s : Setting.values()) {
            m.put(s.envName(), s);
            if (s.alias != null) {
                m.put(s.alias, s);
            }
        }
        return Map.copyOf(m);
    }
}
