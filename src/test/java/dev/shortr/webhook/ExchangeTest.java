package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP/1.1 a delivery writes, and how answers are read, over byte streams. */
class ExchangeTest {

    private static Exchange.Answer read(String answer, int keep) throws IOException {
        return Exchange.read(new ByteArrayInputStream(answer.getBytes(StandardCharsets.ISO_8859_1)), keep);
    }

    private static String body(Exchange.Answer a) {
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theRequestIsAPostWithHostLengthAndCloseThenTheBody() {
        SequencedMap<String, String> fields = new LinkedHashMap<>();
        fields.put("content-type", "application/json");
        fields.put("webhook-id", "evt_chg_42");
        byte[] request = Exchange.request(URI.create("https://hooks.example:8443/in/shortr?token=a%20b"), fields,
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(request, StandardCharsets.US_ASCII)).isEqualTo("""
                POST /in/shortr?token=a%20b HTTP/1.1\r
                host: hooks.example:8443\r
                content-type: application/json\r
                webhook-id: evt_chg_42\r
                content-length: 7\r
                connection: close\r
                \r
                {"a":1}""");
    }

    @Test
    void anEmptyPathIsTheRootAndAnIpv6HostKeepsItsBrackets() {
        byte[] request = Exchange.request(URI.create("http://[2001:db8::1]"), new LinkedHashMap<>(), new byte[0]);
        assertThat(new String(request, StandardCharsets.US_ASCII)).startsWith("POST / HTTP/1.1\r\nhost: [2001:db8::1]\r\n");
    }

    @Test
    void aFieldThatWouldSplitTheHeadIsRefused() {
        SequencedMap<String, String> fields = new LinkedHashMap<>();
        fields.put("webhook-id", "evt_1\r\nx-injected: yes");
        assertThatThrownBy(() -> Exchange.request(URI.create("http://hooks.example/"), fields, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhook-id");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HTTP/1.1 204 No Content\\r\\n\\r\\n                                                  | 204 | ''",
            "HTTP/1.1 200 OK\\r\\ncontent-length: 5\\r\\n\\r\\nfine!                            | 200 | ''",
            "HTTP/1.0 202\\n\\n                                                                 | 202 | ''",
            "HTTP/1.1 500 Oops\\r\\ncontent-length: 5\\r\\n\\r\\nnope!trailing                  | 500 | nope!",
            "HTTP/1.1 100 Continue\\r\\n\\r\\nHTTP/1.1 503 Busy\\r\\nContent-Length: 4\\r\\n\\r\\nbusy | 503 | busy",
            "HTTP/1.1 103 Early Hints\\r\\nlink: </a>\\r\\n\\r\\nHTTP/1.1 201 Created\\r\\n\\r\\n   | 201 | ''",
            "HTTP/1.1 500 x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n4\\r\\nnope\\r\\n3;ext=1\\r\\n!!!\\r\\n0\\r\\n\\r\\n | 500 | nope!!!",
            "HTTP/1.1 404 x\\r\\n\\r\\nread until the connection ends                              | 404 | read until the connection ends",
            "HTTP/1.1 302 Found\\r\\nlocation: /elsewhere\\r\\ncontent-length: 0\\r\\n\\r\\n           | 302 | ''",
            "HTTP/1.1 500 x\\r\\ncontent-length: 40\\r\\n\\r\\ncut short                               | 500 | cut short",
    })
    void answersAreReadToTheirFinalStatusAndBody(String answer, int status, String body) throws IOException {
        Exchange.Answer a = read(answer.replace("\\r", "\r").replace("\\n", "\n"), 100);
        assertThat(a.status()).isEqualTo(status);
        assertThat(body(a)).isEqualTo(body);
    }

    @Test
    void onlyTheBytesAskedForAreKept() throws IOException {
        assertThat(body(read("HTTP/1.1 500 x\r\ncontent-length: 1000\r\n\r\n" + "a".repeat(1000), 201))).hasSize(201);
        assertThat(body(read("HTTP/1.1 500 x\r\ntransfer-encoding: chunked\r\n\r\n3e8\r\n" + "b".repeat(1000) + "\r\n0\r\n\r\n", 201)))
                .isEqualTo("b".repeat(201));
        assertThat(body(read("HTTP/1.1 500 x\r\n\r\n" + "c".repeat(1000), 201))).hasSize(201);
    }

    @Test
    void whatIsNotAnHttpAnswerSaysSo() {
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH_9.6\r\n", 100)).isInstanceOf(ProtocolException.class)
                .hasMessage("not an HTTP/1.1 answer: SSH-2.0-OpenSSH_9.6");
        assertThatThrownBy(() -> read("HTTP/2 200\r\n\r\n", 100)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> read("", 100)).isInstanceOf(EOFException.class)
                .hasMessage("the connection closed without an answer");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\ncontent-ty", 100)).isInstanceOf(EOFException.class)
                .hasMessage("the connection closed in the middle of the answer");
        assertThatThrownBy(() -> read("HTTP/1.1 500 x\r\ncontent-length: lots\r\n\r\n", 100)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> read("HTTP/1.1 500 x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", 100))
                .isInstanceOf(ProtocolException.class).hasMessage("bad chunk size: zz");
    }

    @Test
    void aHeadLongerThanTheBoundIsRefused() {
        String head = "HTTP/1.1 200 OK\r\n" + ("x-filler: " + "f".repeat(1000) + "\r\n").repeat(70) + "\r\n";
        assertThatThrownBy(() -> read(head, 100)).isInstanceOf(ProtocolException.class)
                .hasMessage("the answer's head is longer than 65536 bytes");
    }
}
