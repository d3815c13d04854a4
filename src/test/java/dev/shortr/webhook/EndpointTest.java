package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.link.InvalidInputException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The rules of an endpoint: its URL, its event types and its description. */
class EndpointTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static Endpoint endpoint(String url, List<String> events, String description) {
        return new Endpoint("wh_abc123", url, events, true, description, SECRET, null, null, T0, T0);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://hooks.example/in,                https://hooks.example/in",
            "http://127.0.0.1:9000/shortr?token=abc,  http://127.0.0.1:9000/shortr?token=abc",
            "HTTPS://Hooks.Example:8443/a/b,          https://hooks.example:8443/a/b",
            "https://bücher.example/hook,             https://xn--bcher-kva.example/hook",
            "'  https://hooks.example/trimmed  ',     https://hooks.example/trimmed",
            "http://[::1]:8080/in,                    http://[::1]:8080/in",
    })
    void goodUrlsAreKeptNormalised(String raw, String expected) {
        assertThat(endpoint(raw, List.of("*"), null).url()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "ftp://hooks.example/in                 | url scheme 'ftp' is not allowed; use http or https",
            "hooks.example/in                       | url must be absolute, with http:// or https://",
            "/relative                              | url must be absolute, with http:// or https://",
            "https://user:pass@hooks.example/in     | url must not contain credentials",
            "https://hooks.example/in#frag          | url must not have a fragment (#...): it is never sent to the receiver",
            "https://hooks.example:99999/in         | url port is not valid",
            "https:///in                            | url must have a host",
            "'https://hooks.example/a b'            | url must not contain whitespace or control characters",
            "javascript:alert(1)                    | url scheme 'javascript' is not allowed; use http or https",
    })
    void badUrlsSayWhy(String raw, String reason) {
        assertThatThrownBy(() -> endpoint(raw, List.of("*"), null)).isInstanceOf(InvalidInputException.class)
                .hasMessage(reason).extracting(e -> ((InvalidInputException) e).field()).isEqualTo("url");
    }

    @Test
    void aMissingOrOverlongUrlIsRefused() {
        assertThatThrownBy(() -> endpoint(null, List.of("*"), null)).isInstanceOf(InvalidInputException.class).hasMessage("url is required");
        assertThatThrownBy(() -> endpoint("https://hooks.example/" + "a".repeat(2048), List.of("*"), null))
                .isInstanceOf(InvalidInputException.class).hasMessage("url must be at most 2048 characters");
    }

    @Test
    void eventTypesAreSortedDeduplicatedAndStarMeansAll() {
        Endpoint some = endpoint("https://hooks.example/in", List.of("link.deleted", "link.created", "link.deleted"), null);
        assertThat(some.events()).containsExactly("link.created", "link.deleted");
        assertThat(some.wants(EventType.LINK_CREATED)).isTrue();
        assertThat(some.wants(EventType.LINK_CLICKED)).isFalse();
        assertThat(some.wants(EventType.WEBHOOK_TEST)).as("a test goes wherever it is asked to").isTrue();

        Endpoint all = endpoint("https://hooks.example/in", List.of("link.clicked", "*"), null);
        assertThat(all.events()).containsExactly("*");
        assertThat(EventType.SUBSCRIBABLE).allMatch(all::wants);
    }

    @ParameterizedTest
    @ValueSource(strings = {"link.visited", "LINK.CREATED", "webhook.test", "", "link.*"})
    void unknownEventTypesAreRefusedByName(String type) {
        assertThatThrownBy(() -> endpoint("https://hooks.example/in", List.of("link.created", type), null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown event type '" + type + "'; expected * or any of link.created, link.updated, link.deleted, link.clicked")
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("events");
    }

    @Test
    void noEventTypesIsRefused() {
        assertThatThrownBy(() -> endpoint("https://hooks.example/in", List.of(), null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one event type");
    }

    @Test
    void descriptionsAreTrimmedAndBounded() {
        assertThat(endpoint("https://hooks.example/in", List.of("*"), "  CI receiver ").description()).isEqualTo("CI receiver");
        assertThat(endpoint("https://hooks.example/in", List.of("*"), "   ").description()).isNull();
        assertThatThrownBy(() -> endpoint("https://hooks.example/in", List.of("*"), "a".repeat(501)))
                .isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field()).isEqualTo("description");
        assertThatThrownBy(() -> endpoint("https://hooks.example/in", List.of("*"), "bell\u0007"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> endpoint("https://hooks.example/in", List.of("*"), "lone \ud800"))
                .isInstanceOf(InvalidInputException.class);
    }
}
