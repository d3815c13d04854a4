package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.enrich.Ips.IpMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpsTest {
    private static final InetAddress PEER = ip("192.0.2.10");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
        "203.0.113.77,               NONE,       null",
        "203.0.113.77,               ANONYMISED, 203.0.113.0",
        "203.0.113.77,               FULL,       203.0.113.77",
        "2001:db8:85a3:8d3:1319:8a2e:370:7348, ANONYMISED, 2001:db8:85a3::",
        "2001:db8:85a3:8d3:1319:8a2e:370:7348, FULL,       2001:db8:85a3:8d3:1319:8a2e:370:7348",
        "2001:0DB8:0000:0000:0000:0000:0000:0001, FULL,    2001:db8::1",
        "2001:db8:0:1:0:0:1:1,       FULL,       2001:db8:0:1::1:1",
        "::ffff:198.51.100.9,        ANONYMISED, 198.51.100.0",
        "::1,                        FULL,       ::1",
        "fe80::1%1,                  FULL,       fe80::1",
    })
    void storesAsMuchAsTheModeAllows(String address, IpMode mode, String stored) throws UnknownHostException {
        assertThat(Ips.store(InetAddress.getByName(address), mode)).isEqualTo(stored);
    }

    @Test
    void storesNothingForNoAddress() {
        assertThat(Ips.store(null, IpMode.FULL)).isNull();
    }

    @ParameterizedTest(name = "X-Forwarded-For: {0}")
    @CsvSource(delimiter = '|', value = {
        "203.0.113.7                                   | 203.0.113.7",
        "203.0.113.7, 198.51.100.1, 192.0.2.1          | 203.0.113.7",
        "  203.0.113.7:4711 ,198.51.100.1             | 203.0.113.7",
        "2001:db8::7, 198.51.100.1                     | 2001:db8::7",
        "[2001:db8::7]:443                             | 2001:db8::7",
        "[2001:db8::7]                                 | 2001:db8::7",
        "unknown, 198.51.100.1                         | 198.51.100.1",
        "_hidden, 2001:db8::2                          | 2001:db8::2",
        "::ffff:203.0.113.9                            | 203.0.113.9",
    })
    void trustsTheLeftMostValidForwardedAddress(String header, String expected) {
        assertThat(Ips.clientIp(PEER, header, true)).isEqualTo(ip(expected));
    }

    @ParameterizedTest(name = "X-Forwarded-For: \"{0}\"")
    @ValueSource(strings = {
        "", " ", ",,,", "unknown", "localhost", "example.com", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
        "1.2.3.4:", "1.2.3.4:123456", "1.2.3.4:http", "0x7f.0.0.1", "2130706433", "1.2.3.-4", "１.２.３.４",
        "2001:db8::1::2", "2001:db8:::1", ":2001:db8::1", "2001:db8::1:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "12345::1", "g::1", "fe80::1%eth0", "[2001:db8::1", "[2001:db8::1]x", "[1.2.3.4]", "::ffff:1.2.3.256",
        "2001:db8::1.2.3.4.5", "\u0000", "1.2.3.4\u0000",
    })
    void fallsBackToThePeerWhenNoEntryIsALiteral(String header) {
        assertThat(Ips.clientIp(PEER, header, true)).isSameAs(PEER);
    }

    @Test
    void ignoresTheHeaderUnlessTrusted() {
        assertThat(Ips.clientIp(PEER, "203.0.113.7", false)).isSameAs(PEER);
        assertThat(Ips.clientIp(PEER, null, true)).isSameAs(PEER);
    }

    @Test
    void aHugeHeaderOfGarbageIsNoProblem() {
        String header = "x".repeat(100_000) + "," + ",".repeat(50_000) + "[" + ":".repeat(50_000) + ", 203.0.113.8";
        assertThat(Ips.clientIp(PEER, header, true)).isEqualTo(ip("203.0.113.8"));
    }

    @Test
    void neverResolvesANameEvenOneThatExists() {
        // "localhost" always resolves; a literal-only parser must still refuse it
        assertThat(Ips.literal("localhost")).isNull();
        assertThat(IpLiterals.parse("localhost")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "0.0.0.0", "0.1.2.3", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "169.254.1.1", "172.16.0.1",
        "172.31.255.255", "192.168.0.1", "224.0.0.1", "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
    })
    void knowsLocalAddressesNameNoPlace(String address) {
        assertThat(Ips.isLocal(ip(address))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1", "193.0.0.0", "2001:4860:4860::8888", "fb00::1", "fe00::1"})
    void knowsGlobalAddressesDo(String address) {
        assertThat(Ips.isLocal(ip(address))).isFalse();
    }

    @Property
    void everyIpv6AddressSurvivesFormatAndParse(@ForAll @Size(16) byte[] address) throws UnknownHostException {
        String text = IpLiterals.format(address);
        assertThat(IpLiterals.parse(text)).containsExactly(address);
        // and agrees with the JDK's reading of the same text
        assertThat(InetAddress.getByName(text).getAddress()).isEqualTo(InetAddress.getByAddress(address).getAddress());
    }

    @Property
    void everyIpv4AddressSurvivesFormatAndParse(@ForAll @Size(4) byte[] address) {
        assertThat(IpLiterals.parse(IpLiterals.format(address))).containsExactly(address);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(literal, e);
        }
    }
}
