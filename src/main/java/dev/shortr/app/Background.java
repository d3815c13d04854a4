package dev.shortr.app;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of housekeeping threads on Linux. An event loop that shares its core with, say, a
 * click flush sorting a hundred thousand keys or a JIT compiler at work would otherwise lose the core for a
 * whole scheduler slice (several milliseconds) each time they run, and every request waiting on that loop
 * would carry the delay. With a higher nice value those threads still get the spare CPU (and a share of a
 * busy core), but in short slices, and they no longer preempt the loop when they wake.
 *
 * <p>Java has no portable way to set a thread's nice value, so this finds the threads by name under
 * {@code /proc/self/task} and runs {@code renice} on their ids. Threads these threads create later inherit it.
 * Anywhere else (another OS, no {@code renice}) it logs once and changes nothing.
 */
final class Background {
    private static final Logger log = LoggerFactory.getLogger(Background.class);
    /**
     * Thread names (Linux truncates them to 15 characters) whose threads are housekeeping. Not the click
     * aggregator: niced on a saturated core it got too little of it to keep up, and 15-20 % of clicks were
     * dropped at the queue; at the normal priority it costs the redirects about 3 % and drops none. The
     * SQLite writer is: its runs of 1-4 ms (a flush's click log, counter upserts) were the longest stalls of a
     * saturated event loop (perf sched), and at nice 10 the median p99 of bench/redirect's load went from
     * about 3.1 to 2.1 ms in an A/B on one node; API writes wait for it only while redirects saturate the core.
     */
    static final List<String> HOUSEKEEPING = List.of("click-flush", "sqlite-click-co", "sqlite-writer", "unknown-sweeper",
            "C1 CompilerThre", "C2 CompilerThre");

    private Background() {}

    /** Sets {@code nice} on every live thread named in {@link #HOUSEKEEPING}; returns how many were changed. */
    static int deprioritise(int nice) {
        if (nice <= 0) {
            return 0;
        }
        List<String> tids = housekeepingThreads(Path.of("/proc/self/task"));
        if (tids.isEmpty()) {
            log.info("no housekeeping threads found under /proc/self/task; their priority stays as it is");
            return 0;
        }
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        command.addAll(tids);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                log.warn("could not lower the priority of housekeeping threads (renice: {}); they compete with the event loop as equals", out);
                return 0;
            }
            log.info("housekeeping threads ({}) run at nice {}", tids.size(), nice);
            return tids.size();
        } catch (IOException e) {
            log.info("renice is not available ({}); housekeeping threads keep the default priority", e.getMessage());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static List<String> housekeepingThreads(Path tasks) {
        List<String> tids = new ArrayList<>();
        if (!Files.isDirectory(tasks)) {
            return tids;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                if (HOUSEKEEPING.contains(name)) {
                    tids.add(task.getFileName().toString());
                }
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", tasks, e.toString());
        }
        return tids;
    }
}
