package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child JVM that prints {@code ack <what>} lines, SIGKILLs it once it has printed enough, and
 * returns every ack it sent. Shared by the kill -9 tests.
 */
final class KillDashNine {
    private KillDashNine() {}

    static List<String> run(Path dir, Class<?> main, int acksBeforeKill, String... args) throws Exception {
        Path stderr = Files.createTempFile(dir, "child-stderr-", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        // a child that hangs must not hang the build: after this it is killed and the count fails
        CompletableFuture.delayedExecutor(90, TimeUnit.SECONDS).execute(() -> child.toHandle().destroyForcibly());

        List<String> acked = new ArrayList<>();
        try (InputStream in = child.getInputStream()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != '\n') {
                        line.write(buf[i]);
                        continue;
                    }
                    String s = line.toString(StandardCharsets.US_ASCII);
                    line.reset();
                    if (s.startsWith("ack ")) {
                        acked.add(s.substring(4));
                    }
                }
                if (acked.size() >= acksBeforeKill && child.isAlive()) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe,
                    // dropping acks the child wrote just before dying
                    child.toHandle().destroyForcibly();
                }
            }
            // a line cut short by the kill (no newline) was never a complete ack and is ignored
        } finally {
            child.toHandle().destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed, not exited; child stderr: %s", Files.readString(stderr))
                .isEqualTo(128 + 9);
        return acked;
    }

    /** Surefire may hide the real class path behind a manifest-only jar; prefer the one it publishes. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
