package dev.shortr.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Address ranges a webhook must not reach unless {@code webhooks.allowPrivate} is on: the machine itself, the
 * networks behind it, and addresses that are no single host (after the IANA special-purpose registries, RFC 6890).
 * An endpoint that could post to them would let an admin key probe the node's network or read a cloud metadata
 * service at 169.254.169.254. Pure: nothing here touches DNS or a socket.
 */
enum SpecialAddress {
    UNSPECIFIED("an unspecified address"),
    LOOPBACK("a loopback address"),
    PRIVATE("a private address"),
    SHARED("a carrier-grade NAT address"),
    LINK_LOCAL("a link-local address"),
    MULTICAST("a multicast address"),
    RESERVED("a reserved address");

    /** How a message names the range: "127.0.0.1 is a loopback address". */
    final String description;

    SpecialAddress(String description) {
        this.description = description;
    }

    /** The range {@code address} is in, or empty for a public unicast address. */
    static Optional<SpecialAddress> of(InetAddress address) {
        byte[] b = address.getAddress();
        return Optional.ofNullable(b.length == 4 ? v4(b, 0) : v6(b));
    }

    /** True for {@code localhost} and the names under it, which resolve to loopback (RFC 6761 section 6.3). */
    static boolean isLocalhostName(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.regionMatches(true, h.length() - ".localhost".length(), ".localhost", 0, 10);
    }

    /**
     * The address {@code host} (as in a URL: IPv6 in brackets) writes out literally, or null when it is a name.
     * IPv4 is read as the JDK's resolver reads it, without DNS: one to four decimal parts, the last filling the
     * remaining bytes ({@code 127.1}, {@code 2130706433}), leading zeros ignored.
     */
    static InetAddress literal(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        try {
            if (h.startsWith("[") && h.endsWith("]")) {
                int zone = h.indexOf('%'); // the zone (interface) does not change the range
                String bare = zone < 0 ? h : h.substring(0, zone) + "]";
                return InetAddress.getByName(bare); // in brackets the JDK only parses, never asks DNS
            }
            byte[] v4 = v4Literal(h);
            return v4 == null ? null : InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null; // not an address the JDK can read, so one it cannot connect to either
        }
    }

    private static byte[] v4Literal(String h) {
        if (h.isEmpty() || !h.matches("[0-9]+(\\.[0-9]+){0,3}")) {
            return null;
        }
        String[] parts = h.split("\\.");
        long[] n = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String digits = parts[i].replaceFirst("^0+(?=.)", "");
            if (digits.length() > 10) {
                return null;
            }
            n[i] = Long.parseLong(digits);
            if (i < parts.length - 1 && n[i] > 255) {
                return null;
            }
        }
        long last = n[parts.length - 1];
        if (last >= 1L << (8 * (5 - parts.length))) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < parts.length - 1; i++) {
            out[i] = (byte) n[i];
        }
        for (int i = 3; i >= parts.length - 1; i--, last >>= 8) {
            out[i] = (byte) last;
        }
        return out;
    }

    private static SpecialAddress v4(byte[] b, int at) {
        int a = b[at] & 0xff;
        int c = b[at + 1] & 0xff;
        if (a == 0) {
            return UNSPECIFIED; // 0.0.0.0/8, "this network": 0.0.0.0 reaches the host itself on Linux
        }
        if (a == 127) {
            return LOOPBACK;
        }
        if (a == 10 || a == 172 && (c & 0xf0) == 16 || a == 192 && c == 168) {
            return PRIVATE; // RFC 1918
        }
        if (a == 100 && (c & 0xc0) == 64) {
            return SHARED; // 100.64.0.0/10, RFC 6598
        }
        if (a == 169 && c == 254) {
            return LINK_LOCAL; // cloud metadata services live here
        }
        if (a == 192 && c == 0 && (b[at + 2] & 0xff) == 0) {
            return RESERVED; // 192.0.0.0/24, IETF protocol assignments (NAT64 discovery, DS-Lite, ...)
        }
        if (a == 198 && (c & 0xfe) == 18) {
            return RESERVED; // 198.18.0.0/15, benchmarking: some internal networks use it
        }
        if (a >= 224 && a < 240) {
            return MULTICAST;
        }
        if (a >= 240) {
            return RESERVED; // 240.0.0.0/4, 255.255.255.255 (broadcast) included
        }
        return null;
    }

    private static SpecialAddress v6(byte[] b) {
        boolean first80Zero = true;
        for (int i = 0; i < 10; i++) {
            first80Zero &= b[i] == 0;
        }
        int w5 = (b[10] & 0xff) << 8 | b[11] & 0xff;
        if (first80Zero && w5 == 0xffff) {
            return v4(b, 12); // IPv4-mapped, ::ffff:0:0/96: the socket connects to the IPv4 address
        }
        if (first80Zero && w5 == 0) {
            int low = (b[12] & 0xff) << 24 | (b[13] & 0xff) << 16 | (b[14] & 0xff) << 8 | b[15] & 0xff;
            return low == 0 ? UNSPECIFIED : low == 1 ? LOOPBACK : RESERVED; // ::, ::1, deprecated IPv4-compatible
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && first96Zero(b, 4)) {
            return v4(b, 12); // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052) carries an IPv4 address
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return v4(b, 2); // 6to4, 2002::/16 (RFC 3056): a relay forwards to the IPv4 address in bits 16-47
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            return RESERVED; // Teredo, 2001::/32 (RFC 4380): tunnels to an obfuscated IPv4 address
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
            return RESERVED; // local-use NAT64, 64:ff9b:1::/48 (RFC 8215): translates to addresses of the local network
        }
        if (b[0] == 0x01 && b[1] == 0 && first64Zero(b)) {
            return RESERVED; // discard-only, 100::/64 (RFC 6666)
        }
        int top = b[0] & 0xff;
        int next = b[1] & 0xc0;
        if ((top & 0xfe) == 0xfc) {
            return PRIVATE; // unique local fc00::/7, RFC 4193
        }
        if (top == 0xfe && next == 0x80) {
            return LINK_LOCAL; // fe80::/10
        }
        if (top == 0xfe && next == 0xc0) {
            return PRIVATE; // site-local fec0::/10, deprecated but still routed by some networks
        }
        if (top == 0xff) {
            return MULTICAST;
        }
        return null;
    }

    /** Bytes 2 to 7 zero: with a first word already checked, the address is in that word's /64. */
    private static boolean first64Zero(byte[] b) {
        for (int i = 2; i < 8; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean first96Zero(byte[] b, int from) {
        for (int i = from; i < 12; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
