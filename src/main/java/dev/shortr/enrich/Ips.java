package dev.shortr.enrich;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The visitor's address: which one to believe ({@link #clientIp}) and how much of it to keep ({@link #store}).
 * Nothing here resolves a name: header values are parsed as literals by {@link IpLiterals} and turned into
 * addresses with {@link InetAddress#getByAddress(byte[])}, which never touches DNS.
 */
public final class Ips {
    /** How much of a visitor's address is stored with a click. */
    public enum IpMode {
        /** Nothing. */
        NONE,
        /** The /24 of an IPv4 address, the /48 of an IPv6 one: the network, not the household. */
        ANONYMISED,
        /** The whole address. */
        FULL
    }

    private static final int IPV4_KEPT_BYTES = 3;
    private static final int IPV6_KEPT_BYTES = 6;

    private Ips() {
    }

    /**
     * The text to store for {@code ip} under {@code mode}: null for {@link IpMode#NONE} or a null address,
     * else a dotted quad or RFC 5952 IPv6 text (no zone), e.g. "203.0.113.0" or "2001:db8:1::" when anonymised.
     */
    public static String store(InetAddress ip, IpMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (ip == null || mode == IpMode.NONE) {
            return null;
        }
        byte[] bytes = ip.getAddress();
        if (mode == IpMode.ANONYMISED) {
            int kept = bytes.length == 4 ? IPV4_KEPT_BYTES : IPV6_KEPT_BYTES;
            Arrays.fill(bytes, kept, bytes.length, (byte) 0);
        }
        return IpLiterals.format(bytes);
    }

    /**
     * The visitor's address. When {@code trustForwarded} (the node sits behind a proxy that sets the header),
     * the left-most entry of {@code X-Forwarded-For} that is a valid literal; otherwise, or when there is
     * none, {@code peer}. Entries may carry a port ("203.0.113.7:4711", "[2001:db8::1]:443"). Never throws
     * on the header's content.
     */
    public static InetAddress clientIp(InetAddress peer, String forwardedFor, boolean trustForwarded) {
        if (!trustForwarded || forwardedFor == null) {
            return peer;
        }
        int start = 0;
        while (start <= forwardedFor.length()) {
            int comma = forwardedFor.indexOf(',', start);
            int end = comma < 0 ? forwardedFor.length() : comma;
            InetAddress address = literal(forwardedFor.substring(start, end).strip());
            if (address != null) {
                return address;
            }
            start = end + 1;
        }
        return peer;
    }

    /**
     * Whether {@code ip} is unspecified, loopback, link-local, multicast or private: RFC 1918, RFC 6598 shared
     * (carrier-grade NAT) and 0.0.0.0/8 for IPv4, RFC 4193 unique-local and the old site-local for IPv6. Such an
     * address names no place.
     */
    static boolean isLocal(InetAddress ip) {
        if (ip.isAnyLocalAddress() || ip.isLoopbackAddress() || ip.isLinkLocalAddress() || ip.isSiteLocalAddress()
                || ip.isMulticastAddress()) {
            return true;
        }
        byte[] b = ip.getAddress();
        if (b.length == 4) {
            return b[0] == 0 || b[0] == 100 && (b[1] & 0xc0) == 64;
        }
        return (b[0] & 0xfe) == 0xfc;
    }

    /** The address written in {@code entry} ("a.b.c.d", "a.b.c.d:port", "v6", "[v6]", "[v6]:port"), or null. */
    static InetAddress literal(String entry) {
        String host = withoutPort(entry);
        byte[] bytes = host == null ? null : IpLiterals.parse(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0 || !(close == entry.length() - 1 || isPort(entry, close + 1))) {
                return null;
            }
            // brackets hold IPv6 only (RFC 3986 section 3.2.2)
            String host = entry.substring(1, close);
            return host.indexOf(':') >= 0 ? host : null;
        }
        int colon = entry.indexOf(':');
        // one colon is IPv4 with a port; more is bare IPv6
        if (colon >= 0 && entry.indexOf(':', colon + 1) < 0) {
            return isPort(entry, colon) ? entry.substring(0, colon) : null;
        }
        return entry;
    }

    /** Whether {@code entry} from {@code colon} on is ":" and one to five digits. */
    private static boolean isPort(String entry, int colon) {
        int digits = entry.length() - colon - 1;
        if (entry.charAt(colon) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        for (int i = colon + 1; i < entry.length(); i++) {
            if (entry.charAt(i) < '0' || entry.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
