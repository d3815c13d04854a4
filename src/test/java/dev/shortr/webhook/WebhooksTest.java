package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shortr.config.WebhooksConfig;
import dev.shortr.link.InvalidInputException;
import dev.shortr.store.memory.MemoryLinkStore;
import dev.shortr.store.memory.MemoryWebhookStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatcher over the in-memory stores, sending to a receiver on a loopback port. */
class WebhooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the receiver saw. */
    record Seen(String path, String id, long timestamp, String signature, JsonNode body) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final MemoryWebhookStore store = new MemoryWebhookStore();
    private HttpServer receiver;
    private Webhooks webhooks;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", this::receive);
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (webhooks != null) {
            webhooks.close();
        }
        receiver.stop(0);
    }

    /** {@code /ok} answers 204, {@code /fail} 500 with a body, {@code /slow} answers after 2 s. */
    private void receive(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().getPath();
        seen.add(new Seen(path, x.getRequestHeaders().getFirst("webhook-id"),
                Long.parseLong(x.getRequestHeaders().getFirst("webhook-timestamp")),
                x.getRequestHeaders().getFirst("webhook-signature"), JSON.readTree(body)));
        switch (path) {
            case "/fail" -> {
                byte[] answer = "nope\n".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(500, answer.length);
                x.getResponseBody().write(answer);
            }
            case "/slow" -> {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                x.sendResponseHeaders(204, -1);
            }
            default -> x.sendResponseHeaders(204, -1);
        }
        x.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    /** Started with private addresses allowed: the receiver is on loopback. */
    private Webhooks start(Duration window, int maxAttempts, Duration timeout) {
        return start(window, maxAttempts, timeout, true);
    }

    private Webhooks start(Duration window, int maxAttempts, Duration timeout, boolean allowPrivate) {
        webhooks = new Webhooks(store, new MemoryLinkStore(), new WebhooksConfig(true, window, maxAttempts, Duration.ofMillis(10),
                timeout, 2, Duration.ofDays(1), allowPrivate), Clock.systemUTC()).start();
        return webhooks;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private List<Seen> seenOf(String type) {
        return seen.stream().filter(s -> s.body().get("type").asText().equals(type)).toList();
    }

    @Test
    void clicksAreSentAsOneEventPerSubscribedEndpointPerWindow() throws InterruptedException {
        start(Duration.ofMillis(150), 3, Duration.ofSeconds(2));
        webhooks.create(url("/clicks"), List.of("link.clicked"), null, true);
        webhooks.create(url("/all"), List.of("*"), null, true);
        webhooks.create(url("/created"), List.of("link.created"), null, true);
        Instant before = Instant.now();

        webhooks.clicked(1, "abc123", 3);
        webhooks.clicked(2, "def456", 1);
        webhooks.clicked(1, "abc123", 2);
        await("two link.clicked deliveries", () -> seenOf("link.clicked").size() >= 2);
        Thread.sleep(300); // a second window would have closed by now

        List<Seen> clicked = seenOf("link.clicked");
        assertThat(clicked).extracting(Seen::path).containsExactlyInAnyOrder("/clicks", "/all");
        assertThat(clicked).extracting(Seen::id).as("one event, fanned out").containsOnly(clicked.getFirst().id());
        JsonNode data = clicked.getFirst().body().get("data");
        assertThat(data.get("links")).isEqualTo(JSON.createArrayNode()
                .add(JSON.createObjectNode().put("code", "abc123").put("clicks", 5))
                .add(JSON.createObjectNode().put("code", "def456").put("clicks", 1)));
        Instant from = Instant.parse(data.at("/window/from").asText());
        Instant to = Instant.parse(data.at("/window/to").asText());
        assertThat(from).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(Duration.between(from, to)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(seen).extracting(Seen::path).doesNotContain("/created");
    }

    @Test
    void clicksNobodySubscribesToAreNotKept() throws InterruptedException {
        start(Duration.ofMillis(50), 3, Duration.ofSeconds(2));
        webhooks.create(url("/created"), List.of("link.created"), null, true);

        webhooks.clicked(1, "abc123", 3);
        Thread.sleep(300);

        assertThat(store.pending()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void aReceiverThatAlwaysFailsIsGivenUpOnAfterMaxAttemptsWithOneIdThroughout() throws InterruptedException {
        start(Duration.ofSeconds(10), 3, Duration.ofSeconds(2));
        Endpoint e = webhooks.create(url("/fail"), List.of("*"), null, true);

        String id = webhooks.sendTest(e);
        await("the delivery to be given up", () -> webhooks.gaveUp() == 1);

        assertThat(seen).hasSize(3).extracting(Seen::id).containsOnly(id);
        assertThat(seen).extracting(s -> s.body().get("type").asText()).containsOnly("webhook.test");
        assertThat(seen.getFirst().body().at("/data/endpoint").asText()).isEqualTo(e.id());
        Delivery d = webhooks.deliveries(e.id(), 0, 10).items().getFirst();
        assertThat(d.eventId()).isEqualTo(id);
        assertThat(d.state()).isEqualTo(Delivery.State.FAILED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.lastStatus()).isEqualTo(500);
        assertThat(d.lastError()).isEqualTo("HTTP 500: nope");
        assertThat(webhooks.failedAttempts()).isEqualTo(3);
        assertThat(webhooks.delivered()).isZero();
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsAFailedAttempt() throws InterruptedException {
        start(Duration.ofSeconds(10), 1, Duration.ofMillis(300));
        Endpoint e = webhooks.create(url("/slow"), List.of("*"), null, true);

        long started = System.nanoTime();
        webhooks.sendTest(e);
        await("the delivery to fail", () -> webhooks.gaveUp() == 1);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1800));
        Delivery d = webhooks.deliveries(e.id(), 0, 10).items().getFirst();
        assertThat(d.lastStatus()).isNull();
        assertThat(d.lastError()).isEqualTo("no answer within 300 ms");
    }

    @Test
    void aRefusedConnectionIsAFailedAttempt() throws InterruptedException, IOException {
        start(Duration.ofSeconds(10), 1, Duration.ofSeconds(2));
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Endpoint e = webhooks.create("http://127.0.0.1:" + closedPort + "/in", List.of("*"), null, true);

        webhooks.sendTest(e);
        await("the delivery to fail", () -> webhooks.gaveUp() == 1);

        assertThat(webhooks.deliveries(e.id(), 0, 10).items().getFirst().lastError()).isEqualTo("connection refused");
    }

    @Test
    void privateUrlsAreRefusedWhenSavedUnlessAllowed() {
        start(Duration.ofSeconds(10), 3, Duration.ofSeconds(2), false);
        assertThatThrownBy(() -> webhooks.create(url("/in"), List.of("*"), null, true)).isInstanceOf(InvalidInputException.class)
                .hasMessage("url host 127.0.0.1 is a loopback address; set webhooks.allowPrivate: true to send webhooks to loopback, "
                        + "private and link-local addresses");
        Endpoint e = webhooks.create("https://hooks.example/in", List.of("*"), null, true);

        assertThatThrownBy(() -> webhooks.update(e.id(), "http://169.254.169.254/latest", null, null, false, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("link-local").hasMessageContaining("webhooks.allowPrivate");
        assertThat(webhooks.find(e.id()).orElseThrow().url()).as("unchanged").isEqualTo("https://hooks.example/in");
        assertThat(webhooks.list()).hasSize(1);
    }

    @Test
    void anEndpointSavedWhilePrivateAddressesWereAllowedIsManagedButNotSentTo() throws InterruptedException {
        Instant t = Instant.now();
        store.insert(new Endpoint("wh_before", url("/ok"), List.of("*"), true, null, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null,
                null, t, t));
        start(Duration.ofSeconds(10), 2, Duration.ofSeconds(2), false);

        Endpoint e = webhooks.update("wh_before", null, null, "kept", false, null).orElseThrow();
        assertThat(e.description()).as("fields other than the url can still change").isEqualTo("kept");
        webhooks.sendTest(e);
        await("the delivery to be given up", () -> webhooks.gaveUp() == 1);

        assertThat(seen).as("requests the receiver got").isEmpty();
        Delivery d = webhooks.deliveries(e.id(), 0, 10).items().getFirst();
        assertThat(d.state()).isEqualTo(Delivery.State.FAILED);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.lastStatus()).isNull();
        assertThat(d.lastError()).isEqualTo("not sent: 127.0.0.1 is a loopback address; set webhooks.allowPrivate: true to send "
                + "webhooks to loopback, private and link-local addresses");
    }

    @Test
    void stoppingEnqueuesTheOpenClickWindow() {
        start(Duration.ofHours(1), 3, Duration.ofSeconds(2));
        Endpoint e = webhooks.create(url("/clicks"), List.of("link.clicked"), null, true);
        webhooks.clicked(1, "abc123", 9);

        webhooks.close();

        List<Delivery> log = webhooks.deliveries(e.id(), 0, 10).items();
        assertThat(log).extracting(Delivery::type).containsExactly(EventType.LINK_CLICKED);
        assertThat(log.getFirst().state()).isEqualTo(Delivery.State.PENDING);
        assertThat(seen).as("sent after the next start, not now").isEmpty();
    }

    @Test
    void turnedOffNothingIsEnqueued() throws InterruptedException {
        webhooks = new Webhooks(store, new MemoryLinkStore(), new WebhooksConfig(false, Duration.ofMillis(10), 3,
                Duration.ofMillis(10), Duration.ofSeconds(1), 2, Duration.ofDays(1), true), Clock.systemUTC()).start();
        webhooks.create(url("/all"), List.of("*"), null, true);

        webhooks.clicked(1, "abc123", 3);
        Thread.sleep(100);

        assertThat(store.pending()).isZero();
        assertThat(store.feedCursor()).as("the feed is not followed").isEmpty();
    }
}
