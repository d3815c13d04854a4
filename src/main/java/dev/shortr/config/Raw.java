package dev.shortr.config;

/**
 * A setting's value as written, before parsing, and where it was written.
 *
 * @param value  a String, or a List of Strings for a YAML sequence
 * @param source for messages: {@code shortr.yaml line 3}, {@code SHORTR_PORT}, {@code command line}
 */
record Raw(Object value, String source) {
    /** "got 'abc' (SHORTR_PORT)": the tail of a problem about this value. */
    String where() {
        return " (" + source + ")";
    }
}
