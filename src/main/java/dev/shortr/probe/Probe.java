package dev.shortr.probe;

import dev.shortr.probe.ProbeOptions.HttpVersion;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One visit, layer after layer, each timed on its own as curl's {@code -w} does: DNS, TCP connect, TLS handshake,
 * then the request to its answer's first byte; over TLS, a second handshake tries to resume the first's session.
 * Before measuring, the probe makes unmeasured connections of the same kind, so the JVM's first-use costs (class
 * loading, the JIT) are not counted as the server's.
 */
public final class Probe {
    private static final int WARM_UPS = 2;

    private final ProbeOptions o;
    private final Target target;
    private final TrustRecorder trust;
    private Measurement.Dns dns;
    private Measurement.Connect connect;
    private Measurement.Tls tls;
    private Measurement.Http http;
    private String protocol;
    /** The fastest TCP connect so far: the round-trip estimate. */
    private Duration fastest;

    private Probe(ProbeOptions o) {
        this.o = o;
        this.target = o.target();
        this.trust = TrustRecorder.of(o.caFile(), o.insecure());
    }

    /**
     * Visits {@code o.target()} once. Never throws for what the network does: a layer that fails is in
     * {@link Measurement#failed()}.
     *
     * @throws IllegalArgumentException when {@code --cacert} cannot be read
     */
    public static Measurement run(ProbeOptions o) {
        return new Probe(o).visit();
    }

    private Measurement visit() {
        Instant at = Instant.now();
        Measurement.Failed failed = null;
        try {
            InetSocketAddress address = new InetSocketAddress(lookUp().getFirst(), target.port());
            if (o.version() == HttpVersion.HTTP_3) {
                protocol = "HTTP/3";
                QuicVisit.Result q = QuicVisit.visit(address, target, trust, o.timeout(), o.userAgent(), WARM_UPS);
                connect = q.connect();
                tls = q.tls();
                http = q.http();
            } else {
                overTcp(address);
            }
        } catch (LayerFailure f) {
            failed = f.failed();
            tls = f.tls() != null ? f.tls() : tls;
        }
        return new Measurement(target, protocol, at, dns, connect, tls, http, failed);
    }

    private List<InetAddress> lookUp() throws LayerFailure {
        String skipped = null;
        InetAddress pinned = null;
        if (o.pin() != null) {
            skipped = "--resolve";
            pinned = o.pin().address();
        } else if (target.hostIsAddress()) {
            skipped = "an address literal";
            pinned = literal(target.host());
        } else if (target.host().equals("localhost") || target.host().endsWith(".localhost")) {
            skipped = "localhost (RFC 6761: never asked of DNS)";
            pinned = InetAddress.getLoopbackAddress();
        }
        if (pinned != null) {
            dns = new Measurement.Dns(null, skipped, false, null, List.of(), null, List.of());
            return List.of(pinned);
        }
        InetSocketAddress server = o.resolver() != null ? o.resolver() : DnsLookup.systemResolver();
        DnsLookup.Result r = DnsLookup.lookUp(target.host(), server, o.timeout());
        dns = r.dns();
        return r.addresses();
    }

    private void overTcp(InetSocketAddress address) throws LayerFailure {
        List<String> offered = switch (o.version()) {
            case HTTP_1_1 -> List.of("http/1.1");
            default -> List.of("h2", "http/1.1");
        };
        TlsClient client = new TlsClient(trust);
        warmUp(address, offered);
        Socket tcp = connect(address);
        TlsClient.Handshake handshake = null;
        try {
            Socket io = tcp;
            boolean h2 = !target.https() && o.version() == HttpVersion.HTTP_2; // h2c by prior knowledge
            if (target.https()) {
                handshake = handshake(client, tcp, offered);
                io = handshake.socket();
                tls = client.describe(handshake, offered, null);
                h2 = "h2".equals(tls.alpn());
            }
            protocol = h2 ? "HTTP/2" : "HTTP/1.1";
            http = h2 ? Http2Exchange.exchange(io, target, "GET", o.userAgent()) : Http1Exchange.exchange(io, target, "GET", o.userAgent());
        } catch (SocketTimeoutException e) {
            throw new LayerFailure(Layer.HTTP, "no answer within " + o.timeout().toMillis() + " ms");
        } catch (IOException e) {
            throw new LayerFailure(Layer.HTTP, "the exchange failed: " + message(e));
        } finally {
            close(handshake == null ? tcp : handshake.socket());
        }
        if (target.https()) {
            tls = tls.with(resume(client, address, offered));
            connect = new Measurement.Connect(Layer.TCP, connect.address(), connect.took(), fastest);
        }
    }

