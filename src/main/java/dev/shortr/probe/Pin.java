package dev.shortr.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** {@code --resolve host:port:address}, as curl's: visit {@code host:port} at {@code address} and skip DNS. */
public record Pin(String host, int port, InetAddress address) {
    /** Parses {@code host:port:address}; an IPv6 address may be in brackets. */
    public static Pin parse(String text) {
        String[] parts = text.strip().split(":", 3);
        if (parts.length != 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("--resolve wants HOST:PORT:ADDRESS, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--resolve " + text + ": the port must be 1..65535");
        }
        String addr = parts[2];
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        if (!Target.isAddress(addr)) {
            throw new IllegalArgumentException("--resolve " + text + ": '" + addr + "' is not an IP address");
        }
        try {
            // a literal: no lookup happens
            return new Pin(parts[0].toLowerCase(Locale.ROOT), port, InetAddress.getByName(addr));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--resolve " + text + ": '" + addr + "' is not an IP address");
        }
    }

    boolean matches(Target t) {
        return host.equals(t.host()) && port == t.port();
    }
}
