package dev.shortr.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodeOfTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            /abc123        | abc123
            /abc123/       | abc123
            /abc123//      | NULL
            /              | NULL
            //             | NULL
            /a-b_C         | a-b_C
            /abc+          | NULL
            /../etc        | NULL
            /%2e%2e        | NULL
            /abc%00        | NULL
            /api/v1/links  | NULL
            /ä             | NULL
            """)
    void extractsOnlyPlausibleCodes(String path, String code) {
        assertThat(RedirectTier.codeOf(path)).isEqualTo(code);
    }
}
