package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * The cleartext listener while HTTPS is on: every request gets a 308 to the same path and query over HTTPS
 * (a 308 keeps the method and body, so a POST is re-sent as a POST), short links included. Health checks and
 * ACME HTTP-01 challenges are answered as they are: load balancers and the CA's validator speak cleartext.
 *
 * <p>It is the cleartext listener's {@link FastPath}, so a redirect is answered straight from the socket's
 * bytes; requests the fast front does not parse reach {@link #reply} through the connection handler.
 */
final class ToHttps implements FastPath {
    static final String ACME_CHALLENGES = "/.well-known/acme-challenge/";
    private static final byte[] STATUS_AND_LOCATION = ascii("HTTP/1.1 308 Permanent Redirect\r\nlocation: ");
    private static final byte[] FIXED = ascii("\r\ncontent-length: 0\r\nserver: shortr\r\ndate: ");
    private static final byte[] END = ascii("\r\n\r\n");
    private static final byte[] END_KEEP_ALIVE = ascii("\r\nconnection: keep-alive\r\n\r\n");
    private static final byte[] END_CLOSE = ascii("\r\nconnection: close\r\n\r\n");

    /** {@code https://sho.rt} when the public URL is HTTPS, else null: the request's host is used. */
    private final String publicBase;
    /** {@code :8443}, or empty for 443. */
    private final String portSuffix;

    /**
     * @param publicUrl the configured public URL, used as the target's base when it is https; may be null
     * @param httpsPort the HTTPS listener's bound port, for targets built from the request's host
     */
    ToHttps(String publicUrl, int httpsPort) {
        this.publicBase = publicUrl != null && publicUrl.startsWith("https://") ? publicUrl : null;
        this.portSuffix = httpsPort == 443 ? "" : ":" + httpsPort;
    }

    /** Paths the cleartext listener still answers itself. */
    static boolean exempt(String path) {
        return path.equals("/healthz") || path.equals("/readyz") || path.startsWith(ACME_CHALLENGES);
    }

    @Override
    public int tryServe(ChannelHandlerContext objects, ChannelHandlerContext wire, RequestHead head) {
        if (exempt(head.path())) {
            return 0;
        }
        String location = location(head.header("host"), head.uri(), wire.channel().localAddress());
        ByteBuf buf = wire.alloc().ioBuffer(160 + location.length());
        buf.writeBytes(STATUS_AND_LOCATION);
        ByteBufUtil.writeAscii(buf, location);
        buf.writeBytes(FIXED);
        buf.writeBytes(HttpDate.bytes());
        if (!head.keepAlive()) {
            buf.writeBytes(END_CLOSE);
            wire.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
        } else {
            buf.writeBytes(head.http10() ? END_KEEP_ALIVE : END);
            wire.write(buf, wire.voidPromise());
        }
        return 308;
    }

    /** The 308 for a request the fast front did not take. */
    Reply reply(String host, String uri, SocketAddress local) {
        return Reply.empty(308).header("location", location(host, uri, local));
    }

    /**
     * The HTTPS URL of {@code uri}. The host comes from the public URL, else from {@code Host} (only when it
     * looks like a host name, so a forged header cannot turn the redirect elsewhere than a host), else from the
     * address the client connected to.
     */
    String location(String host, String uri, SocketAddress local) {
        String pathAndQuery = originForm(uri);
        if (publicBase != null) {
            return publicBase + pathAndQuery;
        }
        String name = hostName(host);
        if (name == null) {
            name = local instanceof InetSocketAddress a ? literal(a) : "localhost";
        }
        return "https://" + name + portSuffix + pathAndQuery;
    }

    /** The host of a {@code Host} header without its port, or null when it is not a plausible host. */
    static String hostName(String host) {
        if (host == null || host.isEmpty() || host.length() > 261) {
            return null;
        }
        String name = host;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || !host.substring(1, close).chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
            name = host.substring(0, close + 1);
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            if (name.isEmpty() || !name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
                return null;
            }
        }
        return name;
    }

    private static String literal(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    }

    /** The path and query of a request target; an absolute-form target keeps only those. */
    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        try {
            URI u = new URI(uri);
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        } catch (URISyntaxException e) {
            return "/";
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
