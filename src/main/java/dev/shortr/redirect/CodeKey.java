package dev.shortr.redirect;

/**
 * A short code as the redirect cache's key. A code of up to {@link #PACKED_MAX} characters (every random
 * code, and most aliases) is packed into one long, six bits a character plus its length; a longer one keeps
 * its string. A packed key is one small object with no array behind it, so a cache hit among millions of
 * entries touches one object fewer, and the event loop can build the key straight from the request's bytes
 * with a reusable {@link Probe} instead of a new string per request.
 */
class CodeKey {
    static final int PACKED_MAX = 10;

    /** (length << 60) | six bits per character; 0 when the code is too long to pack. */
    long packed;
    /** The code when it is not packed, else null. */
    String text;
    int hash;

    private CodeKey() {}

    static CodeKey of(CharSequence code) {
        CodeKey k = new CodeKey();
        long p = pack(code, 0, code.length());
        if (p != 0) {
            k.setPacked(p);
        } else {
            k.packed = 0;
            k.text = code.toString();
            k.hash = k.text.hashCode();
        }
        return k;
    }

    void setPacked(long p) {
        packed = p;
        text = null;
        hash = Long.hashCode(p * 0x9E3779B97F4A7C15L);
    }

    /**
     * {@code code[from, to)} packed, or 0 when it is empty, longer than {@link #PACKED_MAX} or holds a character
     * outside {@code [A-Za-z0-9_-]}.
     */
    static long pack(CharSequence code, int from, int to) {
        int n = to - from;
        if (n < 1 || n > PACKED_MAX) {
            return 0;
        }
        long p = (long) n << 60;
        for (int i = 0; i < n; i++) {
            int v = sixBits(code.charAt(from + i));
            if (v < 0) {
                return 0;
            }
            p |= (long) v << (6 * i);
        }
        return p;
    }

    private static int sixBits(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return 26 + c - 'A';
        }
        if (c >= '0' && c <= '9') {
            return 52 + c - '0';
        }
        return c == '_' ? 62 : c == '-' ? 63 : -1;
    }

    /** The code this key stands for. */
    String code() {
        if (text != null) {
            return text;
        }
        int n = (int) (packed >>> 60);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            int v = (int) (packed >>> (6 * i)) & 63;
            out[i] = (char) (v < 26 ? 'a' + v : v < 52 ? 'A' + v - 26 : v < 62 ? '0' + v - 52 : v == 62 ? '_' : '-');
        }
        return new String(out);
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof CodeKey k && packed == k.packed && (text == null ? k.text == null : text.equals(k.text));
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return code();
    }

    /**
     * A key that is refilled for every lookup on one thread, so a hit allocates nothing. It is only ever
     * passed to lookups, never stored in the cache.
     */
    static final class Probe extends CodeKey {}

    static Probe probe() {
        return new Probe();
    }
}
