package dev.shortr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain text columns separated by two spaces, for people; scripts use {@code --json}. */
final class Table {
    private static final int MAX_CELL = 60;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String s = clean(cells[i] == null ? "-" : cells[i].toString());
            r[i] = s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 1) + "…" : s;
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintWriter out) {
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(line);
        }
    }

    /** Text from a server or a user, made safe for a terminal: control characters (escape sequences) become '?'. */
    static String clean(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
