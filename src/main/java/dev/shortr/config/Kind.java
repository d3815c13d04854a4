package dev.shortr.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The type of a setting, and how text from YAML, the environment or a flag becomes a value of it. */
enum Kind {
    TEXT("a string"),
    INT("an integer"),
    LONG("an integer"),
    BOOL("true or false"),
    DURATION("a duration such as 500ms, 5s, 2m, 1h or PT5S"),
    PATH("a path"),
    /** A YAML sequence, or one comma-separated string (as environment variables must be). */
    LIST("a list of strings");

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    final String expected;

    Kind(String expected) {
        this.expected = expected;
    }

    /**
     * Parses {@code raw}, a String or a List of Strings.
     *
     * @throws IllegalArgumentException with a message such as "expected an integer, got 'abc'"
     */
    Object parse(Object raw) {
        if (raw instanceof List<?> list) {
            if (this != LIST) {
                throw new IllegalArgumentException("expected " + expected + ", got a list");
            }
            return clean(list.stream().map(Object::toString).toList());
        }
        String s = raw.toString().strip();
        return switch (this) {
            case TEXT -> s;
            case INT, LONG -> integer(s);
            case BOOL -> bool(s);
            case DURATION -> duration(s);
            case PATH -> path(s);
            case LIST -> clean(Arrays.asList(s.split(",")));
        };
    }

    private Long integer(String s) {
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw wrong(s, "");
        }
    }

    private Boolean bool(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw wrong(s, "");
        };
    }

    private Duration duration(String s) {
        Matcher m = SHORT_DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.matches("\\d+")) {
            throw wrong(s, " (add a unit: " + s + "s or " + s + "ms)");
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw wrong(s, "");
        }
    }

    private Path path(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw wrong(s, ": " + e.getReason());
        }
    }

    private static Set<String> clean(List<String> items) {
        Set<String> out = new LinkedHashSet<>();
        for (String i : items) {
            if (!i.isBlank()) {
                out.add(i.strip());
            }
        }
        return out;
    }

    private IllegalArgumentException wrong(String got, String hint) {
        return new IllegalArgumentException("expected " + expected + ", got '" + got + "'" + hint);
    }
}
