package dev.shortr.it;

import static dev.shortr.it.RawH2.CONTINUATION;
import static dev.shortr.it.RawH2.END_HEADERS;
import static dev.shortr.it.RawH2.END_STREAM;
import static dev.shortr.it.RawH2.GOAWAY;
import static dev.shortr.it.RawH2.HEADERS;
import static dev.shortr.it.RawH2.RST_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/2's known attacks, each sent frame by frame ({@link RawH2}) at a real node with the default
 * {@code http2.*} limits. Each must end the attacker's stream or connection quickly, with memory bounded, and
 * leave the node serving a normal client (curl over h2c) right after.
 */
class Http2DefencesIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @BeforeAll
    static void links() {
        node.createLink("def302", "https://example.com/defended", null);
    }

    /** CVE-2023-44487: streams opened and reset at once, in a loop, make a server start work it never finishes. */
    @Test
    void rapidResetIsToldToCalmDownAndClosed() throws IOException {
        try (RawH2 attacker = new RawH2(node.port())) {
            int sent = 0;
            try {
                for (int stream = 1; sent < 5_000; stream += 2, sent++) {
                    attacker.frame(HEADERS, END_HEADERS | END_STREAM, stream, RawH2.get("/def302").toBytes());
                    attacker.frame(RST_STREAM, 0, stream, RawH2.rstStream(RawH2.CANCEL));
                }
            } catch (IOException e) {
                // the server closed the connection while we were still resetting: that is the defence
            }
            RawH2.Frame goAway = attacker.awaitGoAwayAndClose(5);
            assertThat(goAway.errorCode()).as("GOAWAY error code after %d resets", sent).isEqualTo(RawH2.ENHANCE_YOUR_CALM);
        }
        assertNormalClientServed();
    }

    /**
     * An HPACK bomb: one 4,000-byte header put in the dynamic table, then referenced with one byte each, so a
     * 16 KiB HEADERS frame decodes to about 48 MB. The decoder must stop counting past the header list limit
     * (16 KiB) instead of building the list.
     */
    @Test
    void anHpackBombIsRefusedWithoutDecodingIt() throws IOException {
        RawH2.Hpack block = RawH2.get("/def302").indexedLiteral("x-bomb", "b".repeat(4_000));
        int references = 0;
        while (block.size() < 16_000) {
            block.indexed(62);
            references++;
        }
        long decoded = (long) references * (4_000 + "x-bomb".length() + 32);
        Runtime rt = Runtime.getRuntime();
        long usedBefore = rt.totalMemory() - rt.freeMemory();
        try (RawH2 attacker = new RawH2(node.port())) {
            attacker.frame(HEADERS, END_HEADERS | END_STREAM, 1, block.toBytes());
            RawH2.Frame answer = firstAnswer(attacker, 1);
            // the stream is refused with 431 (RFC 6585); HPACK sends a status outside its static table as ASCII
            assertThat(answer.type()).as("the answer to a header block of %d MB decoded", decoded >> 20).isEqualTo(HEADERS);
            assertThat(new String(answer.payload(), StandardCharsets.ISO_8859_1)).as("the answer's header block").contains("431");
            assertThat(answer.flags() & END_STREAM).as("the 431 ends the stream").isEqualTo(END_STREAM);

            // the connection itself is sound (its HPACK state included), so it goes on serving
            attacker.frame(HEADERS, END_HEADERS | END_STREAM, 3, RawH2.get("/def302").toBytes());
            RawH2.Frame next = firstAnswer(attacker, 3);
            assertThat(new String(next.payload(), StandardCharsets.ISO_8859_1)).as("the next stream's answer").contains("302");
        }
        long grown = (rt.totalMemory() - rt.freeMemory()) - usedBefore;
        assertThat(grown).as("heap growth while refusing a %d MB header list", decoded >> 20).isLessThan(decoded / 2);
        assertNormalClientServed();
    }

    /**
     * CONTINUATION flood: a HEADERS frame without END_HEADERS, then CONTINUATION frames that never end it. Small
     * frames are counted, big ones are bounded by the header list size; either way the connection goes long
     * before the attacker runs out of frames.
     */
    @Test
    void aContinuationFloodOfTinyFramesIsClosedQuickly() throws Exception {
        // empty frames: no byte bound ever applies, only their count
        assertContinuationFloodClosed(0, 4_000_000, RawH2.ENHANCE_YOUR_CALM);
    }

    @Test
    void aContinuationFloodOfBigFramesIsClosedWithMemoryBounded() throws Exception {
        // 64 MiB offered; the header block being built is bounded by 1.25 x http2.maxHeaderListSize
        assertContinuationFloodClosed(16_384, 4_096, RawH2.PROTOCOL_ERROR);
    }

    private static void assertContinuationFloodClosed(int frameSize, int frames, int errorCode) throws Exception {
        byte[] fragment = new byte[frameSize];
        java.util.Arrays.fill(fragment, (byte) 0xbe); // indexed field 62: a reference the decoder never reaches
        byte[] frame = RawH2.frameBytes(CONTINUATION, 0, 1, fragment);
        long offered = (long) frames * frame.length;
        try (RawH2 attacker = new RawH2(node.port())) {
            attacker.frame(HEADERS, END_STREAM, 1, RawH2.get("/def302").toBytes());
            CompletableFuture<Long> flood = CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        attacker.write(frame);
                    }
                } catch (IOException e) {
                    // closed by the server: the defence
                }
                return attacker.written();
            });
            RawH2.Frame goAway = attacker.awaitGoAwayAndClose(5);
            assertThat(goAway.errorCode()).as("GOAWAY error code").isEqualTo(errorCode);
            long written = flood.get(10, TimeUnit.SECONDS);
            // what the kernel's socket buffers took before the server closed is all the flood got in
            assertThat(written).as("bytes the server accepted of %d offered in %d-byte frames", offered, frameSize)
                    .isLessThan(Math.min(offered, 32L << 20));
        }
        assertNormalClientServed();
    }

    /** Reads until the first frame about {@code stream} or the connection (GOAWAY); SETTINGS and the like are skipped. */
    private static RawH2.Frame firstAnswer(RawH2 c, int stream) throws IOException {
        List<String> seen = new ArrayList<>();
        for (RawH2.Frame f = c.read(); f != null; f = c.read()) {
            if (f.type() == GOAWAY || f.stream() == stream) {
                return f;
            }
            seen.add("type " + f.type());
        }
        throw new AssertionError("the connection closed with no answer; frames seen: " + seen);
    }

    private static void assertNormalClientServed() {
        Curl.Result r = Curl.run("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                node.baseUrl() + "/def302");
        assertThat(r.out()).as("a normal client after the attack: %s", r.err()).isEqualTo("2 302");
    }
}
