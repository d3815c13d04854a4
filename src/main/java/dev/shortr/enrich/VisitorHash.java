package dev.shortr.enrich;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A visitor, as a 64-bit XXH3 hash of a secret salt, the address and the User-Agent: enough to count
 * unique visitors ({@link Uniques}) without storing who they are. Rotating the salt (say daily) makes
 * yesterday's hashes unlinkable to today's.
 */
public final class VisitorHash {
    private static final Hasher64 XXH3 = Hashing.xxh3_64();
    private static final byte[] NONE = new byte[0];
    private static final int SALT_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private VisitorHash() {
    }

    /**
     * The hash of {@code salt}, {@code ip}'s bytes and {@code userAgent} in UTF-8 (its first 1024 characters,
     * as {@link UserAgents} sees it). A null address or User-Agent hashes as empty. Each part is hashed with
     * its length, so no two different (salt, ip, agent) triples concatenate to the same input.
     */
    public static long of(byte[] salt, InetAddress ip, String userAgent) {
        Objects.requireNonNull(salt, "salt");
        byte[] address = ip == null ? NONE : ip.getAddress();
        byte[] agent = userAgent == null ? NONE : UserAgents.capped(userAgent).getBytes(StandardCharsets.UTF_8);
        return XXH3.hashStream().putByteArray(salt).putByteArray(address).putByteArray(agent).getAsLong();
    }

    /**
     * A hasher for one thread that reuses its buffer, so hashing a visitor allocates nothing for an ASCII
     * User-Agent (the aggregator hashes every click). Its hashes differ from {@link #of}'s; use one or the
     * other for a given count.
     */
    public static final class Scratch {
        private byte[] buf = new byte[512];

        public long hash(byte[] salt, InetAddress ip, String userAgent) {
            String ua = userAgent == null ? "" : UserAgents.capped(userAgent);
            byte[] address = ip == null ? NONE : ip.getAddress();
            int need = salt.length + 1 + address.length + 4 * ua.length() + 2;
            if (buf.length < need) {
                buf = new byte[Math.max(need, buf.length * 2)];
            }
            int n = 0;
            System.arraycopy(salt, 0, buf, n, salt.length);
            n += salt.length;
            buf[n++] = (byte) address.length;
            System.arraycopy(address, 0, buf, n, address.length);
            n += address.length;
            for (int i = 0; i < ua.length(); i++) {
                char c = ua.charAt(i);
                if (c >= 0x80) {
                    byte[] utf8 = ua.getBytes(StandardCharsets.UTF_8); // rare: encode it properly
                    System.arraycopy(utf8, 0, buf, salt.length + 1 + address.length, utf8.length);
                    n = salt.length + 1 + address.length + utf8.length;
                    break;
                }
                buf[n++] = (byte) c;
            }
            return XXH3.hashBytesToLong(buf, 0, n);
        }
    }

    /** 32 bytes from {@link SecureRandom}. */
    public static byte[] newSalt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
