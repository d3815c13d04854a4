package dev.shortr.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the known name closest to a misspelt one, if it is close enough to be a typo. */
final class Nearest {
    private Nearest() {}

    /** "; did you mean server.port?", or "" when nothing is close. */
    static String suggestion(String word, Collection<String> candidates) {
        return to(word, candidates).map(s -> "; did you mean " + s + "?").orElse("");
    }

    static Optional<String> to(String word, Collection<String> candidates) {
        String w = fold(word);
        // io_threads, IO-THREADS and iothreads all mean ioThreads: same letters, other separators or case
        Optional<String> same = candidates.stream().filter(c -> fold(c).equals(w)).findFirst();
        if (same.isPresent()) {
            return same;
        }
        int allowed = Math.min(3, Math.max(1, w.length() / 4));
        return candidates.stream()
                .filter(c -> distance(w, fold(c)) <= allowed)
                .min(Comparator.comparingInt(c -> distance(w, fold(c))));
    }

    private static String fold(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("prot" is 1 from "port"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
