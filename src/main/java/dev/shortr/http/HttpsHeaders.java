package dev.shortr.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Adds the headers every answer on an HTTPS connection carries to each response object: {@code
 * Strict-Transport-Security} (RFC 6797) and, while HTTP/3 is served, {@code Alt-Svc} (RFC 7838) naming it. Only
 * HTTPS pipelines have it: a browser ignores HSTS over cleartext, and it would cost the cleartext path headers for
 * nothing. Redirects written as ready-made bytes get the same headers from {@link #line()}, through
 * {@link RequestHead#responseHeaders()}.
 */
@ChannelHandler.Sharable
final class HttpsHeaders extends ChannelOutboundHandlerAdapter {
    static final AsciiString HSTS = AsciiString.cached("strict-transport-security");
    static final AsciiString ALT_SVC = AsciiString.cached("alt-svc");
    /** How long a client may remember that HTTP/3 is here: a day, as the big sites send. */
    static final int ALT_SVC_MAX_AGE = 86_400;
    private final AsciiString hsts;
    private final AsciiString altSvc;

    /**
     * @param hsts   the HSTS value, or null for none
     * @param altSvc the Alt-Svc value, or null for none
     */
    HttpsHeaders(String hsts, String altSvc) {
        this.hsts = hsts == null ? null : AsciiString.cached(hsts);
        this.altSvc = altSvc == null ? null : AsciiString.cached(altSvc);
    }

    /** {@code h3=":8443"; ma=86400}: HTTP/3 on the same host at {@code port} (UDP), for a day. */
    static String altSvcH3(int port) {
        return "h3=\":" + port + "\"; ma=" + ALT_SVC_MAX_AGE;
    }

    boolean isEmpty() {
        return hsts == null && altSvc == null;
    }

    /** The HSTS value, or null (HTTP/3's answers carry it too). */
    AsciiString hsts() {
        return hsts;
    }

    /** The Alt-Svc value, or null. */
    AsciiString altSvc() {
        return altSvc;
    }

    /** The headers as a redirect's pre-encoded bytes carry them: for each, CRLF, name, colon, value. */
    byte[] line() {
        StringBuilder b = new StringBuilder();
        if (hsts != null) {
            b.append("\r\n").append(HSTS).append(": ").append(hsts);
        }
        if (altSvc != null) {
            b.append("\r\n").append(ALT_SVC).append(": ").append(altSvc);
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            if (hsts != null) {
                res.headers().set(HSTS, hsts);
            }
            if (altSvc != null) {
                res.headers().set(ALT_SVC, altSvc);
            }
        }
        ctx.write(msg, promise);
    }
}
