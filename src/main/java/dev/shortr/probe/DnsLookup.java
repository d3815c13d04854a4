package dev.shortr.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HTTPSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SVCBBase;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The name lookup, asked of one server with dnsjava: A, AAAA and HTTPS (type 65) at once, each timed. The layer's
 * time is until both address answers are in, as getaddrinfo waits; the HTTPS answer is reported beside it.
 */
final class DnsLookup {
    /** The measurement, and the addresses to connect to (IPv4 first). */
    record Result(Measurement.Dns dns, List<InetAddress> addresses) {}

    private record Answer(Message message, Duration took, String error) {}

    private DnsLookup() {}

    /** The system's resolver: the first {@code nameserver} of /etc/resolv.conf (dnsjava reads it), else localhost. */
    static InetSocketAddress systemResolver() {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        return servers.isEmpty() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 53) : servers.getFirst();
    }

    static Result lookUp(String host, InetSocketAddress server, Duration timeout) throws LayerFailure {
        Name name;
        try {
            name = Name.fromString(host, Name.root);
        } catch (TextParseException e) {
            throw new LayerFailure(Layer.DNS, "'" + host + "' is not a DNS name: " + e.getMessage());
        }
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        resolver.setEDNS(0, 1232, 0, List.of());
        warmUp(resolver, timeout);
        CompletableFuture<Answer> a = ask(resolver, name, Type.A);
        CompletableFuture<Answer> aaaa = ask(resolver, name, Type.AAAA);
        CompletableFuture<Answer> https = ask(resolver, name, Type.HTTPS);
        Answer four = get(a, timeout);
        Answer six = get(aaaa, timeout);
        Answer svc = get(https, timeout);
        String where = server.getAddress().getHostAddress() + ":" + server.getPort();
        if (four.error() != null && six.error() != null) {
            throw new LayerFailure(Layer.DNS, "no answer from " + where + ": " + four.error());
        }
        Answer first = four.error() == null ? four : six;
        int rcode = first.message().getRcode();
        if (rcode != Rcode.NOERROR) {
            throw new LayerFailure(Layer.DNS, where + " answered " + Rcode.string(rcode) + " for " + host + switch (rcode) {
                case Rcode.NXDOMAIN -> ": no such name";
                case Rcode.REFUSED -> ": it does not answer for this name (not a resolver, nor authoritative for it)";
                case Rcode.SERVFAIL -> ": it could not get an answer (a broken or unreachable authoritative server, or DNSSEC)";
                default -> "";
            });
        }
        Set<Measurement.DnsRecord> records = new LinkedHashSet<>();
        List<InetAddress> addresses = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> alpn = null;
        for (Answer ans : List.of(four, six, svc)) {
            if (ans.error() != null) {
                problems.add(ans.error());
                continue;
            }
            for (Record r : ans.message().getSection(Section.ANSWER)) {
                records.add(new Measurement.DnsRecord(r.getName().toString(), Type.string(r.getType()), r.getTTL(), r.rdataToString()));
                if (r instanceof ARecord ar) {
                    addresses.add(ar.getAddress());
                } else if (r instanceof AAAARecord ar) {
                    addresses.add(ar.getAddress());
                } else if (r instanceof HTTPSRecord hr && alpn == null) {
                    alpn = alpn(hr);
                }
            }
        }
        if (addresses.isEmpty()) {
            throw new LayerFailure(Layer.DNS, where + " has no A or AAAA record for " + host);
        }
        Duration took = four.error() != null ? six.took() : six.error() != null ? four.took()
                : four.took().compareTo(six.took()) >= 0 ? four.took() : six.took();
        boolean authoritative = first.message().getHeader().getFlag(Flags.AA);
        return new Result(new Measurement.Dns(where, null, authoritative, took, List.copyOf(records), alpn, problems), addresses);
    }

    private static List<String> alpn(HTTPSRecord r) {
        return r.getSvcParamValue(SVCBBase.ALPN) instanceof SVCBBase.ParameterAlpn p ? List.copyOf(p.getValues()) : List.of();
    }

    /**
     * One unmeasured query first (the root's NS, which resolvers hold and an authoritative server refuses at once),
     * so the JVM's first-use costs of dnsjava and its sockets are not counted as the resolver's.
     */
    private static void warmUp(SimpleResolver resolver, Duration timeout) {
        try {
            ask(resolver, Name.root, Type.NS).get(Math.min(timeout.toMillis(), 2000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the measured queries will say what is wrong
        }
    }

    private static CompletableFuture<Answer> ask(SimpleResolver resolver, Name name, int type) {
        Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        long start = System.nanoTime();
        return resolver.sendAsync(q).toCompletableFuture()
                .handle((m, e) -> e == null ? new Answer(m, Duration.ofNanos(System.nanoTime() - start), null)
                        : new Answer(null, null, Type.string(type) + ": " + describe(e)));
    }

    private static Answer get(CompletableFuture<Answer> f, Duration timeout) {
        try {
            return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, null, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new Answer(null, null, "no answer within " + timeout.toMillis() + " ms");
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof java.net.PortUnreachableException) {
            return "nothing listens there (port unreachable)";
        }
        return t instanceof java.net.SocketTimeoutException || t instanceof TimeoutException ? "timed out"
                : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
