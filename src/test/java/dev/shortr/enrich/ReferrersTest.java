package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferrersTest {
    private static final String HUGE = "https://news.example.org/" + "a%20".repeat(25_000);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "https://www.Example.com/path?q=1#top     | www.example.com",
        "http://example.com                       | example.com",
        "HTTPS://EXAMPLE.COM:8443/x               | example.com",
        "https://user:secret@example.com/         | example.com",
        "https://a@b@example.com/                 | example.com",
        "https://example.com./                    | example.com",
        "https://example.com?x=y                  | example.com",
        "https://example.com\\evil.test/          | example.com",
        "  https://t.co/abc123                    | t.co",
        "https://xn--bcher-kva.example/           | xn--bcher-kva.example",
        "https://bücher.example/                  | xn--bcher-kva.example",
        "https://203.0.113.5:8080/                | 203.0.113.5",
        "https://[2001:DB8::1]:443/               | [2001:db8::1]",
        "https://_dmarc.example.com/              | _dmarc.example.com",
    })
    void findsTheLowerCaseHostOfAnHttpReferrer(String referer, String host) {
        assertThat(Referrers.host(referer)).isEqualTo(host);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "", "   ", "example.com", "//example.com/", "ftp://example.com/", "android-app://com.slack/",
        "javascript:alert(1)", "https://", "https:///path", "https://:443/", "https://exa mple.com/",
        "https://example..com/", "https://.example.com/", "https://example.com:port/", "https://example.com:123456/",
        "https://[2001:db8::1/", "https://[not-an-ip]/", "https://[203.0.113.5]/", "https://[::1]junk/",
        "https://exa\u0000mple.com/", "https://%65xample.com/", "https://\uD800.com/",
    })
    void hasNoHostForAnythingElse(String referer) {
        assertThat(Referrers.host(referer)).isNull();
    }

    @Test
    void hugeAndNullInputAreNoProblem() {
        assertThat(Referrers.host(null)).isNull();
        assertThat(Referrers.host(HUGE)).isEqualTo("news.example.org");
        assertThat(Referrers.host("https://" + "a".repeat(100_000) + ".com/")).isNull();
        assertThat(Referrers.host("https://" + "a.".repeat(50_000))).isNull();
        assertThat(Referrers.full(null, 100)).isNull();
        assertThat(Referrers.full(HUGE, 2048)).hasSize(2048).startsWith("https://news.example.org/a%20");
    }

    @Test
    void fullDropsControlCharactersAndSurroundingSpace() {
        assertThat(Referrers.full(" https://example.com/a\r\nSet-Cookie: x=1\u0000\u007f\u0085 ", 100))
                .isEqualTo("https://example.com/aSet-Cookie: x=1");
        assertThat(Referrers.full("\t \u0001 ", 100)).isNull();
        assertThat(Referrers.full("", 100)).isNull();
    }

    @Test
    void fullCutsAtMaxLengthButNeverInsideASurrogatePair() {
        assertThat(Referrers.full("https://example.com/abc", 10)).isEqualTo("https://ex");
        String emoji = "\uD83D\uDE00";
        assertThat(Referrers.full("abcd" + emoji, 5)).isEqualTo("abcd");
        assertThat(Referrers.full("abcd" + emoji, 6)).isEqualTo("abcd" + emoji);
        // a lone surrogate would not survive UTF-8 anyway
        assertThat(Referrers.full("ab\uD83Dcd\uDE00", 10)).isEqualTo("abcd");
    }

    @Test
    void aNonPositiveMaxLengthIsABug() {
        assertThatIllegalArgumentException().isThrownBy(() -> Referrers.full("https://example.com/", 0));
    }

    @Property
    void anyStringGivesAnAnswerNotAnException(@ForAll String referer) {
        String host = Referrers.host("https://" + referer);
        if (host != null) {
            assertThat(host).isLowerCase().doesNotContain("/", "?", "#", "@", " ");
        }
        String full = Referrers.full(referer, 64);
        if (full != null) {
            assertThat(full.length()).isLessThanOrEqualTo(64);
            assertThat(full.chars()).noneMatch(Character::isISOControl);
        }
    }
}
