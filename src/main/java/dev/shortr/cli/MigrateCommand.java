package dev.shortr.cli;

import dev.shortr.app.Stores;
import dev.shortr.config.StoreConfig;
import dev.shortr.migrate.Migration;
import dev.shortr.migrate.Ports;
import dev.shortr.migrate.Verification;
import dev.shortr.store.sqlite.SqliteDatabase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code shortr migrate}: copies a whole store into another, locally (no server is involved), then compares the
 * two. Run it again after an interruption: it carries on where the target shows the copy stopped.
 */
@Command(name = "migrate", description = {"Copy a store into another: links (ids, codes and the change feed), API keys, "
        + "click counters, analytics and visits; then verify both with counts and checksums.",
        "Stop every node using the source first. Interrupted? Run the same command again: it resumes.",
        "Stores: sqlite:DIR (the data directory of shortr.db), or postgres://user@host:port/database."})
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "STORE", description = "The store to copy: sqlite:DIR or a postgres:// URL.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "STORE", description = "The store to fill: empty, or the target of an interrupted copy of the same source.")
    String to;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "500", description = "Links and changes per transaction, 1..1000 (default 500).")
    int batch;

    @Option(names = "--verify-only", description = "Copy nothing; compare the two stores and say where they differ.")
    boolean verifyOnly;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || batch > 1000) {
            throw new ParameterException(spec.commandLine(), "--batch must be between 1 and 1000, got " + batch);
        }
        StoreConfig source = store("--from", from, true);
        StoreConfig target = store("--to", to, verifyOnly);
        if (source.url().equals(target.url()) && source.dataDir().toAbsolutePath().normalize()
                .equals(target.dataDir().toAbsolutePath().normalize())) {
            throw new ParameterException(spec.commandLine(), "--from and --to are the same store");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Stores s = Stores.open(source); Stores t = Stores.open(target)) {
            Ports a = new Ports(s.links(), s.keys(), s.clicks(), s.analytics());
            Ports b = new Ports(t.links(), t.keys(), t.clicks(), t.analytics());
            if (!verifyOnly) {
                java.util.Set<String> resumed = new java.util.HashSet<>();
                Migration.Copied c = new Migration(a, b, batch, (what, n, resumedAfter) -> {
                    if (resumedAfter > 0 && resumed.add(what)) {
                        err.println(what + ": resuming after " + resumedAfter);
                    }
                }).run();
                err.println("copied " + c.keys() + " keys, " + c.links() + " links (" + c.clickedLinks() + " with clicks), "
                        + c.analyticsRows() + " analytics rows, " + c.changes() + " changes, " + c.visitChunks() + " visit chunks");
            }
            Verification.Report report = Verification.compare(a, b);
            Table table = new Table("SECTION", "SOURCE", "TARGET", "CHECKSUM", "");
            for (Verification.Section sec : report.sections()) {
                table.row(sec.name(), sec.sourceRows(), sec.targetRows(), sec.sourceDigest(), sec.matches() ? "ok" : "DIFFERS");
            }
            table.print(out);
            if (!report.matches()) {
                throw Failure.of("verification failed: " + String.join(", ", report.differing().stream()
                        .map(d -> d.name() + " (" + d.sourceRows() + " rows in the source, " + d.targetRows() + " in the target)").toList())
                        + " differ" + (verifyOnly ? "" : "; the target is not a faithful copy"));
            }
        }
        return 0;
    }

    /** {@code sqlite:DIR}; anything else goes to {@link Stores#open} as a store URL ({@code postgres://...}). */
    private StoreConfig store(String option, String url, boolean mustExist) {
        if (url.startsWith("sqlite:")) {
            Path dir = Path.of(url.substring("sqlite:".length()));
            if (dir.toString().isEmpty()) {
                throw new ParameterException(spec.commandLine(), option + ": sqlite: needs the data directory, as in sqlite:/var/lib/shortr");
            }
            if (mustExist && !Files.isRegularFile(dir.resolve(SqliteDatabase.FILE_NAME))) {
                throw new ParameterException(spec.commandLine(), option + ": there is no " + SqliteDatabase.FILE_NAME + " in " + dir);
            }
            return new StoreConfig("sqlite", dir, 2, 512);
        }
        try {
            return new StoreConfig(url, Path.of("."), 2, 512);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage() + " (or sqlite:DIR)");
        }
    }
}
