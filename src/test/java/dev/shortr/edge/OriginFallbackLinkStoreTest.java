package dev.shortr.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.shortr.link.ShortCode;
import dev.shortr.store.memory.MemoryLinkStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A miss in the replica asks a (stand-in) origin for the code, with the key; 404 and an unreachable origin are "unknown". */
class OriginFallbackLinkStoreTest {
    private HttpServer origin;
    private final AtomicInteger asked = new AtomicInteger();
    private volatile String lastAuthorization;

    @BeforeEach
    void start() throws IOException {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/api/v1/changes/links/", ex -> {
            asked.incrementAndGet();
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            String code = ex.getRequestURI().getPath().substring("/api/v1/changes/links/".length());
            byte[] body = code.equals("fresh")
                    ? ("{\"id\":42,\"code\":\"fresh\",\"seq\":7,\"url\":\"https://example.com/fresh\",\"redirect\":301,\"cacheSeconds\":null,"
                            + "\"forwardQuery\":false,\"expiresAt\":null,\"maxClicks\":null,\"disabled\":false,\"track\":true,\"title\":null,"
                            + "\"createdAt\":\"2026-11-25T00:00:00Z\",\"updatedAt\":\"2026-11-25T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8)
                    : "{\"title\":\"Not found\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code.equals("fresh") ? 200 : 404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.start();
    }

    @AfterEach
    void stop() {
        origin.stop(0);
    }

    @Test
    void aMissIsAskedOfTheOriginAndAnUnknownCodeIsEmpty() {
        OriginFallbackLinkStore store = new OriginFallbackLinkStore(new MemoryLinkStore(),
                URI.create("http://127.0.0.1:" + origin.getAddress().getPort()), "sk_edge", Duration.ofSeconds(2));
        var fresh = store.find(ShortCode.parse("fresh"));
        assertThat(fresh).isPresent();
        assertThat(fresh.get().target().value()).isEqualTo("https://example.com/fresh");
        assertThat(fresh.get().redirect().status()).isEqualTo(301);
        assertThat(lastAuthorization).isEqualTo("Bearer sk_edge");
        assertThat(store.find(ShortCode.parse("unknown"))).isEmpty();
        assertThat(store.asked()).isEqualTo(2);
        assertThat(store.found()).isEqualTo(1);
    }

    @Test
    void anUnreachableOriginMeansUnknownForNow() {
        int port = origin.getAddress().getPort();
        origin.stop(0);
        OriginFallbackLinkStore store = new OriginFallbackLinkStore(new MemoryLinkStore(), URI.create("http://127.0.0.1:" + port),
                "sk_edge", Duration.ofMillis(500));
        assertThat(store.find(ShortCode.parse("fresh"))).isEmpty();
    }
}
