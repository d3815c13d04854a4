package dev.shortr.http;

import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per answered request, redirects included. Must not block: log through an async appender. */
@FunctionalInterface
public interface AccessLog {
    void served(SocketAddress remote, String method, String uri, int status, long nanos);

    /** Logs to the {@code shortr.access} logger (asynchronous in the shipped logback.xml). */
    static AccessLog toLogger() {
        Logger log = LoggerFactory.getLogger("shortr.access");
        return (remote, method, uri, status, nanos) -> {
            String ip = remote instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(remote);
            // the URI came through the codec, which rejects CR/LF, so one request stays one log line
            log.info("{} \"{} {}\" {} {}us", ip, method, uri.length() > 512 ? uri.substring(0, 512) + "..." : uri, status, nanos / 1000);
        };
    }
}
