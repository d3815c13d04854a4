package dev.shortr.migrate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A digest of a multiset of rows that does not depend on their order: the row count and the sum, modulo 2^128,
 * of the first 128 bits of each row's SHA-256. Two stores whose rows differ in any way almost surely differ here.
 */
final class Checksum {
    private final MessageDigest sha;
    private long count;
    private long high;
    private long low;

    Checksum() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void add(String canonical) {
        byte[] d = sha.digest(canonical.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
            l = (l << 8) | (d[8 + i] & 0xff);
        }
        long sum = low + l;
        high += h + (Long.compareUnsigned(sum, low) < 0 ? 1 : 0); // carry
        low = sum;
        count++;
    }

    long count() {
        return count;
    }

    /** The sum in hex, 32 characters. */
    String digest() {
        return String.format("%016x%016x", high, low);
    }
}
