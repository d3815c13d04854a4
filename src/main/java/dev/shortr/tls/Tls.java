package dev.shortr.tls;

import dev.shortr.config.TlsConfig;
import dev.shortr.http.QuicTermination;
import dev.shortr.http.TlsTermination;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS termination for the HTTPS listener: BoringSSL through netty-tcnative (else the JDK's provider), a
 * context per set of names chosen by SNI, ECDSA and RSA certificates side by side, session tickets whose key
 * rotates, a session cache, OCSP stapling, and certificates reloaded when their PEM files change.
 *
 * <p>Everything that changes at run time does so on one housekeeping thread, and handshakes only ever read an
 * immutable {@link Contexts} generation through one volatile field: a reload builds the next generation aside
 * and swaps it in, so a handshake sees the old certificates or the new ones, never a mix, and connections
 * already open keep the engine they were made with.
 */
public final class Tls implements TlsTermination, QuicTermination, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tls.class);
    /** Where the development certificate lives, under the data directory. */
    static final String DEV_DIR = "tls";

    /** Certificates another part of the node writes (ACME): served first once their files exist. */
    private final List<String> managed;
    /** The configured certificates; else, while no managed one exists, the development certificate. */
    private final List<String> configured;
    private final Path devDir;
    private final Contexts.Options options;
    private final TicketKeys tickets = new TicketKeys();
    private final OcspStapler stapler = new OcspStapler();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tls-housekeeping").daemon(true).factory());
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile Contexts current;

    // the reload watch; touched by the housekeeping thread only (and by start, before it runs)
    /** The development certificate's entry once it has been made or found. */
    private String devEntry;
    private Map<Path, Stamp> loaded;
    private Map<Path, Stamp> pending;
    private Map<Path, Stamp> failed;

    /** What a poll compares: a file's modification time, size and identity (a symlink swap changes the identity). */
    private record Stamp(long modified, long size, Object fileKey) {
        static final Stamp MISSING = new Stamp(-1, -1, null);
    }

    private Tls(List<String> managed, List<String> configured, Path devDir, Contexts.Options options) {
        this.managed = managed;
        this.configured = configured;
        this.devDir = devDir;
        this.options = options;
    }

    /**
     * Loads the certificates (or makes the development one), builds the contexts and starts the housekeeping
     * thread: ticket-key rotation, the PEM file watch and OCSP fetches.
     *
     * @param alpn the application protocols to offer, most preferred first
     * @throws IOException when a certificate cannot be loaded; the message names the file
     */
    public static Tls start(TlsConfig config, Path dataDir, List<String> alpn) throws IOException {
        return start(config, dataDir, alpn, List.of());
    }

    /**
     * As {@link #start(TlsConfig, Path, List)}, with certificates that another part of the node writes and renews
     * (ACME), {@code CHAIN.pem:KEY.pem} each. They need not exist yet: until they do, the configured certificates,
     * or else the development one, are served; once they do, they are served first (the default for clients
     * without SNI), and the development certificate is dropped. They are watched and reloaded like the others.
     * At start-up a managed pair that cannot be loaded (a crash between writing its key and its chain) is left
     * out rather than failing the start: its writer replaces it.
     */
    public static Tls start(TlsConfig config, Path dataDir, List<String> alpn, List<String> managed) throws IOException {
        SslProvider provider = provider(config.provider());
        List<String> protocols = config.minVersion().equals("TLSv1.3") ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2");
        boolean ocsp = config.ocspStapling() && provider == SslProvider.OPENSSL;
        boolean quic = config.http3() && quicAvailable();
        Tls tls = new Tls(List.copyOf(managed), config.certificates(), dataDir.resolve(DEV_DIR),
                new Contexts.Options(provider, protocols, alpn, config.sessionCacheSize(), config.sessionTimeout().toSeconds(), ocsp,
                        quic, config.earlyData()));
        tls.loaded = tls.snapshot();
        List<Credential> credentials = tls.loadServing(true);
        if (!managed.isEmpty() && credentials.stream().noneMatch(c -> managed.contains(entryOf(c)))) {
            log.warn("TLS: no certificate from ACME yet ({}); serving {} until it is issued", String.join(", ", managed),
                    config.certificates().isEmpty() ? "the development certificate" : "the configured certificates");
        }
        tls.current = Contexts.build(credentials, tls.options, tls.tickets);
        log.info("TLS: {}; {}; session tickets rotated every {}, session cache {} for {}; OCSP stapling {}",
                provider == SslProvider.OPENSSL ? OpenSsl.versionString() + " (netty-tcnative)"
                        : "the JDK's provider (Java " + Runtime.version().feature() + ")",
                String.join(" and ", protocols), brief(config.sessionTicketRotation()), config.sessionCacheSize(),
                brief(config.sessionTimeout()), ocsp ? "on" : config.ocspStapling() ? "off (BoringSSL only)" : "off");
        if (quic) {
            log.info("TLS: HTTP/3 over QUIC (quiche with its own BoringSSL), TLS 1.3 with the same certificates; "
                    + "0-RTT early data {}", config.earlyData() ? "accepted for GET and HEAD (anything else gets 425)" : "off");
        }
        tls.describe("serving");
        long rotation = config.sessionTicketRotation().toMillis();
        tls.housekeeping.scheduleAtFixedRate(tls::rotateTicketKeys, rotation, rotation, TimeUnit.MILLISECONDS);
        long poll = config.reloadInterval().toMillis();
        tls.housekeeping.scheduleWithFixedDelay(tls::watch, poll, poll, TimeUnit.MILLISECONDS);
        tls.current.credentials().forEach(c -> tls.scheduleOcsp(c, 0, 0));
        return tls;
    }

    /** 12h, 90m, 30s: a duration as the config writes it. */
    private static String brief(java.time.Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static boolean quicAvailable() {
        if (Quic.isAvailable()) {
            return true;
        }
        log.warn("TLS: the native QUIC codec cannot be loaded ({}); HTTP/3 is off", String.valueOf(Quic.unavailabilityCause()));
        return false;
    }

    private static SslProvider provider(String setting) {
        return switch (setting) {
            case "jdk" -> SslProvider.JDK;
            case "boringssl" -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("tls.provider is boringssl, but netty-tcnative cannot be loaded: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            default -> {
                if (OpenSsl.isAvailable()) {
                    yield SslProvider.OPENSSL;
                }
                log.warn("TLS: netty-tcnative (BoringSSL) cannot be loaded ({}); using the JDK's provider, which is "
                        + "slower per handshake and staples no OCSP", String.valueOf(OpenSsl.unavailabilityCause()));
                yield SslProvider.JDK;
            }
        };
    }

    /**
     * Loads what to serve now: the managed certificates whose files are there, then the configured ones; with
     * none configured, the development certificate (made first if need be) only while no managed one is loaded.
     *
     * @param skipBrokenManaged leave out a managed pair that cannot be loaded (at start-up, when nothing is
     *                          served yet) rather than fail; a reload fails instead, and the certificates in use stay
     */
    private List<Credential> loadServing(boolean skipBrokenManaged) throws IOException {
        List<Credential> out = new ArrayList<>();
        for (String m : managed) {
            if (!present(m)) {
                continue;
            }
            try {
                out.add(PemFiles.load(m));
            } catch (IOException e) {
                if (!skipBrokenManaged) {
                    throw e;
                }
                log.warn("TLS: the certificate from ACME cannot be used ({}); it is left out until it is replaced", e.getMessage());
            }
        }
        if (!configured.isEmpty()) {
            out.addAll(load(configured));
        } else if (out.isEmpty()) {
            if (devEntry == null) {
                devEntry = DevCertificate.ensure(devDir);
            }
            out.add(PemFiles.load(devEntry));
        }
        return out;
    }

    /** The entry a credential was loaded from, as {@code CHAIN.pem:KEY.pem} or one file. */
    private static String entryOf(Credential c) {
        return String.join(":", c.files().stream().map(Path::toString).toList());
    }

    private static boolean present(String entry) {
        for (String f : entry.split(":", 2)) {
            if (!Files.isRegularFile(Path.of(f.strip()))) {
                return false;
            }
        }
        return true;
    }

    private static List<Credential> load(List<String> entries) throws IOException {
        List<Credential> out = new ArrayList<>();
        for (String e : entries) {
            out.add(PemFiles.load(e));
        }
        return out;
    }

    @Override
    public ChannelHandler newHandler(Channel channel) {
        return new CertificatePicker(this::current);
    }

    Contexts current() {
        return current;
    }

    /** HTTP/3's terminator (this), or null when HTTP/3 is off or the native QUIC codec is missing. */
    public QuicTermination quic() {
        return options.quic() ? this : null;
    }

    /** An engine on the current generation's QUIC contexts: a reload reaches new connections, as on TCP. */
    @Override
    public QuicSslEngine newEngine(QuicChannel connection) {
        return current.quic().newEngine(connection.alloc());
    }

    private void describe(String verb) {
        for (Credential c : current.credentials()) {
            log.info("TLS: {} the {}{}", verb, c.describe(), c.ocspUrl() != null && options.ocsp() ? ", OCSP from " + c.ocspUrl() : "");
        }
    }

    private void rotateTicketKeys() {
        tickets.rotate(current.all());
    }

    // ---- certificate reload ----------------------------------------------------------------------------------

    /**
     * One look at the PEM files. A change is acted on once the files have stayed the same for a whole interval,
     * so a chain and a key replaced one after the other (or a file still being written) are read together. A
     * set of files that failed to load is not tried again until it changes.
     */
    private void watch() {
        try {
            Map<Path, Stamp> now = snapshot();
            if (now.equals(loaded)) {
                pending = null;
                return;
            }
            if (!now.equals(pending)) {
                pending = now;
                return;
            }
            if (now.equals(failed)) {
                return;
            }
            reload(now);
        } catch (RuntimeException e) {
            log.error("TLS: checking the certificate files failed", e);
        }
    }

    private void reload(Map<Path, Stamp> stamps) {
        Contexts next;
        try {
            next = Contexts.build(loadServing(false), options, tickets);
        } catch (IOException | RuntimeException e) {
            failed = stamps;
            reloadFailures.incrementAndGet();
            log.error("TLS: the changed certificate files cannot be used, so the current certificates stay: {}",
                    e.getMessage());
            return;
        }
        Contexts before = current;
        for (Credential c : next.credentials()) {
            before.credentials().forEach(c::inheritStaple);
        }
        current = next;
        loaded = stamps;
        pending = null;
        failed = null;
        reloads.incrementAndGet();
        describe("reloaded: now serving");
        next.credentials().forEach(c -> scheduleOcsp(c, 0, 0));
    }

    private Map<Path, Stamp> snapshot() {
        Map<Path, Stamp> stamps = new LinkedHashMap<>();
        List<String> watched = new ArrayList<>(managed); // not the development certificate: only we write it
        watched.addAll(configured);
        for (String e : watched) {
            for (String f : e.split(":", 2)) {
                Path p = Path.of(f.strip());
                stamps.put(p, stamp(p));
            }
        }
        return stamps;
    }

    private static Stamp stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return Stamp.MISSING;
        } catch (IOException e) {
            return new Stamp(-2, -2, Objects.toString(e.getMessage()));
        }
    }

    // ---- OCSP ---------------------------------------------------------------------------------------------------

    private void scheduleOcsp(Credential c, long delayMillis, int failuresInARow) {
        if (!options.ocsp() || c.ocspUrl() == null || housekeeping.isShutdown()) {
            return;
        }
        housekeeping.schedule(() -> {
            if (!current.credentials().contains(c)) {
                return; // replaced by a reload, which scheduled its successor
            }
            OcspStapler.Next next = stapler.refresh(c, failuresInARow);
            scheduleOcsp(c, next.after().toMillis(), next.failed() ? failuresInARow + 1 : 0);
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    // ---- numbers for /metrics -------------------------------------------------------------------------------------

    public long ticketKeyRotations() {
        return tickets.rotations();
    }

    public long reloads() {
        return reloads.get();
    }

    public long reloadFailures() {
        return reloadFailures.get();
    }

    /** Certificates whose handshakes carry a current OCSP response. */
    public long stapled() {
        return current.credentials().stream().filter(c -> c.staple() != null).count();
    }

    public long ocspFailures() {
        return stapler.failures();
    }

    /** Stops the housekeeping thread; open connections keep their engines. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
    }
}
