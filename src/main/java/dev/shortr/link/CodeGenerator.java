package dev.shortr.link;

import java.security.SecureRandom;

/** Random base62 codes from {@link SecureRandom}; unbiased (rejection sampling), never a reserved word. */
public final class CodeGenerator {
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final SecureRandom random;
    private final int length;

    public CodeGenerator(int length) {
        this(new SecureRandom(), length);
    }

    CodeGenerator(SecureRandom random, int length) {
        if (length < 4 || length > 32) {
            throw new IllegalArgumentException("code length must be between 4 and 32, not " + length);
        }
        this.random = random;
        this.length = length;
    }

    public int length() {
        return length;
    }

    public ShortCode next() {
        return next(length);
    }

    /** A code of {@code n} characters (the caller lengthens after repeated collisions). */
    public ShortCode next(int n) {
        while (true) {
            char[] c = new char[n];
            for (int i = 0; i < n; i++) {
                c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            String s = new String(c);
            if (ShortCode.problem(s) == null) {
                return new ShortCode(s);
            }
        }
    }
}
