package dev.shortr.webhook;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts one signed event to one endpoint and says how it went. The host is resolved first and, unless private
 * addresses are allowed, every address it resolves to is checked against {@link SpecialAddress} before anything
 * connects. The connection then goes to a checked address, while {@code host} and TLS (SNI, and the name the
 * certificate must carry) keep the name from the URL. Connecting to the very address that was checked, rather
 * than letting a client resolve the name again, is what defeats DNS rebinding: a second answer may differ.
 *
 * <p>Every attempt is bounded by the timeout as a whole (resolving, connecting, the TLS handshake, waiting for
 * the answer and reading its body) and has a connection of its own, closed after the answer. At most
 * {@value #SNIPPET_BYTES} bytes of an answer are kept, for the delivery log. Redirects are answers, not
 * deliveries: they are never followed.
 */
final class Sender implements AutoCloseable {
    static final int SNIPPET_BYTES = 200;
    static final String USER_AGENT = "shortr-webhooks/1";

    /** What came back: a status (null when no answer came) and, unless it was a 2xx, why it failed. */
    record Response(Integer status, String error) {
        boolean ok() {
            return status != null && status / 100 == 2;
        }
    }

    /** Host names (or address literals, without brackets) to addresses: the system's resolver, or a test's. */
    @FunctionalInterface
    interface Resolver {
        Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** How far an attempt got, and so what to say when its time runs out. */
    private enum Stage {
        RESOLVING("no address for the host within %d ms"),
        CONNECTING("no connection within %d ms"),
        EXCHANGING("no answer within %d ms");

        private final String late;

        Stage(String late) {
            this.late = late;
        }
    }

    private final Duration timeout;
    private final boolean allowPrivate;
    private final Resolver resolver;
    private final SSLSocketFactory tls;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    Sender(Duration timeout, boolean allowPrivate) {
        this(timeout, allowPrivate, Resolver.SYSTEM, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    Sender(Duration timeout, boolean allowPrivate, Resolver resolver, SSLSocketFactory tls) {
        this.timeout = timeout;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.tls = tls;
    }

    /** Sends {@code event} to {@code endpoint}, signed with the secrets valid at {@code now}. Blocks up to the timeout. */
    Response send(Event event, Endpoint endpoint, Instant now) {
        long timestamp = now.getEpochSecond();
        URI url = URI.create(endpoint.url()); // an endpoint's url has been validated
        byte[] request;
        try {
            SequencedMap<String, String> fields = new LinkedHashMap<>();
            fields.put("content-type", "application/json");
            fields.put("user-agent", USER_AGENT);
            fields.put("webhook-id", event.id());
            fields.put("webhook-timestamp", Long.toString(timestamp));
            fields.put("webhook-signature", Signature.header(endpoint.signingSecrets(now), event.id(), timestamp, event.body()));
            request = Exchange.request(url, fields, event.body());
        } catch (IllegalArgumentException e) {
            return new Response(null, "cannot send to this url: " + e.getMessage());
        }
        Call call = new Call(url, request);
        Future<Response> answer;
        try {
            answer = executor.submit(call::run);
        } catch (RejectedExecutionException e) {
            return new Response(null, "not sent: the node is stopping");
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true); // closes a socket the call is blocked on
            call.abort();
            return new Response(null, call.stage.late.formatted(timeout.toMillis()));
        } catch (ExecutionException e) {
            return new Response(null, why(e.getCause(), call.stage));
        } catch (InterruptedException e) {
            answer.cancel(true);
            call.abort();
            Thread.currentThread().interrupt();
            return new Response(null, "interrupted while sending (the node was stopping)");
        }
    }

    /** One attempt, run on a virtual thread of its own so that the caller can stop waiting for it. */
    private final class Call {
        private final URI url;
        private final byte[] request;
        private volatile Stage stage = Stage.RESOLVING;
        private volatile Socket socket;

        Call(URI url, byte[] request) {
            this.url = url;
            this.request = request;
        }

        Response run() {
            String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
            try {
                List<InetAddress> addresses = resolver.resolve(host);
                if (addresses.isEmpty()) {
                    throw new UnknownHostException(host);
                }
                if (!allowPrivate) {
                    String refused = refusal(url.getHost(), addresses);
                    if (refused != null) {
                        return new Response(null, refused);
                    }
                }
                stage = Stage.CONNECTING;
                int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
                Socket s = connect(addresses, port);
                if ("https".equalsIgnoreCase(url.getScheme())) {
                    s = handshake(s, host, port);
                }
                stage = Stage.EXCHANGING;
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                Exchange.Answer a = Exchange.read(new BufferedInputStream(s.getInputStream(), 8192), SNIPPET_BYTES + 1);
                if (a.status() / 100 == 2) {
                    return new Response(a.status(), null);
                }
                String text = new String(a.body(), StandardCharsets.UTF_8);
                return new Response(a.status(), "HTTP " + a.status() + (text.isBlank() ? "" : ": " + oneLine(text)));
            } catch (IOException e) {
                return new Response(null, why(e, stage));
            } finally {
                abort();
            }
        }

        /** Tries the addresses in turn; the first that accepts is the connection. */
        private Socket connect(List<InetAddress> addresses, int port) throws IOException {
            IOException failed = null;
            for (InetAddress address : addresses) {
                Socket s = new Socket();
                socket = s;
                try {
                    s.connect(new InetSocketAddress(address, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                    s.setTcpNoDelay(true);
                    return s;
                } catch (IOException e) {
                    s.close();
                    failed = failed == null ? e : failed;
                }
            }
            throw failed;
        }

        private Socket handshake(Socket plain, String host, int port) throws IOException {
            SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true); // SNI from the name, not the address
            socket = s;
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        }

        void abort() {
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing is all that is left to do with it
                }
            }
        }
    }

    /** Why none of {@code addresses} may be connected to, or null when all are public. */
    private static String refusal(String host, List<InetAddress> addresses) {
        boolean literal = SpecialAddress.literal(host) != null;
        for (InetAddress a : addresses) {
            Optional<SpecialAddress> range = SpecialAddress.of(a);
            if (range.isPresent()) {
                return "not sent: " + (literal ? host + " is " : host + " resolves to " + a.getHostAddress() + ", ")
                        + range.get().description + "; " + WebhookUrl.ALLOW_PRIVATE;
            }
        }
        return null;
    }

    private String why(Throwable e, Stage stage) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return stage.late.formatted(timeout.toMillis());
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLException) {
                return "TLS: " + (t.getMessage() == null ? t.getClass().getSimpleName() : oneLine(t.getMessage()));
            }
            if (t instanceof EOFException || t instanceof ProtocolException) {
                return t.getMessage();
            }
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
    }

    static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?");
        return t.length() > SNIPPET_BYTES ? t.substring(0, SNIPPET_BYTES) + "…" : t;
    }

    /** Ends attempts in flight (their sockets are closed) and refuses new ones. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
