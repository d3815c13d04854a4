package dev.shortr.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NegotiationTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL                                                                        | false
            ''                                                                          | false
            */*                                                                         | false
            text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8             | false
            application/json                                                            | true
            application/problem+json                                                    | true
            application/json, text/html;q=0.5                                           | true
            text/html, application/json;q=0.5                                           | false
            application/json;q=0                                                        | false
            application/json;q=abc                                                      | false
            """)
    void prefersJsonOnlyWhenAskedAtLeastAsStronglyAsHtml(String accept, boolean json) {
        assertThat(Negotiation.prefersJson(accept)).isEqualTo(json);
    }
}
