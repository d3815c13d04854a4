package dev.shortr.dns.zone;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block, {@code 10.1.0.0/16} or {@code 2001:db8::/32}. */
public record Cidr(byte[] prefix, int length) {
    public Cidr {
        prefix = prefix.clone();
        if (length < 0 || length > prefix.length * 8) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range");
        }
    }

    /** Parses {@code a.b.c.d/n}, {@code v6/n} or a bare address (a /32 or /128). */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) { // never a host name to resolve
            throw new IllegalArgumentException("'" + text + "' is not an address block such as 10.1.0.0/16");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address block such as 10.1.0.0/16");
        }
        int length;
        try {
            length = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
        if (length < 0 || length > bytes.length * 8) {
            throw new IllegalArgumentException("'" + text + "' has a prefix length beyond " + bytes.length * 8);
        }
        for (int i = length; i < bytes.length * 8; i++) {
            if ((bytes[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has bits set past its prefix length");
            }
        }
        return new Cidr(bytes, length);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != prefix.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int mask = 0x80 >>> (i & 7);
            if ((a[i >>> 3] & mask) != (prefix[i >>> 3] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.length == length && java.util.Arrays.equals(c.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(prefix) * 31 + length;
    }
}
