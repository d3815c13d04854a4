package dev.shortr.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5555);
    private final RequestHead head = new RequestHead();

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private int parse(String s) {
        return head.parse(bytes(s), PEER);
    }

    @Test
    void parsesAPlainGetAndReportsWhereTheHeadEnds() {
        String req = "GET /abc123?x=1&y=2 HTTP/1.1\r\nHost: sho.rt\r\nUser-Agent: curl/8\r\nAccept:  text/html \r\n\r\n";
        int end = parse(req + "GET /next HTTP/1.1\r\n");

        assertThat(end).isEqualTo(req.length());
        assertThat(head.isHead()).isFalse();
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.http10()).isFalse();
        assertThat(head.keepAlive()).isTrue();
        assertThat(head.path()).isEqualTo("/abc123");
        assertThat(head.rawQuery()).isEqualTo("x=1&y=2");
        assertThat(head.uri()).isEqualTo("/abc123?x=1&y=2");
        assertThat(head.header("host")).isEqualTo("sho.rt");
        assertThat(head.header("user-agent")).isEqualTo("curl/8");
        assertThat(head.header("accept")).as("optional whitespace trimmed").isEqualTo("text/html");
        assertThat(head.header("referer")).isNull();
        assertThat(head.remote()).isEqualTo(PEER);
    }

    @Test
    void thePathViewReadsTheBytesAndCutsStrings() {
        assertThat(parse("GET /ab-c_1?q HTTP/1.1\r\n\r\n")).isPositive();
        CharSequence p = head.pathChars();
        assertThat(p.length()).isEqualTo(7);
        assertThat(p.charAt(0)).isEqualTo('/');
        assertThat(p.charAt(6)).isEqualTo('1');
        assertThat(p.subSequence(1, 7)).isInstanceOf(String.class).hasToString("ab-c_1");
        assertThat(p.toString()).isEqualTo("/ab-c_1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.charAt(7)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void headerNamesMatchWhateverTheirCase() {
        assertThat(parse("HEAD /a HTTP/1.1\r\nACCEPT: application/json\r\n\r\n")).isPositive();
        assertThat(head.isHead()).isTrue();
        assertThat(head.header("accept")).isEqualTo("application/json");
        assertThat(head.rawQuery()).isNull();
    }

    @Test
    void keepAliveFollowsTheVersionAndTheConnectionHeader() {
        assertThat(parse("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n")).isPositive();
        assertThat(head.keepAlive()).isFalse();
        assertThat(parse("GET /a HTTP/1.1\r\nconnection: Close\r\n\r\n")).isPositive();
        assertThat(head.keepAlive()).isFalse();
        assertThat(parse("GET /a HTTP/1.0\r\n\r\n")).isPositive();
        assertThat(head.http10()).isTrue();
        assertThat(head.keepAlive()).isFalse();
        assertThat(parse("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).isPositive();
        assertThat(head.keepAlive()).isTrue();
    }

    @Test
    void aHeadCutShortIsIncomplete() {
        String req = "GET /abc123 HTTP/1.1\r\nHost: sho.rt\r\n\r\n";
        for (int n = 0; n < req.length(); n++) {
            assertThat(parse(req.substring(0, n))).as("the first %d bytes", n).isEqualTo(RequestHead.INCOMPLETE);
        }
        assertThat(parse(req)).isEqualTo(req.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "POST /a HTTP/1.1\r\n\r\n",
            "PUT /a HTTP/1.1\r\n\r\n",
            "get /a HTTP/1.1\r\n\r\n",
            "\r\nGET /a HTTP/1.1\r\n\r\n",
            "GET http://sho.rt/a HTTP/1.1\r\n\r\n",
            "GET * HTTP/1.1\r\n\r\n",
            "GET  /a HTTP/1.1\r\n\r\n",
            "GET /a HTTP/2.0\r\n\r\n",
            "GET /a HTTP/1.1\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET /a HTTP/1.1\r\n: x\r\n\r\n",
            "GET /a HTTP/1.1\r\nX-A: b\u0001c\r\n\r\n",
            "GET /a HTTP/1.1\r\nX-A: b\u007fc\r\n\r\n",
            "GET /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            "GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /a HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n",
            "GET /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            "GET /a HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n",
            "GET /caf\u00e9 HTTP/1.1\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    })
    void leavesEverythingUnusualToTheFullDecoder(String request) {
        assertThat(parse(request)).isEqualTo(RequestHead.NOT_MINE);
    }

    @Test
    void acceptsAZeroContentLengthAndObsTextInValues() {
        assertThat(parse("GET /a HTTP/1.1\r\nContent-Length: 0\r\nX-Name: caf\u00e9\r\n\r\n")).isPositive();
        assertThat(head.header("x-name")).isEqualTo("caf\u00e9");
    }

    @Test
    void aHeadLongerThanTheLimitIsNotMineEvenBeforeItEnds() {
        String big = "GET /a HTTP/1.1\r\nX-Big: " + "a".repeat(RequestHead.MAX_HEAD_BYTES) ;
        assertThat(parse(big)).isEqualTo(RequestHead.NOT_MINE);
        assertThat(parse(big + "\r\n\r\n")).isEqualTo(RequestHead.NOT_MINE);
    }

    @Test
    void tooManyHeadersAreNotMine() {
        StringBuilder b = new StringBuilder("GET /a HTTP/1.1\r\n");
        for (int i = 0; i < 65; i++) {
            b.append("X-").append(i).append(": v\r\n");
        }
        assertThat(parse(b.append("\r\n").toString())).isEqualTo(RequestHead.NOT_MINE);
    }

    @Test
    void parsesFromTheReaderIndex() {
        ByteBuf buf = bytes("xxxxGET /b HTTP/1.1\r\n\r\n");
        buf.readerIndex(4);
        assertThat(head.parse(buf, PEER)).isEqualTo(buf.writerIndex());
        assertThat(head.path()).isEqualTo("/b");
    }

    /** Every prefix of a valid head is incomplete, never a wrong answer; garbage never parses as a request. */
    @Property(tries = 300)
    void prefixesAreIncompleteAndGarbageIsNeverAccepted(@ForAll @IntRange(min = 0, max = 255) int junk,
                                                         @ForAll @IntRange(min = 1, max = 40) int at) {
        String req = "GET /abc HTTP/1.1\r\nHost: sho.rt\r\nUser-Agent: x\r\n\r\n";
        int cut = Math.min(at, req.length() - 1);
        assertThat(parse(req.substring(0, cut))).isEqualTo(RequestHead.INCOMPLETE);
        char c = (char) junk;
        String mangled = req.substring(0, cut) + c + req.substring(cut + 1);
        int r = parse(mangled);
        if (r > 0) {
            // a byte swap that still yields a valid head must still be read as the same shape of request
            assertThat(r).isEqualTo(mangled.length());
            assertThat(head.path()).startsWith("/");
        }
    }
}
