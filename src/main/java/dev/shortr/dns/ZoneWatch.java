package dev.shortr.dns;

import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current zone, reloaded without a restart: the file is polled, a changed file is loaded and checked
 * aside, and only a zone that loads replaces the served one, in one atomic swap. A file with problems is
 * logged (once per change) and the old zone keeps serving.
 */
public final class ZoneWatch implements Supplier<Zone>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZoneWatch.class);

    private final Path file;
    private final AtomicReference<Zone> current;
    private final Consumer<Zone> onChange;
    private final ScheduledExecutorService timer;
    private volatile FileTime seen;
    private volatile long seenSize;
    private volatile List<String> problems = List.of();

    private ZoneWatch(Path file, Zone first, Consumer<Zone> onChange, FileTime seen, long size) {
        this.file = file;
        this.current = new AtomicReference<>(first);
        this.onChange = onChange;
        this.seen = seen;
        this.seenSize = size;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dns-zone-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads {@code file} (failing with every problem when it cannot be served) and polls it every {@code everyMillis}. */
    public static ZoneWatch open(Path file, long everyMillis, Consumer<Zone> onChange) throws ZoneFile.Invalid {
        FileTime t = modified(file);
        long size = size(file);
        Zone first = ZoneFile.load(file);
        ZoneWatch w = new ZoneWatch(file, first, onChange, t, size);
        onChange.accept(first);
        w.timer.scheduleWithFixedDelay(w::poll, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
        return w;
    }

    @Override
    public Zone get() {
        return current.get();
    }

    /** The problems of the last reload that failed, or none. */
    public List<String> problems() {
        return problems;
    }

    private void poll() {
        FileTime t = modified(file);
        long size = size(file);
        if (t == null || t.equals(seen) && size == seenSize) {
            return;
        }
        seen = t;
        seenSize = size;
        reload();
    }

    /** Loads the file now; true when the new zone is served. */
    public boolean reload() {
        try {
            Zone z = ZoneFile.load(file);
            current.set(z);
            problems = List.of();
            onChange.accept(z);
            log.info("dns: zone {} reloaded from {}", z.origin(), file);
            return true;
        } catch (ZoneFile.Invalid e) {
            problems = e.problems();
            log.warn("dns: {} changed but cannot be served, keeping the zone loaded before: {}", file, String.join("; ", e.problems()));
            return false;
        } catch (RuntimeException e) {
            log.error("dns: reloading {} failed, keeping the zone loaded before", file, e);
            return false;
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
