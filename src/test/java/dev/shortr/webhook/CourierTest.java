package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.store.memory.MemoryWebhookStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery refused at the last moment, because its host name now resolves to loopback (DNS rebinding), is a
 * failed attempt like any other: recorded with its reason, retried after a backoff, given up after the last one.
 */
class CourierTest {
    private final MemoryWebhookStore store = new MemoryWebhookStore();
    private final Semaphore attempts = new Semaphore(0);
    private ServerSocket listener;
    private Courier courier;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        if (courier != null) {
            courier.close();
        }
        listener.close();
    }

    private Courier courier(int maxAttempts) {
        Sender.Resolver rebound = host -> {
            if (!host.equals("hooks.example")) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getLoopbackAddress()); // public when the endpoint was saved, loopback now
        };
        Sender sender = new Sender(Duration.ofSeconds(2), false, rebound, (SSLSocketFactory) SSLSocketFactory.getDefault());
        courier = new Courier(store, sender, new Backoff(Duration.ofMillis(1), new Random(7)), Clock.systemUTC(), maxAttempts, 2,
                Duration.ofSeconds(2), attempts::release);
        return courier;
    }

    private Endpoint endpoint() {
        Instant now = Instant.now();
        Endpoint e = new Endpoint("wh_rebind", "http://hooks.example:" + listener.getLocalPort() + "/in", List.of("*"), true, null,
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null, null, now, now);
        store.insert(e);
        return e;
    }

    /** Dispatches until one more attempt has finished. */
    private void attemptOnce() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!attempts.tryAcquire(20, TimeUnit.MILLISECONDS)) {
            assertThat(System.nanoTime()).as("an attempt within 10 s").isLessThan(deadline);
            courier.dispatch(Instant.now());
        }
    }

    @Test
    void aRefusedAttemptIsRecordedWithItsReasonAndRetried() throws Exception {
        Courier c = courier(3);
        Endpoint e = endpoint();
        Event event = Payloads.test("evt_rebind", Instant.now(), e.id());
        store.enqueue(List.of(new Fanout(event, List.of(e.id()))), Instant.now());

        attemptOnce();

        Delivery d = store.deliveries(e.id(), 0, 10).items().getFirst();
        assertThat(d.eventId()).isEqualTo("evt_rebind");
        assertThat(d.state()).isEqualTo(Delivery.State.PENDING);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.lastStatus()).isNull();
        assertThat(d.lastError()).isEqualTo("not sent: hooks.example resolves to 127.0.0.1, a loopback address; "
                + "set webhooks.allowPrivate: true to send webhooks to loopback, private and link-local addresses");
        assertThat(d.nextAttemptAt()).isNotNull();
        assertThat(c.failedAttempts()).isEqualTo(1);

        attemptOnce();
        attemptOnce();

        d = store.deliveries(e.id(), 0, 10).items().getFirst();
        assertThat(d.state()).isEqualTo(Delivery.State.FAILED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.lastError()).startsWith("not sent: hooks.example resolves to 127.0.0.1");
        assertThat(c.gaveUp()).isEqualTo(1);
        assertThat(c.delivered()).isZero();
        listener.setSoTimeout(300);
        assertThatThrownBy(listener::accept).as("no attempt connected").isInstanceOf(SocketTimeoutException.class);
    }
}
