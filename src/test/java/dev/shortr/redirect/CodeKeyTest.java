package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CodeKeyTest {
    @Property(tries = 500)
    void everyValidCodeRoundTripsAndAProbeFindsIt(
            @ForAll @StringLength(min = 1, max = 64) @CharRange(from = 'a', to = 'z') @CharRange(from = 'A', to = 'Z')
            @CharRange(from = '0', to = '9') @Chars({'_', '-'}) String code) {
        CodeKey k = CodeKey.of(code);
        assertThat(k.code()).isEqualTo(code);
        assertThat(k.packed != 0).isEqualTo(code.length() <= CodeKey.PACKED_MAX);

        Map<CodeKey, String> map = new HashMap<>();
        map.put(k, code);
        if (k.packed != 0) {
            CodeKey.Probe probe = CodeKey.probe();
            probe.setPacked(CodeKey.pack("/" + code + "/", 1, code.length() + 1));
            assertThat(probe).isEqualTo(k).hasSameHashCodeAs(k);
            assertThat(map.get(probe)).isEqualTo(code);
        }
        assertThat(map.get(CodeKey.of(code))).isEqualTo(code);
    }

    @Test
    void codesThatDifferOnlyInCaseOrLengthAreDifferentKeys() {
        assertThat(CodeKey.of("abc")).isNotEqualTo(CodeKey.of("ABC"));
        assertThat(CodeKey.of("a")).isNotEqualTo(CodeKey.of("aa")); // 'a' packs to 0: the length tells them apart
        assertThat(CodeKey.of("a".repeat(10))).isNotEqualTo(CodeKey.of("a".repeat(11)));
        assertThat(CodeKey.of("-_")).isEqualTo(CodeKey.of("-_"));
    }

    @Test
    void onlyShortCodesOfTheCodeAlphabetPack() {
        assertThat(CodeKey.pack("", 0, 0)).isZero();
        assertThat(CodeKey.pack("abcdefghijk", 0, 11)).isZero();
        assertThat(CodeKey.pack("ab.c", 0, 4)).isZero();
        assertThat(CodeKey.pack("ab%20", 0, 5)).isZero();
        assertThat(CodeKey.pack("abcdefghij", 0, 10)).isNotZero();
    }
}
