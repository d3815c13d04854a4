package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a delivery connects: names are resolved once, through a fake resolver here, and while private addresses
 * are not allowed no connection is made to a host any of whose addresses is special. A listening socket on
 * loopback shows whether a connection came: a connection made before {@code send} returns waits in its backlog.
 */
class SenderTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ALLOW = "; set webhooks.allowPrivate: true to send webhooks to loopback, private and link-local addresses";
    private static final Event EVENT = Payloads.test("evt_sender_test", NOW, "wh_sender");

    private ServerSocket listener;
    private final AtomicInteger lookups = new AtomicInteger();
    private Sender sender;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        if (sender != null) {
            sender.close();
        }
        listener.close();
    }

    private int port() {
        return listener.getLocalPort();
    }

    /** A resolver that knows the given names, and counts how often it is asked. */
    private Sender.Resolver dns(Map<String, List<InetAddress>> names) {
        return host -> {
            lookups.incrementAndGet();
            List<InetAddress> found = names.get(host);
            if (found == null) {
                throw new UnknownHostException(host);
            }
            return found;
        };
    }

    private Sender sender(boolean allowPrivate, Sender.Resolver resolver) {
        sender = new Sender(Duration.ofSeconds(5), allowPrivate, resolver, (SSLSocketFactory) SSLSocketFactory.getDefault());
        return sender;
    }

    private static Endpoint endpoint(String url) {
        return new Endpoint("wh_sender", url, List.of("*"), true, null, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null, null, NOW, NOW);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private void assertNoConnectionCame() throws IOException {
        listener.setSoTimeout(300);
        assertThatThrownBy(listener::accept).as("a connection to the listener").isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aNameThatResolvesToLoopbackIsNeverConnectedTo() throws Exception {
        Sender s = sender(false, dns(Map.of("hooks.example", List.of(ip("127.0.0.1")))));

        Sender.Response r = s.send(EVENT, endpoint("http://hooks.example:" + port() + "/in"), NOW);

        assertThat(r.ok()).isFalse();
        assertThat(r.status()).isNull();
        assertThat(r.error()).isEqualTo("not sent: hooks.example resolves to 127.0.0.1, a loopback address" + ALLOW);
        assertNoConnectionCame();
    }

    @Test
    void allowedTheSameNameIsConnectedToAtTheAddressResolvedOnceKeepingItsHost() throws Exception {
        Sender s = sender(true, dns(Map.of("hooks.example", List.of(ip("127.0.0.1")))));
        CompletableFuture<List<String>> head = CompletableFuture.supplyAsync(this::answerOne);

        Sender.Response r = s.send(EVENT, endpoint("http://hooks.example:" + port() + "/in?x=1"), NOW);

        assertThat(r).isEqualTo(new Sender.Response(204, null));
        assertThat(head.get(5, TimeUnit.SECONDS)).startsWith("POST /in?x=1 HTTP/1.1")
                .contains("host: hooks.example:" + port(), "webhook-id: evt_sender_test", "user-agent: shortr-webhooks/1");
        assertThat(lookups).as("one lookup: the connection goes to the address that was looked up").hasValue(1);
    }

    @Test
    void everyAddressOfANameIsCheckedNotOnlyTheFirst() throws Exception {
        // a public address first: a client that checked only the first, or connected to the next, would be fooled
        Sender s = sender(false, dns(Map.of("rebind.example", List.of(ip("203.0.113.7"), ip("10.0.0.5")))));

        Sender.Response r = s.send(EVENT, endpoint("https://rebind.example/in"), NOW);

        assertThat(r.status()).isNull();
        assertThat(r.error()).isEqualTo("not sent: rebind.example resolves to 10.0.0.5, a private address" + ALLOW);
    }

    @Test
    void anIpv4MappedAnswerIsCheckedAsTheIpv4AddressItCarries() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254};
        Sender s = sender(false, dns(Map.of("metadata.example", List.of(Inet6Address.getByAddress(null, mapped, -1)))));

        Sender.Response r = s.send(EVENT, endpoint("http://metadata.example/latest"), NOW);

        assertThat(r.error()).startsWith("not sent: metadata.example resolves to ").contains("a link-local address");
    }

    @Test
    void aLiteralPrivateAddressSavedEarlierIsNotConnectedTo() throws Exception {
        Sender s = sender(false, Sender.Resolver.SYSTEM);

        Sender.Response r = s.send(EVENT, endpoint("http://127.0.0.1:" + port() + "/in"), NOW);

        assertThat(r.error()).isEqualTo("not sent: 127.0.0.1 is a loopback address" + ALLOW);
        assertNoConnectionCame();
    }

    @Test
    void aPublicNameIsConnectedToWhenItsAddressesArePublic() throws Exception {
        // 192.0.2.1 (TEST-NET-1) is public to the check but routes nowhere: the attempt gets past the check and
        // fails while connecting (how depends on the machine's network), which is all this shows
        Sender s = new Sender(Duration.ofMillis(300), false, dns(Map.of("hooks.example", List.of(ip("192.0.2.1")))),
                (SSLSocketFactory) SSLSocketFactory.getDefault());
        sender = s;

        Sender.Response r = s.send(EVENT, endpoint("http://hooks.example/in"), NOW);

        assertThat(r.error()).isNotNull().doesNotStartWith("not sent");
    }

    @Test
    void anUnknownNameIsAFailedAttempt() {
        Sender.Response r = sender(false, dns(Map.of())).send(EVENT, endpoint("https://nowhere.example/in"), NOW);
        assertThat(r).isEqualTo(new Sender.Response(null, "unknown host"));
    }

    /** Accepts one connection, reads the request head and its body, answers 204 and returns the head's lines. */
    private List<String> answerOne() {
        try (Socket c = listener.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> lines = new ArrayList<>();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
                if (line.startsWith("content-length: ")) {
                    length = Integer.parseInt(line.substring(16));
                }
            }
            in.skip(length); // ASCII JSON: a char per byte
            OutputStream out = c.getOutputStream();
            out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
