package dev.shortr.tls;

import io.netty.handler.codec.quic.QuicSslSessionContext;
import io.netty.handler.codec.quic.SslSessionTicketKey;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session-ticket keys (RFC 5077, and TLS 1.3's resumption PSKs, RFC 8446 §4.6.1), the same for every context
 * so a ticket survives a certificate reload and an SNI switch. New tickets are sealed with the current key;
 * the previous one still opens tickets issued before the last rotation, so a ticket lives between one and two
 * rotation periods. Keys live in memory only: a restart starts afresh, which is forward secrecy's price.
 */
final class TicketKeys {
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong rotations = new AtomicLong();
    private volatile OpenSslSessionTicketKey[] keys = {fresh()};

    /** A new current key; the current one becomes the previous one, and the one before is forgotten. */
    void rotate(Collection<SslContext> contexts) {
        keys = new OpenSslSessionTicketKey[] {fresh(), keys[0]};
        contexts.forEach(this::applyTo);
        rotations.incrementAndGet();
    }

    /**
     * Gives {@code context} the current keys (BoringSSL only: the JDK keeps its own ticket keys). QUIC's contexts
     * get the same keys, so a ticket from one HTTP/3 connection resumes the next (and carries its 0-RTT) across
     * rotations, reloads and SNI switches, as on TCP.
     */
    void applyTo(SslContext context) {
        if (context.sessionContext() instanceof OpenSslSessionContext openSsl) {
            openSsl.setTicketKeys(keys);
        } else if (context.sessionContext() instanceof QuicSslSessionContext quic) {
            OpenSslSessionTicketKey[] current = keys;
            SslSessionTicketKey[] same = new SslSessionTicketKey[current.length];
            for (int i = 0; i < current.length; i++) {
                same[i] = new SslSessionTicketKey(current[i].name(), current[i].hmacKey(), current[i].aesKey());
            }
            quic.setTicketKeys(same);
        }
    }

    long rotations() {
        return rotations.get();
    }

    private OpenSslSessionTicketKey fresh() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(hmac);
        random.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
