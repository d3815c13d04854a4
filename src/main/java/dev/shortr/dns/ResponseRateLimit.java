package dev.shortr.dns;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Response-rate limiting against reflection (the BIND/Knot RRL idea): UDP responses to one client block (a /24,
 * or a /56 for IPv6) are limited per second. Over the limit, every {@code slip}-th response goes out truncated
 * and empty, so a real client retries over TCP (which cannot be spoofed), and the rest are dropped.
 */
final class ResponseRateLimit {
    enum Verdict { SEND, SLIP, DROP }

    private static final int MAX_BLOCKS = 100_000;

    private static final class Window {
        long second;
        int count;
        int over;
    }

    private final ConcurrentHashMap<Long, Window> blocks = new ConcurrentHashMap<>();

    Verdict check(InetAddress client, int perSecond, int slip, long nowNanos) {
        if (perSecond <= 0) {
            return Verdict.SEND;
        }
        if (blocks.size() > MAX_BLOCKS) {
            blocks.clear(); // a flood of spoofed sources: forget them all rather than grow without bound
        }
        long second = nowNanos / 1_000_000_000L;
        Window w = blocks.computeIfAbsent(block(client), k -> new Window());
        synchronized (w) {
            if (w.second != second) {
                w.second = second;
                w.count = 0;
            }
            if (++w.count <= perSecond) {
                return Verdict.SEND;
            }
            w.over++;
            return slip > 0 && w.over % slip == 0 ? Verdict.SLIP : Verdict.DROP;
        }
    }

    private static long block(InetAddress client) {
        byte[] a = client.getAddress();
        long key = 0;
        int bytes = a.length == 4 ? 3 : 7; // /24 and /56
        for (int i = 0; i < bytes; i++) {
            key = key << 8 | (a[i] & 0xff);
        }
        return a.length == 4 ? key : key | 1L << 62;
    }

    /**
     * The truncated, answerless form of {@code response}: its header with TC set and every count but the
     * question's zeroed, and its question. Null when the question cannot be walked.
     */
    static byte[] slipped(byte[] response) {
        int qdcount = (response[4] & 0xff) << 8 | response[5] & 0xff;
        int p = 12;
        for (int q = 0; q < qdcount; q++) {
            while (p < response.length && response[p] != 0) {
                if ((response[p] & 0xc0) != 0) {
                    return null; // a compressed question: not ours
                }
                p += (response[p] & 0xff) + 1;
            }
            p += 1 + 4;
        }
        if (p > response.length) {
            return null;
        }
        byte[] out = java.util.Arrays.copyOf(response, p);
        out[2] |= 0x02;
        for (int i = 6; i < 12; i++) {
            out[i] = 0;
        }
        return out;
    }
}
