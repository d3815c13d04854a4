package dev.shortr.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which certificate kinds a ClientHello accepts, from its versions, suites and signature algorithms. */
class ClientHelloTest {
    private static final int[] TLS13_SUITES = {0x1301, 0x1302, 0x1303};
    private static final int ECDHE_ECDSA_AES128_GCM = 0xC02B;
    private static final int ECDHE_RSA_AES128_GCM = 0xC02F;
    private static final int ECDSA_P256_SHA256 = 0x0403;
    private static final int RSA_PSS_RSAE_SHA256 = 0x0804;
    private static final int RSA_PKCS1_SHA256 = 0x0401;

    static Stream<Arguments> hellos() {
        return Stream.of(
                Arguments.of("TLS 1.3, both signature kinds", hello(true, TLS13_SUITES, ECDSA_P256_SHA256, RSA_PSS_RSAE_SHA256), true, true),
                Arguments.of("TLS 1.3, ECDSA only", hello(true, TLS13_SUITES, ECDSA_P256_SHA256), true, false),
                Arguments.of("TLS 1.3, RSA-PSS only", hello(true, TLS13_SUITES, RSA_PSS_RSAE_SHA256), false, true),
                Arguments.of("TLS 1.3, RSA PKCS#1 only (not for 1.3)", hello(true, TLS13_SUITES, RSA_PKCS1_SHA256), false, false),
                Arguments.of("TLS 1.2, ECDSA suite and signature", hello(false, new int[] {ECDHE_ECDSA_AES128_GCM}, ECDSA_P256_SHA256), true, false),
                Arguments.of("TLS 1.2, ECDSA signatures but only an RSA suite",
                        hello(false, new int[] {ECDHE_RSA_AES128_GCM}, ECDSA_P256_SHA256, RSA_PKCS1_SHA256), false, true),
                Arguments.of("TLS 1.2 without signature_algorithms: the suites decide",
                        hello(false, new int[] {ECDHE_ECDSA_AES128_GCM, ECDHE_RSA_AES128_GCM}), true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hellos")
    void acceptsWhatTheHelloOffers(String name, ByteBuf hello, boolean ecdsa, boolean rsa) {
        assertThat(ClientHello.accepts(hello)).isEqualTo(new ClientHello.Accepts(ecdsa, rsa));
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 10, 35, 40, 50})
    void aTruncatedHelloAcceptsBothAndLetsTheEngineDecide(int length) {
        ByteBuf full = hello(true, TLS13_SUITES, ECDSA_P256_SHA256);
        assertThat(ClientHello.accepts(full.slice(0, Math.min(length, full.readableBytes()))))
                .isEqualTo(ClientHello.Accepts.BOTH);
    }

    /** A ClientHello body: version, random, empty session id, suites, null compression, then extensions. */
    private static ByteBuf hello(boolean tls13, int[] suites, int... sigalgs) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(0x0303).writeZero(32).writeByte(0);
        b.writeShort(suites.length * 2);
        for (int s : suites) {
            b.writeShort(s);
        }
        b.writeByte(1).writeByte(0);
        ByteBuf ext = Unpooled.buffer();
        ext.writeShort(0).writeShort(9).writeShort(7).writeByte(0).writeShort(4).writeBytes("a.te".getBytes()); // server_name
        if (tls13) {
            ext.writeShort(43).writeShort(5).writeByte(4).writeShort(0x0304).writeShort(0x0303);
        }
        if (sigalgs.length > 0) {
            ext.writeShort(13).writeShort(2 + sigalgs.length * 2).writeShort(sigalgs.length * 2);
            for (int s : sigalgs) {
                ext.writeShort(s);
            }
        }
        b.writeShort(ext.readableBytes()).writeBytes(ext);
        return b;
    }
}
