package dev.shortr.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What the probe reads: URLs, {@code --resolve}, {@code --resolver}, Cache-Control values and HTTP/1.1 heads. */
class ProbeInputTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            https://sho.rt/abc123          | true  | sho.rt    | 443  | /abc123       | sho.rt
            http://sho.rt                  | false | sho.rt    | 80   | /             | sho.rt
            https://SHO.rt:8443/a?b=c&d    | true  | sho.rt    | 8443 | /a?b=c&d      | sho.rt:8443
            https://[2001:db8::1]/x        | true  | 2001:db8::1 | 443 | /x           | [2001:db8::1]
            http://127.0.0.1:8080/x%20y    | false | 127.0.0.1 | 8080 | /x%20y        | 127.0.0.1:8080
            """)
    void urlsGiveTheHostPortAndRequestTarget(String url, boolean https, String host, int port, String path, String authority) {
        Target t = Target.parse(url);
        assertThat(t.https()).isEqualTo(https);
        assertThat(t.host()).isEqualTo(host);
        assertThat(t.port()).isEqualTo(port);
        assertThat(t.path()).isEqualTo(path);
        assertThat(t.authority()).isEqualTo(authority);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ftp://sho.rt/x               | not an http or https URL
            sho.rt/abc                   | not an http or https URL
            https:///abc                 | has no host
            https://user:pw@sho.rt/abc   | carries credentials
            'https://sho rt/'            | not a URL
            """)
    void badUrlsAreOneLineForTheUser(String url, String message) {
        assertThatThrownBy(() -> Target.parse(url)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1       | true
            255.255.255.255 | true
            256.1.1.1       | false
            1.2.3           | false
            ::1             | true
            sho.rt          | false
            """)
    void addressLiteralsAreNotLookedUp(String host, boolean address) {
        assertThat(Target.isAddress(host)).isEqualTo(address);
    }

    @Test
    void resolvePinsAHostAndPortToAnAddress() {
        Pin p = Pin.parse("sho.rt:443:192.0.2.7");
        assertThat(p.host()).isEqualTo("sho.rt");
        assertThat(p.port()).isEqualTo(443);
        assertThat(p.address().getHostAddress()).isEqualTo("192.0.2.7");
        assertThat(Pin.parse("sho.rt:443:[2001:db8::7]").address().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(p.matches(Target.parse("https://sho.rt/abc"))).isTrue();
        assertThat(p.matches(Target.parse("https://sho.rt:8443/abc"))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            sho.rt:443             | HOST:PORT:ADDRESS
            sho.rt:x:192.0.2.7     | the port must be 1..65535
            sho.rt:0:192.0.2.7     | the port must be 1..65535
            sho.rt:443:example.com | is not an IP address
            sho.rt:443:999.0.0.1   | is not an IP address
            """)
    void badResolveIsRefused(String text, String message) {
        assertThatThrownBy(() -> Pin.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void aResolveForAnotherHostIsAUsageError() {
        assertThatThrownBy(() -> new ProbeOptions(Target.parse("https://sho.rt/abc"), ProbeOptions.HttpVersion.AUTO, null,
                Pin.parse("other.rt:443:192.0.2.7"), false, null, Duration.ofSeconds(1), "t"))
                .hasMessageContaining("does not match the URL's sho.rt:443");
        assertThatThrownBy(() -> new ProbeOptions(Target.parse("http://sho.rt/abc"), ProbeOptions.HttpVersion.HTTP_3, null, null, false,
                null, Duration.ofSeconds(1), "t")).hasMessageContaining("HTTP/3 needs an https URL");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1        | 127.0.0.1 | 53
            127.0.0.1:5353   | 127.0.0.1 | 5353
            ::1              | 0:0:0:0:0:0:0:1 | 53
            [::1]:5353       | 0:0:0:0:0:0:0:1 | 5353
            """)
    void resolversAreAnAddressAndAPort(String text, String address, int port) {
        InetSocketAddress a = ProbeOptions.resolver(text);
        assertThat(a.getAddress().getHostAddress()).isEqualTo(address);
        assertThat(a.getPort()).isEqualTo(port);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            dns.google       | is not an IP address
            127.0.0.1:99999  | the port must be 1..65535
            [::1             | a ']' is missing
            """)
    void badResolversAreRefused(String text, String message) {
        assertThatThrownBy(() -> ProbeOptions.resolver(text)).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "'{0}' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            'public, max-age=60, s-maxage=300' | 300
            'public, max-age=60'               | 60
            'private, max-age=600'             | 0
            'no-store'                         | 0
            'no-cache'                         | 0
            'no-cache="set-cookie, x", max-age=30' | 30
            'Max-Age = 45'                     | 45
            'max-age="70"'                     | 70
            'public'                           | -1
            ''                                 | -1
            """)
    void sharedCachesMayKeepAnAnswerForSMaxageElseMaxAge(String value, long seconds) {
        assertThat(CacheControl.parse(value).sharedLifetime()).isEqualTo(seconds);
    }

    @Test
    void anHttp11HeadGivesTheStatusAndHeadersInLowerCase() throws Exception {
        Measurement.Http h = Http1Exchange.parse("HTTP/1.1 302 Found\r\nLocation: https://example.com/\r\nCache-Control: private\r\n"
                + "Cache-Control: max-age=0\r\nX-Folded: a\r\n  b\r\n\r\n", Duration.ofMillis(3));
        assertThat(h.status()).isEqualTo(302);
        assertThat(h.header("LOCATION")).isEqualTo("https://example.com/");
        assertThat(h.joined("cache-control")).isEqualTo("private, max-age=0");
        assertThat(h.took()).isEqualTo(Duration.ofMillis(3));
        assertThatThrownBy(() -> Http1Exchange.parse("SSH-2.0-OpenSSH_9.2\r\n\r\n", Duration.ZERO))
                .hasMessageContaining("not an HTTP/1.x answer: 'SSH-2.0-OpenSSH_9.2'");
    }
}
