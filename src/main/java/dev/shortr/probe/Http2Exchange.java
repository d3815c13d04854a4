package dev.shortr.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/2 GET on the socket the probe connected and timed: Netty's HTTP/2 codec runs in an
 * {@link EmbeddedChannel}, and this class carries its bytes to and from the socket. So the request goes over the
 * very connection whose TCP and TLS times were measured, with no event loop in between.
 */
final class Http2Exchange {
    private static final int STREAM = 1; // a client's first stream (RFC 9113 §5.1.1)

    private Http2Exchange() {}

    /** Sends {@code method} (GET, or HEAD for a warm-up) and reads the answer's HEADERS. */
    static Measurement.Http exchange(Socket s, Target t, String method, String userAgent) throws IOException, LayerFailure {
        Answer answer = new Answer();
        Http2ConnectionHandler codec = new Http2ConnectionHandlerBuilder().server(false).frameListener(answer).build();
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        try {
            OutputStream out = s.getOutputStream();
            Http2Headers head = new DefaultHttp2Headers().method(method).scheme(t.https() ? "https" : "http").authority(t.authority())
                    .path(t.path()).add("user-agent", userAgent).add("accept", "*/*");
            ChannelHandlerContext ctx = ch.pipeline().context(codec);
            codec.encoder().writeHeaders(ctx, STREAM, head, 0, true, ch.newPromise());
            ch.flush();
            drain(ch, out); // the preface, SETTINGS and the request, in one write
            long sent = System.nanoTime();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16_384];
            String start = null; // the answer's first bytes, to name what came when it was not HTTP/2
            while (true) {
                int n = in.read(buf);
                long at = System.nanoTime();
                if (n < 0) {
                    throw new LayerFailure(Layer.HTTP, "the server closed the HTTP/2 connection without answering");
                }
                if (start == null) {
                    start = new String(buf, 0, Math.min(n, 80), StandardCharsets.ISO_8859_1);
                }
                ch.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
                if (answer.status != 0) {
                    return new Measurement.Http("HTTP/2", answer.status, List.copyOf(answer.headers), Duration.ofNanos(at - sent));
                }
                if (answer.error != null) {
                    throw new LayerFailure(Layer.HTTP, answer.error);
                }
                if (!ch.isActive()) {
                    throw new LayerFailure(Layer.HTTP, start.startsWith("HTTP/1.")
                            ? "the server answered in HTTP/1.x ('" + start.lines().findFirst().orElse("") + "'): no HTTP/2 here"
                            : "the server's answer is not HTTP/2");
                }
                drain(ch, out); // SETTINGS acknowledgements, WINDOW_UPDATEs
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Writes what the codec wrote, in one write: a server that closes after the preface would reset the rest. */
    private static void drain(EmbeddedChannel ch, OutputStream out) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            try {
                b.readBytes(all, b.readableBytes());
            } finally {
                b.release();
            }
        }
        if (all.size() > 0) {
            all.writeTo(out);
            out.flush();
        }
    }

    /** The first HEADERS on our stream, or why there will be none. */
    private static final class Answer extends Http2FrameAdapter {
        int status;
        final List<Measurement.Header> headers = new ArrayList<>();
        String error;

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers h, int padding, boolean endOfStream) {
            if (streamId != STREAM || status != 0) {
                return;
            }
            for (Map.Entry<CharSequence, CharSequence> e : h) {
                String name = e.getKey().toString();
                if (!name.startsWith(":")) {
                    headers.add(new Measurement.Header(name, e.getValue().toString()));
                }
            }
            try {
                status = Integer.parseInt(String.valueOf(h.status()));
            } catch (NumberFormatException e) {
                error = "an HTTP/2 answer without a valid :status";
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers h, int streamDependency, short weight,
                                  boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, h, padding, endOfStream);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            if (streamId == STREAM) {
                error = "the server reset the request (RST_STREAM " + Http2Error.valueOf(errorCode) + ")";
            }
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            if (lastStreamId < STREAM) {
                error = "the server closed the HTTP/2 connection before the request (GOAWAY "
                        + Http2Error.valueOf(errorCode) + ")";
            }
        }
    }
}
