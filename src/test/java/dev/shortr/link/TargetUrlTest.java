package dev.shortr.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetUrlTest {
    private static final DomainBlocklist NONE = DomainBlocklist.NONE;

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            https://example.com                        | https://example.com
            https://example.com/a/b?c=d#e              | https://example.com/a/b?c=d#e
            HTTP://Example.COM/Path                    | http://example.com/Path
            https://bücher.example/ä                   | https://xn--bcher-kva.example/%C3%A4
            https://example.com:8443/x                 | https://example.com:8443/x
            http://[2001:db8::1]:8080/                 | http://[2001:db8::1]:8080/
            '  https://example.com/trim  '             | https://example.com/trim
            https://例え.テスト/パス?q=値                | https://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9?q=%E5%80%A4
            """)
    void normalises(String raw, String expected) {
        assertThat(TargetUrl.parse(raw, NONE).value()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)", "JavaScript://example.com/%0Aalert(1)", "data:text/html,<script>", "file:///etc/passwd",
            "ftp://example.com/", "vbscript:msgbox", "http://user:pw@example.com/", "https://user@example.com",
            "http://", "https://", "example.com", "//example.com/x", "http:/example.com", "http://exa mple.com",
            "http://example.com/\r\nSet-Cookie:x", "http://example.com:99999/", "http://example.com:abc/",
            "http://[::1/", "http://.example.com", "http://a..b/", "http://ex\\ample.com/", "  ", ""})
    void refuses(String raw) {
        assertThatThrownBy(() -> TargetUrl.parse(raw, NONE)).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("url"));
    }

    @Test
    void capsLengthAt8KiB() {
        String ok = "https://example.com/" + "a".repeat(TargetUrl.MAX_LENGTH - 20);
        assertThat(TargetUrl.parse(ok, NONE).value()).hasSize(TargetUrl.MAX_LENGTH);
        assertThatThrownBy(() -> TargetUrl.parse(ok + "a", NONE)).hasMessageContaining("8192");
    }

    @Test
    void blocklistCoversSubdomainsButNotLookalikes() {
        DomainBlocklist bl = new DomainBlocklist(Set.of("evil.example", "*.bad.test"));
        assertThatThrownBy(() -> TargetUrl.parse("https://evil.example/x", bl)).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> TargetUrl.parse("https://a.b.EVIL.example./x", bl)).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> TargetUrl.parse("https://bad.test/", bl)).hasMessageContaining("not allowed");
        assertThat(TargetUrl.parse("https://notevil.example/", bl).host()).isEqualTo("notevil.example");
    }
}
