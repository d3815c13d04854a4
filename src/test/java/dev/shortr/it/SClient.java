package dev.shortr.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code openssl s_client}: a TLS client whose every knob (versions, ciphers, signature algorithms,
 * sessions, OCSP) we set, and which prints what the server chose. Sends one HTTP/1.1 request with
 * {@code Connection: close} and reads until the server closes, so TLS 1.3 session tickets arrive.
 */
final class SClient {
    record Result(int exit, String out) {
        boolean handshakeOk() {
            return out.contains("Cipher is ") && !out.contains("Cipher is (NONE)");
        }

        /** The served certificate's subject, as s_client prints it ({@code CN = a.test, O = EC}). */
        String subject() {
            for (String line : out.split("\n")) {
                if (line.startsWith("subject=")) {
                    return line.substring("subject=".length()).strip();
                }
            }
            return null;
        }

        boolean reused() {
            return out.contains("\nReused, ");
        }
    }

    private SClient() {}

    static Result run(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-ign_eof"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write("GET /healthz HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the handshake failed and s_client is gone: its output says why
            }
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("openssl s_client did not finish within 20 s: " + cmd);
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl (is it installed?): " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
