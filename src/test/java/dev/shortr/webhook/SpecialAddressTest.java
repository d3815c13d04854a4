package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses a webhook may not reach unless private addresses are allowed, and how URL hosts are read. */
class SpecialAddressTest {

    /** Every address here is a literal: InetAddress.getByName parses it without DNS. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // IPv4: the ranges and their edges
            "0.0.0.0,               UNSPECIFIED",
            "0.1.2.3,               UNSPECIFIED",
            "127.0.0.1,             LOOPBACK",
            "127.255.255.254,       LOOPBACK",
            "10.0.0.1,              PRIVATE",
            "10.255.255.255,        PRIVATE",
            "172.16.0.1,            PRIVATE",
            "172.31.255.255,        PRIVATE",
            "172.15.255.255,        PUBLIC",
            "172.32.0.1,            PUBLIC",
            "192.168.1.1,           PRIVATE",
            "192.169.0.1,           PUBLIC",
            "100.64.0.1,            SHARED",
            "100.127.255.255,       SHARED",
            "100.63.255.255,        PUBLIC",
            "100.128.0.1,           PUBLIC",
            "169.254.169.254,       LINK_LOCAL",
            "169.254.0.1,           LINK_LOCAL",
            "169.253.255.255,       PUBLIC",
            "224.0.0.1,             MULTICAST",
            "239.255.255.250,       MULTICAST",
            "240.0.0.1,             RESERVED",
            "255.255.255.255,       RESERVED",
            "8.8.8.8,               PUBLIC",
            "93.184.216.34,         PUBLIC",
            "203.0.113.7,           PUBLIC",
            "192.0.0.8,             RESERVED",
            "192.0.1.1,             PUBLIC",
            "198.18.0.1,            RESERVED",
            "198.19.255.255,        RESERVED",
            "198.20.0.1,            PUBLIC",
            "198.17.255.255,        PUBLIC",
            // IPv6
            "::,                    UNSPECIFIED",
            "::1,                   LOOPBACK",
            "::ffff:127.0.0.1,      LOOPBACK",
            "::ffff:a9fe:a9fe,      LINK_LOCAL",
            "::ffff:10.1.2.3,       PRIVATE",
            "::ffff:8.8.8.8,        PUBLIC",
            "::127.0.0.1,           RESERVED",
            "64:ff9b::7f00:1,       LOOPBACK",
            "64:ff9b::a9fe:a9fe,    LINK_LOCAL",
            "64:ff9b::808:808,      PUBLIC",
            "2002:7f00:1::1,        LOOPBACK",
            "2002:a00:1::,          PRIVATE",
            "2002:808:808::1,       PUBLIC",
            "2001:0:4136:e378::1,   RESERVED",
            "2001:1::1,             PUBLIC",
            "64:ff9b:1::a00:1,      RESERVED",
            "100::1,                RESERVED",
            "100:0:0:1::1,          PUBLIC",
            "fc00::1,               PRIVATE",
            "fd12:3456:789a::1,     PRIVATE",
            "fbff:ffff::1,          PUBLIC",
            "fe80::1,               LINK_LOCAL",
            "febf:ffff::1,          LINK_LOCAL",
            "fec0::1,               PRIVATE",
            "ff02::1,               MULTICAST",
            "ff0e::101,             MULTICAST",
            "2001:4860:4860::8888,  PUBLIC",
            "2606:4700:4700::1111,  PUBLIC",
    })
    void addressesAreClassified(String literal, String expected) throws UnknownHostException {
        InetAddress a = InetAddress.getByName(literal);
        assertThat(SpecialAddress.of(a).map(Enum::name).orElse("PUBLIC")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "::ffff:{0}")
    @CsvSource({"127.0.0.1, LOOPBACK", "169.254.169.254, LINK_LOCAL", "192.168.0.10, PRIVATE", "100.100.100.200, SHARED",
            "8.8.4.4, PUBLIC"})
    void anIpv4MappedAddressKeptAsIpv6IsClassifiedByItsIpv4Address(String v4, String expected) throws UnknownHostException {
        byte[] four = InetAddress.getByName(v4).getAddress();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, four[0], four[1], four[2], four[3]};
        // getByName would hand back an Inet4Address; a resolver or a socket may produce this form instead
        InetAddress a = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(a).isInstanceOf(Inet6Address.class);
        assertThat(SpecialAddress.of(a).map(Enum::name).orElse("PUBLIC")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "127.0.0.1,                         127.0.0.1",
            "127.0.0.1.,                        127.0.0.1",
            "127.1,                             127.0.0.1",
            "10.1.515,                          10.1.2.3",
            "2130706433,                        127.0.0.1",
            "127.000.000.001,                   127.0.0.1",
            "0177.0.0.1,                        177.0.0.1",
            "169.254.43518,                     169.254.169.254",
            "[::1],                             ::1",
            "[::ffff:169.254.169.254],          169.254.169.254",
            "[0:0:0:0:0:ffff:7f00:1],           127.0.0.1",
            "[fe80::1%eth0],                    fe80::1",
            "[fe80::1%25en0],                   fe80::1",
    })
    void literalHostsAreReadAsTheJdkReadsThem(String host, String address) throws UnknownHostException {
        InetAddress expected = InetAddress.getByName(address);
        assertThat(SpecialAddress.literal(host)).isEqualTo(expected);
        if (!host.startsWith("[") && !host.endsWith(".")) {
            assertThat(InetAddress.getByName(host)).as("the JDK, connecting to %s", host).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hooks.example", "1e100.net", "127.0.0.1.nip.io", "256.0.0.1", "1.2.3.4.5", "4294967296",
            "1.16777216", "0x7f000001", "[not-an-address]", "localhost", ""})
    void namesAndNonAddressesAreNotLiterals(String host) {
        assertThat(SpecialAddress.literal(host)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"localhost, true", "LOCALHOST, true", "localhost., true", "api.localhost, true", "a.b.LocalHost, true",
            "notlocalhost, false", "localhost.example, false", "localhostx, false", "hooks.example, false"})
    void localhostAndNamesUnderItAreTheLocalMachine(String host, boolean local) {
        assertThat(SpecialAddress.isLocalhostName(host)).isEqualTo(local);
    }
}
