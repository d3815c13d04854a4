package dev.shortr.enrich;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.net.InetAddress;
import java.security.SecureRandom;

/** A visitor's daily pseudonym: a hash of a secret salt, the address and the agent. The raw address is never kept. */
public final class VisitorHash {
    private static final SecureRandom RANDOM = new SecureRandom();

    private VisitorHash() {}

    public static long of(byte[] salt, InetAddress ip, String userAgent) {
        HashStream64 h = Hashing.xxh3_64().hashStream();
        h.putBytes(salt);
        h.putBytes(ip.getAddress());
        h.putString(userAgent == null ? "" : userAgent);
        return h.getAsLong();
    }

    public static byte[] newSalt() {
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
