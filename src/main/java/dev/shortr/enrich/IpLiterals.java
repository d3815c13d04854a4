package dev.shortr.enrich;

/**
 * Strict IP address literals, both ways, with no name resolution anywhere: {@link #parse} accepts dotted-quad
 * IPv4 (RFC 3986 {@code IPv4address}: no leading zeros, no octal or short forms) and IPv6 text (RFC 4291
 * section 2.2, with an optional embedded IPv4 tail, no zone), and {@link #format} writes the RFC 5952
 * canonical form.
 */
final class IpLiterals {
    /** The longest IPv6 text: eight groups of four hex digits and seven colons, or 45 with an IPv4 tail. */
    private static final int MAX_TEXT = 45;

    private IpLiterals() {
    }

    /** The 4 or 16 address bytes of {@code s}, or null when it is not exactly one literal. */
    static byte[] parse(String s) {
        if (s.isEmpty() || s.length() > MAX_TEXT) {
            return null;
        }
        return s.indexOf(':') >= 0 ? ipv6(s) : ipv4(s);
    }

    static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        return ipv4(s, out, 0) ? out : null;
    }

    /** Parses the dotted quad {@code s} into {@code out[at..at+3]}. */
    private static boolean ipv4(String s, byte[] out, int at) {
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                // "01" is octal to inet_aton and decimal to others: refuse it rather than guess
                if (digits == 1 && value == 0 || ++digits > 3) {
                    return false;
                }
                value = value * 10 + (c - '0');
            } else if (c == '.' && digits > 0 && value <= 255 && octet < 4) {
                out[at + octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return false;
            }
        }
        return octet == 4;
    }

    private static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        byte[] head = new byte[16];
        byte[] tail = new byte[16];
        int headLength = gap == 0 ? 0 : groups(gap < 0 ? s : s.substring(0, gap), head, gap < 0);
        int tailLength = gap < 0 || gap + 2 == s.length() ? 0 : groups(s.substring(gap + 2), tail, true);
        if (headLength < 0 || tailLength < 0) {
            return null;
        }
        // without "::" the groups fill all 16 bytes; with it they leave at least one zero group
        if (gap < 0 ? headLength != 16 : headLength + tailLength > 14) {
            return null;
        }
        System.arraycopy(tail, 0, head, 16 - tailLength, tailLength);
        return head;
    }

    /** Parses colon-separated hex groups (the last may be a dotted quad) into {@code out}; the byte count or -1. */
    private static int groups(String s, byte[] out, boolean ipv4Tail) {
        String[] parts = s.split(":", -1);
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (ipv4Tail && i == parts.length - 1 && part.indexOf('.') >= 0) {
                return n + 4 <= 16 && ipv4(part, out, n) ? n + 4 : -1;
            }
            int group = hexGroup(part);
            if (group < 0 || n + 2 > 16) {
                return -1;
            }
            out[n++] = (byte) (group >>> 8);
            out[n++] = (byte) group;
        }
        return n;
    }

    private static int hexGroup(String part) {
        if (part.isEmpty() || part.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            int digit = Character.digit(part.charAt(i), 16);
            // Character.digit also accepts non-ASCII digits such as fullwidth ones
            if (digit < 0 || part.charAt(i) > 'f') {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    /** RFC 5952 text: dotted quad for 4 bytes; for 16, lower-case hex, the longest run of two or more zero groups as "::". */
    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | address[2 * i + 1] & 0xff;
        }
        int[] run = longestZeroRun(groups);
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == run[0]) {
                text.append("::");
                i += run[1] - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** {start, length} of the first longest run of at least two zero groups, or {-1, 0}. */
    private static int[] longestZeroRun(int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        return bestStart < 0 ? new int[] {-1, 0} : new int[] {bestStart, bestLength};
    }
}
