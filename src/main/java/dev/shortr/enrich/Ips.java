package dev.shortr.enrich;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Client addresses: which one to believe, and how much of it to keep. Never resolves names. */
public final class Ips {
    public enum IpMode { NONE, ANONYMISED, FULL }

    private Ips() {}

    /** The address as {@code mode} allows keeping it: nothing, its /24 (IPv4) or /48 (IPv6) network, or all of it. */
    public static String store(InetAddress ip, IpMode mode) {
        if (ip == null || mode == IpMode.NONE) {
            return null;
        }
        if (mode == IpMode.FULL) {
            return ip.getHostAddress();
        }
        byte[] b = ip.getAddress();
        int keep = ip instanceof Inet4Address ? 3 : 6;
        for (int i = keep; i < b.length; i++) {
            b[i] = 0;
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The left-most valid address of {@code forwardedFor} when trusted, else the peer. */
    public static InetAddress clientIp(InetAddress peer, String forwardedFor, boolean trustForwarded) {
        if (!trustForwarded || forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String first = forwardedFor.split(",", 2)[0].strip();
        InetAddress parsed = literal(first);
        return parsed != null ? parsed : peer;
    }

    /** An IPv4 dotted quad or an IPv6 literal, or null: anything else (a name) is refused before any lookup. */
    static InetAddress literal(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = s.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        boolean v6 = !v4 && s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
