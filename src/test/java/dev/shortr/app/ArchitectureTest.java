package dev.shortr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point inward (STYLE.md): each package may import only what this table allows. A new
 * package must be added here, which is the moment to think about what it may depend on.
 */
class ArchitectureTest {
    private static final List<String> JDK = List.of("java.", "javax.annotation.");
    private static final List<String> LOG = List.of("org.slf4j.");

    private static final Map<String, List<String>> ALLOWED = Map.ofEntries(
            Map.entry("link", List.of()),
            Map.entry("auth", List.of()),
            Map.entry("visit", List.of("dev.shortr.link.", "org.slf4j.")),
            Map.entry("config", List.of("com.fasterxml.jackson.", "org.slf4j.")),
            Map.entry("http", List.of("io.netty.", "com.fasterxml.jackson.", "org.slf4j.")),
            Map.entry("tls", List.of("dev.shortr.http.", "dev.shortr.config.", "io.netty.", "org.bouncycastle.", "javax.net.ssl.",
                    "org.slf4j.")),
            Map.entry("acme", List.of("dev.shortr.http.", "dev.shortr.config.", "org.shredzone.acme4j.", "javax.net.ssl.", "org.slf4j.")),
            Map.entry("redirect", List.of("dev.shortr.link.", "dev.shortr.visit.", "dev.shortr.http.", "dev.shortr.config.",
                    "io.netty.", "com.github.benmanes.caffeine.", "org.slf4j.")),
            Map.entry("webhook", List.of("dev.shortr.link.", "dev.shortr.config.", "javax.crypto.", "javax.net.ssl.", "com.fasterxml.jackson.",
                    "org.slf4j.")),
            Map.entry("api", List.of("dev.shortr.link.", "dev.shortr.visit.", "dev.shortr.auth.", "dev.shortr.webhook.", "dev.shortr.http.",
                    "dev.shortr.analytics.",
                    "dev.shortr.config.", "com.fasterxml.jackson.", "io.github.bucket4j.", "com.github.benmanes.caffeine.",
                    "io.nayuki.qrcodegen.", "javax.imageio.", "org.slf4j.")),
            Map.entry("metrics", List.of("dev.shortr.link.", "dev.shortr.http.", "io.micrometer.", "org.slf4j.")),
            Map.entry("enrich", List.of("ua_parser.", "com.maxmind.", "com.dynatrace.hash4j.", "com.github.benmanes.caffeine.",
                    "org.slf4j.")),
            Map.entry("analytics", List.of("dev.shortr.visit.", "dev.shortr.enrich.", "dev.shortr.config.", "org.slf4j.")),
            Map.entry("store", List.of("dev.shortr.link.", "dev.shortr.visit.", "dev.shortr.auth.", "dev.shortr.webhook.", "dev.shortr.config.",
                    "dev.shortr.cdn.",
                    "dev.shortr.analytics.",
                    "dev.shortr.store.", "org.flywaydb.", "org.sqlite.", "org.postgresql.", "com.zaxxer.hikari.", "org.slf4j.")),
            Map.entry("redis", List.of("dev.shortr.config.", "io.lettuce.", "io.github.bucket4j.", "org.slf4j.")),
            Map.entry("ui", List.of("dev.shortr.auth.", "dev.shortr.http.", "com.fasterxml.jackson.", "org.slf4j.")),
            Map.entry("cli", List.of("dev.shortr.", "picocli.", "com.fasterxml.jackson.", "org.slf4j.")),
            // the traffic director knows nothing of links or HTTP routes (STYLE.md)
            Map.entry("dns", List.of("dev.shortr.dns.", "org.xbill.DNS.", "io.netty.", "com.fasterxml.jackson.", "javax.net.ssl.")),
            // the probe is a client: it never sees the server's packages
            Map.entry("probe", List.of("org.xbill.DNS.", "io.netty.", "javax.net.ssl.", "com.fasterxml.jackson.")),
            Map.entry("edge", List.of("dev.shortr.link.", "dev.shortr.visit.", "com.fasterxml.jackson.")),
            // CDN purges follow the change feed; they know nothing of HTTP routes or the redirect tier
            Map.entry("cdn", List.of("dev.shortr.link.", "dev.shortr.config.")),
            Map.entry("migrate", List.of("dev.shortr.link.", "dev.shortr.auth.", "dev.shortr.visit.", "dev.shortr.analytics.")),
            Map.entry("app", List.of("dev.shortr.", "io.", "org.", "com.")));

    @Test
    void everyPackageImportsOnlyWhatItMay() throws IOException {
        Path root = Path.of("src/main/java/dev/shortr");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                List<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    violations.add(pkg + ": package missing from ArchitectureTest.ALLOWED");
                    continue;
                }
                for (String line : Files.readAllLines(f)) {
                    if (!line.startsWith("import ")) {
                        continue;
                    }
                    String imp = line.replace("import static ", "").replace("import ", "").replace(";", "").strip();
                    if (imp.startsWith("dev.shortr." + pkg + ".") || Stream.of(JDK, LOG, allowed).flatMap(List::stream).anyMatch(imp::startsWith)) {
                        continue;
                    }
                    violations.add(root.relativize(f) + " imports " + imp);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void redirectNeverDependsOnTheApiAndDomainNeverOnTransport() throws IOException {
        assertThat(importsOf("redirect")).noneMatch(i -> i.startsWith("dev.shortr.api."));
        assertThat(importsOf("link")).noneMatch(i -> i.startsWith("io.netty.") || i.startsWith("java.sql."));
        assertThat(importsOf("visit")).noneMatch(i -> i.startsWith("io.netty.") || i.startsWith("java.sql."));
        assertThat(importsOf("webhook")).noneMatch(i -> i.startsWith("io.netty.") || i.startsWith("java.sql."));
    }

    @Test
    void onlyConfigReadsTheEnvironment() throws IOException {
        Path root = Path.of("src/main/java/dev/shortr");
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> readers = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !root.relativize(p).startsWith("config"))
                    .filter(p -> {
                        try {
                            return Files.readAllLines(p).stream().map(String::strip)
                                    .filter(l -> !l.startsWith("*") && !l.startsWith("//") && !l.startsWith("/*"))
                                    .anyMatch(l -> l.contains("System.getenv"));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
            assertThat(readers).isEmpty();
        }
    }

    private static List<String> importsOf(String pkg) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/shortr", pkg))) {
            List<String> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Files.readAllLines(f).stream().filter(l -> l.startsWith("import "))
                        .map(l -> l.replace("import static ", "").replace("import ", "").replace(";", "").strip())
                        .forEach(out::add);
            }
            return out;
        }
    }
}
