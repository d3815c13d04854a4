package dev.shortr.cli;

import dev.shortr.probe.Diagnosis;
import dev.shortr.probe.Finding;
import dev.shortr.probe.Measurement;
import dev.shortr.probe.Pin;
import dev.shortr.probe.Probe;
import dev.shortr.probe.ProbeOptions;
import dev.shortr.probe.ProbeOptions.HttpVersion;
import dev.shortr.probe.Report;
import dev.shortr.probe.Target;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shortr probe URL}: one visit timed layer by layer, with a diagnosis. */
@Command(name = "probe", description = {"Visit a URL once and time each layer: DNS, TCP connect, TLS handshake and",
        "the answer's first byte (QUIC stands for TCP and TLS under HTTP/3). Then say",
        "which layer costs the time, and what in DNS, TLS or caching costs visitors",
        "round trips. See docs/probe.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the visit worked (with findings or without)", "1:a layer failed (stderr says which)", "2:usage error"})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", description = "The short link (http or https).")
    String url;

    @Option(names = "--http1.1", description = "Speak HTTP/1.1 (offer only http/1.1 by ALPN).")
    boolean http11;

    @Option(names = "--http2", description = "Speak HTTP/2 (on http://, by prior knowledge). By default h2 and http/1.1 are "
            + "offered and the server's choice is spoken, as browsers do.")
    boolean http2;

    @Option(names = "--http3", description = "Speak HTTP/3 over QUIC (https only).")
    boolean http3;

    @Option(names = "--resolver", paramLabel = "IP[:PORT]",
            description = "The DNS server to ask (default: the first nameserver of /etc/resolv.conf).")
    String resolver;

    @Option(names = "--resolve", paramLabel = "HOST:PORT:ADDRESS", description = "Connect to ADDRESS for HOST:PORT without DNS, as curl's.")
    String resolve;

    @Option(names = {"-k", "--insecure"}, description = "Go on when the certificate is not trusted (the diagnosis still says why).")
    boolean insecure;

    @Option(names = "--cacert", paramLabel = "FILE", description = "Trust the CA certificates in this PEM file instead of the JDK's.")
    Path cacert;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "The limit for each layer (default ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--json", description = "Print everything measured, and the findings, as JSON.")
    boolean json;

    @Override
    public Integer call() {
        ProbeOptions options = options();
        Measurement m;
        try {
            m = Probe.run(options);
        } catch (IllegalArgumentException e) {
            throw new Failure(Failure.USAGE, e.getMessage());
        }
        List<Finding> findings = Diagnosis.of(m);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Report.json(m, findings) + "\n" : Report.text(m, findings));
        out.flush();
        if (m.failed() != null) {
            throw Failure.of("probe failed at " + m.failed().layer() + ": " + m.failed().message());
        }
        return 0;
    }

    private ProbeOptions options() {
        if ((http11 ? 1 : 0) + (http2 ? 1 : 0) + (http3 ? 1 : 0) > 1) {
            throw new Failure(Failure.USAGE, "choose one of --http1.1, --http2 and --http3");
        }
        if (!(timeout > 0 && timeout <= 600)) {
            throw new Failure(Failure.USAGE, "--timeout is 0..600 seconds");
        }
        if (cacert != null && !Files.isReadable(cacert)) {
            throw new Failure(Failure.USAGE, "--cacert " + cacert + ": no such file");
        }
        HttpVersion version = http11 ? HttpVersion.HTTP_1_1 : http2 ? HttpVersion.HTTP_2 : http3 ? HttpVersion.HTTP_3 : HttpVersion.AUTO;
        try {
            return new ProbeOptions(Target.parse(url), version, resolver == null ? null : ProbeOptions.resolver(resolver),
                    resolve == null ? null : Pin.parse(resolve), insecure, cacert, Duration.ofMillis((long) (timeout * 1000)),
                    "shortr-probe/" + Cli.Version.current());
        } catch (IllegalArgumentException e) {
            throw new Failure(Failure.USAGE, e.getMessage());
        }
    }
}
