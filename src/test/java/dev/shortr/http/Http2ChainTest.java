package dev.shortr.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How HTTP/2 takes over a cleartext connection, and how its header lists reach HTTP/1.1-shaped handlers. */
class Http2ChainTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Records what reaches the HTTP/1.1 chain's first handler. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        final StringBuilder read = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            read.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
    }

    private static EmbeddedChannel cleartext(Sink sink) {
        HttpServer server = new HttpServer(new HttpServer.Settings("127.0.0.1", 0, 1, 1 << 20, Duration.ofSeconds(60)), null, null, null);
        Http2Chain chain = new Http2Chain(server, null, null, 1 << 20, new Http2Limits(100, 16_384, 65_535, 1 << 20, 200, 30));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(Http2Chain.PREFACE, chain.preface())
                .addLast("fast", sink)
                .addLast(HttpServer.DECODER, new ChannelInboundHandlerAdapter())
                .addLast("encoder", new ChannelInboundHandlerAdapter())
                .addLast(Http2Chain.UPGRADE, new ChannelInboundHandlerAdapter())
                .addLast(HttpServer.HANDLER, new ChannelInboundHandlerAdapter());
        return ch;
    }

    @Test
    void aPrefaceArrivingByteByByteSwitchesTheConnectionToHttp2() {
        Sink sink = new Sink();
        EmbeddedChannel ch = cleartext(sink);
        for (byte b : PREFACE) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(ch.pipeline().get(Http2Chain.HANDLER)).isInstanceOf(Http2Handler.class);
        assertThat(ch.pipeline().names()).doesNotContain(Http2Chain.PREFACE, "fast", HttpServer.DECODER, "encoder",
                Http2Chain.UPGRADE, HttpServer.HANDLER);
        assertThat(sink.read).as("nothing of the preface reaches HTTP/1.1").isEmpty();
        ByteBuf settings = ch.readOutbound();
        assertThat(settings.getByte(3)).as("the server's preface: a SETTINGS frame").isEqualTo((byte) 0x4);
        settings.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void anHttp1RequestStartingLikeThePrefaceIsHandedOnWhole() {
        Sink sink = new Sink();
        EmbeddedChannel ch = cleartext(sink);
        ch.writeInbound(Unpooled.copiedBuffer("P", StandardCharsets.US_ASCII));
        assertThat(ch.pipeline().get(Http2Chain.PREFACE)).as("'P' may still be the preface").isNotNull();
        ch.writeInbound(Unpooled.copiedBuffer("OST /api HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.copiedBuffer("Host: x\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(ch.pipeline().names()).doesNotContain(Http2Chain.PREFACE, Http2Chain.HANDLER).contains("fast");
        assertThat(sink.read.toString()).isEqualTo("POST /api HTTP/1.1\r\nHost: x\r\n\r\n");
        ch.finishAndReleaseAll();
    }

    /**
     * The seam the TLS listener's ALPN handler uses for {@code h2}: {@link Http2Chain#configure} on a bare
     * pipeline, with headers every answer carries (HSTS). A fast-path redirect must come back with them.
     */
    @Test
    void configureServesHttp2OnABarePipelineWithTheConnectionsHeaders() throws Exception {
        FastPath redirect = new FastPath() {
            @Override
            public int tryServe(ChannelHandlerContext objects, ChannelHandlerContext wire, RequestHead head) {
                return 0;
            }

            @Override
            public int tryServe(DecodedHead head) {
                head.sendRedirect(io.netty.handler.codec.http.HttpResponseStatus.FOUND, "https://example.com" + head.pathChars(),
                        "private, max-age=0", null, null);
                return 302;
            }
        };
        HttpServer server = new HttpServer(new HttpServer.Settings("127.0.0.1", 0, 1, 1 << 20, Duration.ofSeconds(60)), null, redirect, null);
        Http2Chain chain = new Http2Chain(server, redirect, null, 1 << 20, new Http2Limits(100, 16_384, 65_535, 1 << 20, 200, 30));
        EmbeddedChannel ch = new EmbeddedChannel();
        chain.configure(ch.pipeline(), new DefaultHttp2Headers().add("strict-transport-security", "max-age=63072000"));

        ByteBuf client = Unpooled.buffer();
        client.writeBytes(PREFACE);
        io.netty.handler.codec.http2.DefaultHttp2FrameWriter writer = new io.netty.handler.codec.http2.DefaultHttp2FrameWriter();
        EmbeddedChannel out = new EmbeddedChannel(new ChannelInboundHandlerAdapter()); // a context to write frames with
        writer.writeSettings(out.pipeline().firstContext(), new io.netty.handler.codec.http2.Http2Settings(), out.newPromise());
        writer.writeHeaders(out.pipeline().firstContext(), 1, new DefaultHttp2Headers().method("GET").scheme("https")
                .path("/abc123").authority("sho.rt"), 0, true, out.newPromise());
        out.flushOutbound();
        for (ByteBuf b = out.readOutbound(); b != null; b = out.readOutbound()) {
            client.writeBytes(b);
            b.release();
        }
        ch.writeInbound(client);

        ByteBuf server2client = Unpooled.buffer();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            server2client.writeBytes(b);
            b.release();
        }
        Http2Headers[] answer = new Http2Headers[1];
        new io.netty.handler.codec.http2.DefaultHttp2FrameReader().readFrame(out.pipeline().firstContext(), server2client,
                new io.netty.handler.codec.http2.Http2FrameAdapter() {
                    @Override
                    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean end) {
                        answer[0] = headers;
                    }
                });
        server2client.release();
        assertThat(answer[0]).as("an answer on stream 1").isNotNull();
        assertThat(answer[0].status().toString()).isEqualTo("302");
        assertThat(answer[0].get("location").toString()).isEqualTo("https://example.com/abc123");
        assertThat(answer[0].get("strict-transport-security").toString()).isEqualTo("max-age=63072000");
        ch.finishAndReleaseAll();
        out.finishAndReleaseAll();
    }

    @Test
    void http2HeadersBecomeHttp1OnesWithHostAndOneCookie() {
        Http2Headers h2 = new DefaultHttp2Headers().method("GET").path("/api/v1/links?limit=5").scheme("http")
                .authority("sho.rt:8080").add("cookie", "a=1").add("cookie", "b=2").add("accept", "application/json");
        HttpHeaders h1 = Http2Handler.toHttp1(h2);
        assertThat(h1.get("host")).isEqualTo("sho.rt:8080");
        assertThat(h1.getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(h1.get("accept")).isEqualTo("application/json");
        assertThat(h1.names()).noneMatch(n -> n.startsWith(":"));
    }
}
