package dev.shortr.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.dns.zone.Zone;
import dev.shortr.it.HealthSite;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Reloading a zone without a restart: a changed file (even one of the same size, or with the same
 * modification time) is served within a few polls; a broken one leaves the old zone serving and its problems
 * reported until it is fixed; and a site whose address and check did not change keeps its health state,
 * while a changed one starts again.
 */
class ZoneWatchTest {
    private static final long POLL_MILLIS = 100;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Path file;
    private Instant mtime = Instant.parse("2026-01-01T00:00:00Z");

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static String zone(String records, String pool) {
        return """
                origin: sho.rt
                nameservers: [ns1.sho.rt.]
                records:
                  - "ns1 A 192.0.2.53"
                %s
                %s
                """.formatted(records, pool);
    }

    /**
     * Replaces the file in one step (a poll never sees half of it) with its modification time set explicitly,
     * a second later than the last unless {@code sameTime}: file systems keep times as coarsely as 1 s.
     */
    private void write(String text, boolean sameTime) throws IOException {
        if (!sameTime) {
            mtime = mtime.plusSeconds(1);
        }
        Path next = dir.resolve("next.yaml");
        Files.writeString(next, text);
        Files.setLastModifiedTime(next, FileTime.from(mtime));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Served(ZoneWatch zone, HealthChecks health, Answerer answerer) {
        List<String> ask(String name, int type) throws IOException {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            Answerer.Reply.Single r = (Answerer.Reply.Single) answerer.answer(q.toWire(), InetAddress.getLoopbackAddress(), false);
            Message m = new Message(r.wire());
            return m.getRcode() != Rcode.NOERROR ? List.of(Rcode.string(m.getRcode()))
                    : m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
        }

        HealthChecks.Status status(String site) {
            return health.status(zone.get()).stream().filter(s -> s.site().equals(site)).findFirst().orElseThrow();
        }
    }

    private Served open(String text) throws Exception {
        file = dir.resolve("zone.yaml");
        write(text, false);
        HealthChecks health = new HealthChecks(Clock.systemUTC());
        open.add(health);
        ZoneWatch zone = ZoneWatch.open(file, POLL_MILLIS, health::watch);
        open.add(zone);
        return new Served(zone, health, new Answerer(zone, health, null, RandomGenerator.of("L32X64MixRandom")));
    }

    private static void await(String what, Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 5 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aChangedFileIsServedWithoutARestart() throws Exception {
        Served s = open(zone("  - \"mail A 192.0.2.25\"", ""));
        assertThat(s.ask("mail.sho.rt.", Type.A)).containsExactly("192.0.2.25");
        Zone before = s.zone().get();

        // the same size: only the modification time tells
        write(zone("  - \"mail A 192.0.2.26\"", ""), false);
        await("the new address", () -> s.ask("mail.sho.rt.", Type.A).equals(List.of("192.0.2.26")));
        assertThat(s.zone().get()).isNotSameAs(before);

        // the same modification time: only the size tells
        write(zone("  - \"mail A 192.0.2.27\"\n  - \"www A 192.0.2.80\"", ""), true);
        await("the new records", () -> s.ask("www.sho.rt.", Type.A).equals(List.of("192.0.2.80")));
        assertThat(s.ask("mail.sho.rt.", Type.A)).containsExactly("192.0.2.27");
        assertThat(s.zone().problems()).isEmpty();
    }

    @Test
    void aBrokenFileLeavesTheOldZoneServingAndSaysWhy() throws Exception {
        Served s = open(zone("  - \"mail A 192.0.2.25\"", ""));
        Zone good = s.zone().get();
        write(zone("  - \"mail A 192.0.2.300\"", "colour: blue"), false);
        await("the problems reported", () -> !s.zone().problems().isEmpty());
        assertThat(s.zone().problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("records[1]: 'mail A 192.0.2.300'"))
                .contains("colour: unknown key");
        assertThat(s.zone().get()).isSameAs(good);
        assertThat(s.ask("mail.sho.rt.", Type.A)).containsExactly("192.0.2.25");
        Thread.sleep(POLL_MILLIS * 3); // more polls of the same broken file change nothing
        assertThat(s.zone().get()).isSameAs(good);

        write(zone("  - \"mail A 192.0.2.26\"", ""), false);
        await("the fixed file served", () -> s.ask("mail.sho.rt.", Type.A).equals(List.of("192.0.2.26")));
        assertThat(s.zone().problems()).isEmpty();
    }

    @Test
    void aReloadKeepsTheHealthOfSitesItDidNotChange() throws Exception {
        HealthSite fra = HealthSite.start(HealthSite.Mode.FAILING);
        open.add(fra);
        HealthSite iad = HealthSite.start(HealthSite.Mode.UP);
        open.add(iad);
        String pool = """
                pools:
                  web:
                    check: {interval: 200ms, timeout: 150ms, rise: 2, fall: 2}
                    sites:
                      - {name: fra, ipv4: 198.51.100.1, checkUrl: "%s"}
                      - {name: iad, ipv4: %s, checkUrl: "%s"}
                names:
                  "@": {pool: web, policy: weighted, answers: 2}
                """;
        Served s = open(zone("  - \"mail A 192.0.2.25\"", pool.formatted(fra.url(), "198.51.100.2", iad.url())));
        // (a first check slowed by a cold JVM may fail and take iad down; then it takes rise checks to come back)
        await("fra down, iad up", () -> !s.status("fra").up() && s.status("iad").checked() && s.status("iad").up());
        assertThat(s.ask("sho.rt.", Type.A)).as("%s", s.health().status(s.zone().get())).containsExactly("198.51.100.2");
        HealthChecks.Status fraBefore = s.status("fra");
        HealthChecks.Status iadBefore = s.status("iad");
        long transitions = s.health().transitions();

        // a new record, and a new address and check for iad; fra as it was
        write(zone("  - \"mail A 192.0.2.25\"\n  - \"www A 192.0.2.80\"",
                pool.formatted(fra.url(), "198.51.100.22", iad.url() + "?again")), false);
        await("the new zone", () -> s.ask("www.sho.rt.", Type.A).equals(List.of("192.0.2.80")));
        HealthChecks.Status fraAfter = s.status("fra");
        assertThat(fraAfter.up()).as("fra still down").isFalse();
        assertThat(fraAfter.checked()).isTrue();
        assertThat(fraAfter.since()).as("fra down since").isEqualTo(fraBefore.since());
        // had fra started again as up, its first check would have taken it down once more: another transition
        for (int i = 0; i < 10; i++) {
            assertThat(s.ask("sho.rt.", Type.A)).containsExactly("198.51.100.22");
            Thread.sleep(50);
        }
        assertThat(s.health().transitions()).isEqualTo(transitions);
        assertThat(s.status("fra").since()).isEqualTo(fraBefore.since());
        // iad, whose check changed, is a new site to the checks
        assertThat(s.status("iad").since()).isAfter(iadBefore.since());
    }
}
