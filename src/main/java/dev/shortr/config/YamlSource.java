package dev.shortr.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a YAML config file into raw settings, remembering the line of each. It walks tokens rather than
 * building a tree so that every problem can name its line, and so that a key given twice is noticed.
 */
final class YamlSource {
    private static final long MAX_BYTES = 1 << 20;
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");
    private static final Set<String> SECTIONS = Arrays.stream(Setting.values()).map(Setting::section)
            .collect(Collectors.toUnmodifiableSet());
    /** Mappings inside a section that hold settings of their own ({@code tls.acme}). */
    private static final Set<String> PARENTS = Arrays.stream(Setting.values()).map(Setting::parent)
            .filter(parent -> parent.contains(".")).collect(Collectors.toUnmodifiableSet());

    private final String name;
    private final List<String> problems;
    private final Map<Setting, Raw> values = new EnumMap<>(Setting.class);
    private final Map<String, Integer> seen = new HashMap<>();

    private YamlSource(String name, List<String> problems) {
        this.name = name;
        this.problems = problems;
    }

    /** The settings in {@code file}; every problem found is added to {@code problems}. */
    static Map<Setting, Raw> read(Path file, List<String> problems) {
        YamlSource source = new YamlSource(file.toString(), problems);
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                problems.add("config file " + file + " is larger than 1 MiB");
                return Map.of();
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add("config file " + file + " does not exist");
            return Map.of();
        } catch (CharacterCodingException e) {
            problems.add("config file " + file + " is not UTF-8 text");
            return Map.of();
        } catch (IOException e) {
            problems.add("config file " + file + " cannot be read: " + e);
            return Map.of();
        }
        try (JsonParser p = YAML.createParser(text)) {
            source.document(p);
        } catch (JsonProcessingException e) {
            problems.add(source.malformed(e));
        } catch (IOException e) {
            problems.add("config file " + file + " cannot be read: " + e);
        }
        return source.values;
    }

    private void document(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.VALUE_NULL) {
            return; // an empty file means "all defaults"
        }
        if (t != JsonToken.START_OBJECT) {
            problems.add(name + " line " + line(p) + ": expected a mapping of sections (server:, store:, ...), got " + shape(p));
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String section = p.currentName();
            int line = line(p);
            JsonToken v = p.nextToken();
            if (!SECTIONS.contains(section)) {
                problems.add(section + ": unknown section" + Nearest.suggestion(section, SECTIONS) + at(line));
                p.skipChildren();
            } else if (v == JsonToken.START_OBJECT) {
                section(p, section);
            } else if (v.isScalarValue() && v != JsonToken.VALUE_NULL && Setting.BY_KEY.containsKey(section + ".url")) {
                // "store: postgres://..." is short for "store: {url: postgres://...}"
                values.put(Setting.BY_KEY.get(section + ".url"), new Raw(p.getText(), name + " line " + line));
            } else if (v != JsonToken.VALUE_NULL) {
                problems.add(section + ": expected a mapping of settings, got " + shape(p) + at(line));
                p.skipChildren();
            }
        }
    }

    /** The settings of one mapping: a section ({@code tls}) or a mapping nested in one ({@code tls.acme}). */
    private void section(JsonParser p, String section) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = section + "." + p.currentName();
            int line = line(p);
            JsonToken v = p.nextToken();
            Setting s = Setting.BY_KEY.get(key);
            if (s == null && PARENTS.contains(key)) { // a nested mapping such as tls.acme
                if (v == JsonToken.START_OBJECT) {
                    section(p, key);
                } else if (v != JsonToken.VALUE_NULL) {
                    problems.add(key + ": expected a mapping of settings, got " + shape(p) + at(line));
                    p.skipChildren();
                }
                continue;
            }
            if (s == null) {
                List<String> siblings = Arrays.stream(Setting.values()).filter(x -> x.parent().equals(section))
                        .map(x -> x.key).toList();
                problems.add(key + ": unknown key" + Nearest.suggestion(key, siblings) + at(line));
                p.skipChildren();
                continue;
            }
            Integer before = seen.put(key, line);
            if (before != null) {
                problems.add(key + ": given twice, on lines " + before + " and " + line);
            }
            if (v == JsonToken.VALUE_NULL) {
                values.remove(s); // "key:" with no value keeps the default
            } else if (v == JsonToken.START_ARRAY) {
                List<String> items = new ArrayList<>();
                boolean flat = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    flat &= p.currentToken().isScalarValue();
                    items.add(p.getText());
                    p.skipChildren();
                }
                if (flat) {
                    values.put(s, new Raw(items, name + " line " + line));
                } else {
                    problems.add(key + ": expected " + s.kind.expected + ", got a list of mappings or lists" + at(line));
                }
            } else if (v.isScalarValue()) {
                values.put(s, new Raw(p.getText(), name + " line " + line));
            } else {
                problems.add(key + ": expected " + s.kind.expected + ", got a mapping" + at(line));
                p.skipChildren();
            }
        }
    }

    /** One line, never a stack trace: "malformed YAML at line 3, column 9: while parsing ...; expected ...". */
    private String malformed(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        List<String> words = new ArrayList<>();
        for (String l : original.split("\n")) {
            Matcher m = MARK.matcher(l);
            if (m.matches()) { // SnakeYAML's last mark is the problem's own, more precise than Jackson's
                line = Integer.parseInt(m.group(1));
                column = Integer.parseInt(m.group(2));
            } else if (!l.isBlank() && !l.startsWith("    ")) { // indented lines are snippets and carets
                words.add(l.strip());
            }
        }
        return "config file " + name + ": malformed YAML at line " + line + ", column " + column + ": " + String.join("; ", words);
    }

    private String at(int line) {
        return " (" + name + " line " + line + ")";
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String shape(JsonParser p) {
        return switch (p.currentToken()) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a mapping";
            default -> "'" + safeText(p) + "'";
        };
    }

    private static String safeText(JsonParser p) {
        try {
            return p.getText();
        } catch (IOException e) {
            return "?";
        }
    }
}
