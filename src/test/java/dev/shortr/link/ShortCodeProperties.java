package dev.shortr.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ShortCodeProperties {
    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    @Property(tries = 5000)
    void parsesExactlyTheAllowedAlphabet(@ForAll @StringLength(max = 80) String raw) {
        boolean valid = !raw.isEmpty() && raw.length() <= ShortCode.MAX_LENGTH && raw.chars().allMatch(c -> allowed((char) c))
                && !ShortCode.RESERVED.contains(raw.toLowerCase(java.util.Locale.ROOT));
        if (valid) {
            assertThat(ShortCode.parse(raw).value()).isEqualTo(raw);
            assertThat(ShortCode.fromPath(raw)).isPresent();
        } else {
            assertThatThrownBy(() -> ShortCode.parse(raw)).isInstanceOf(IllegalArgumentException.class);
            assertThat(ShortCode.fromPath(raw)).isEmpty();
        }
    }

    @Property(tries = 200)
    void generatedCodesAreBase62OfTheConfiguredLength(@ForAll @IntRange(min = 4, max = 32) int length) {
        CodeGenerator g = new CodeGenerator(length);
        for (int i = 0; i < 50; i++) {
            String c = g.next().value();
            assertThat(c).hasSize(length).matches("[0-9A-Za-z]+");
        }
    }

    @Test
    void reservedWordsAreRefusedInAnyCase() {
        for (String w : new String[] {"api", "API", "healthz", "ReadyZ", "metrics", "static", "ui", "Ui"}) {
            assertThatThrownBy(() -> ShortCode.parse(w)).hasMessageContaining("reserved");
        }
    }

    @Test
    void codesAreCaseSensitive() {
        assertThat(ShortCode.parse("abc123")).isNotEqualTo(ShortCode.parse("ABC123"));
    }

    @Test
    void generatorDoesNotRepeatInPractice() {
        CodeGenerator g = new CodeGenerator(7);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(g.next().value());
        }
        // 62^7 ≈ 3.5e12 codes: a collision in 1e5 draws has probability ≈ 1.4e-3; allow one
        assertThat(seen.size()).isGreaterThanOrEqualTo(99_999);
    }

    @Test
    void generatorIsRoughlyUniformOverTheAlphabet() {
        CodeGenerator g = new CodeGenerator(8);
        int[] counts = new int[128];
        int n = 0;
        for (int i = 0; i < 20_000; i++) {
            for (char c : g.next().value().toCharArray()) {
                counts[c]++;
                n++;
            }
        }
        double expected = n / 62.0;
        for (char c : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray()) {
            assertThat((double) counts[c]).isBetween(expected * 0.9, expected * 1.1);
        }
    }
}