    private Duration timedConnect(Socket s, InetSocketAddress address) throws IOException {
        long start = System.nanoTime();
        s.connect(address, (int) o.timeout().toMillis());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        fastest = fastest == null || took.compareTo(fastest) < 0 ? took : fastest;
        return took;
    }

    private Socket connect(InetSocketAddress address) throws LayerFailure {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true); // as curl and browsers: without it, Nagle and delayed ACKs add 40 ms to the request
            s.setSoTimeout((int) o.timeout().toMillis());
            Duration took = timedConnect(s, address);
            connect = new Measurement.Connect(Layer.TCP, where(address), took, fastest);
            return s;
        } catch (IOException e) {
            close(s);
            throw new LayerFailure(Layer.TCP, switch (e) {
                case ConnectException c when String.valueOf(c.getMessage()).contains("refused") -> "connection refused by "
                        + where(address) + " (nothing listens there)";
                case SocketTimeoutException t -> "no answer from " + where(address) + " within " + o.timeout().toMillis()
                        + " ms (down, or a firewall drops the packets)";
                default -> where(address) + ": " + message(e);
            });
        }
    }

    private TlsClient.Handshake handshake(TlsClient client, Socket tcp, List<String> offered) throws LayerFailure {
        try {
            return client.handshake(tcp, target, offered);
        } catch (IOException e) {
            tls = client.describeFailed(offered);
            if (trust.refused() != null) {
                throw new LayerFailure(Layer.TLS, "certificate not trusted: " + trust.refused());
            }
            throw new LayerFailure(Layer.TLS, handshakeFailure(e));
        }
    }

    /** A second connection with the same session cache, as a returning visitor makes. */
    private Measurement.Resumption resume(TlsClient client, InetSocketAddress address, List<String> offered) {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) o.timeout().toMillis());
            timedConnect(s, address);
            TlsClient.Handshake h = client.handshake(s, target, offered);
            close(h.socket());
            return new Measurement.Resumption(h.resumed(), h.took(), null);
        } catch (IOException e) {
            return new Measurement.Resumption(false, null, message(e));
        }
    }

    /**
     * Unmeasured visits with HEAD (which shortr counts apart from clicks), over the same path through the code as
     * the measured GET, and with a session cache of their own, so nothing resumes from them.
     */
    private void warmUp(InetSocketAddress address, List<String> offered) {
        TlsClient throwaway = new TlsClient(trust.insecureTwin());
        for (int i = 0; i < WARM_UPS; i++) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setSoTimeout((int) o.timeout().toMillis());
                timedConnect(s, address);
                boolean h2 = !target.https() && o.version() == HttpVersion.HTTP_2;
                if (target.https()) {
                    TlsClient.Handshake h = throwaway.handshake(s, target, offered);
                    s = h.socket();
                    h2 = "h2".equals(h.socket().getApplicationProtocol());
                }
                if (h2) {
                    Http2Exchange.exchange(s, target, "HEAD", o.userAgent());
                } else {
                    Http1Exchange.exchange(s, target, "HEAD", o.userAgent());
                }
            } catch (IOException | LayerFailure e) {
                return; // the measured visit will say what is wrong
            } finally {
                close(s);
            }
        }
    }

    private String handshakeFailure(IOException e) {
        String m = message(e);
        if (e instanceof SocketTimeoutException) {
            return "no handshake within " + o.timeout().toMillis() + " ms";
        }
        if (m.contains("protocol_version")) {
            return "the server refused the handshake: no TLS version in common (protocol_version)";
        }
        if (m.contains("handshake_failure")) {
            return "the server refused the handshake: no cipher or key exchange in common (handshake_failure)";
        }
        if (m.contains("unrecognized_name")) {
            return "the server has no certificate for " + target.host() + " (unrecognized_name)";
        }
        if (m.contains("Unsupported or unrecognized SSL message") || (e instanceof SSLException && !(e instanceof SSLHandshakeException)
                && m.contains("plaintext"))) {
            return "the server does not speak TLS on this port (plain HTTP?)";
        }
        return m;
    }

    static String where(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private static InetAddress literal(String host) throws LayerFailure {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new LayerFailure(Layer.DNS, "'" + host + "' is not a valid address");
        }
    }

    /** The messages along the cause chain, on one line. */
    static String message(Throwable e) {
        StringBuilder line = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? null : t.getMessage().replaceAll("\\s+", " ").strip();
            if (m != null && !m.isEmpty() && line.indexOf(m) < 0) {
                line.append(line.isEmpty() ? "" : ": ").append(m);
            }
        }
        return line.isEmpty() ? e.getClass().getSimpleName() : line.toString();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing more to learn from this connection
        }
    }
}
