package dev.shortr.tls;

import io.netty.buffer.ByteBuf;

/**
 * What a TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) says about the certificates the client can take:
 * an ECDSA one, an RSA one, or both. Read before any engine exists, so that a name served with both kinds gets
 * the right context: in TLS 1.3 the signature algorithms decide; in TLS 1.2 the cipher suites too, since an
 * ECDHE_ECDSA suite needs an ECDSA certificate. Pure: no I/O, never throws; a hello it cannot read accepts both.
 */
final class ClientHello {
    /** The two kinds of certificate a client may accept. */
    record Accepts(boolean ecdsa, boolean rsa) {
        static final Accepts BOTH = new Accepts(true, true);
    }

    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int TLS13 = 0x0304;

    private ClientHello() {}

    /** @param hello the ClientHello body (from client_version on), or null when there was none */
    static Accepts accepts(ByteBuf hello) {
        if (hello == null) {
            return Accepts.BOTH;
        }
        try {
            return read(hello);
        } catch (IndexOutOfBoundsException e) {
            return Accepts.BOTH; // malformed: let the TLS engine reject it properly
        }
    }

    private static Accepts read(ByteBuf in) {
        int at = in.readerIndex() + 2 + 32; // client_version, random
        at += 1 + in.getUnsignedByte(at); // session_id
        int suitesEnd = at + 2 + in.getUnsignedShort(at);
        boolean ecdsaSuite = false;
        boolean rsaSuite = false;
        for (int i = at + 2; i + 1 < suitesEnd; i += 2) {
            switch (in.getUnsignedShort(i)) {
                // the TLS 1.2 suites we serve: ECDHE with AES-GCM or ChaCha20-Poly1305
                case 0xC02B, 0xC02C, 0xCCA9 -> ecdsaSuite = true;
                case 0xC02F, 0xC030, 0xCCA8 -> rsaSuite = true;
                default -> { }
            }
        }
        at = suitesEnd;
        at += 1 + in.getUnsignedByte(at); // compression_methods
        boolean tls13 = false;
        boolean sigalgs = false;
        boolean ecdsaSig = false;
        boolean rsaPkcs1Sig = false;
        boolean rsaPssSig = false;
        if (at + 2 <= in.writerIndex()) {
            int end = at + 2 + in.getUnsignedShort(at);
            at += 2;
            while (at + 4 <= end) {
                int type = in.getUnsignedShort(at);
                int length = in.getUnsignedShort(at + 2);
                int body = at + 4;
                if (type == SUPPORTED_VERSIONS) {
                    for (int i = body + 1; i + 1 < body + 1 + in.getUnsignedByte(body); i += 2) {
                        tls13 |= in.getUnsignedShort(i) == TLS13;
                    }
                } else if (type == SIGNATURE_ALGORITHMS) {
                    sigalgs = true;
                    for (int i = body + 2; i + 1 < body + 2 + in.getUnsignedShort(body); i += 2) {
                        int scheme = in.getUnsignedShort(i);
                        // RFC 8446 §4.2.3: ecdsa_*: 0x0403, 0x0503, 0x0603 (and SHA-1's 0x0203); rsa_pkcs1_*: 0x0401 ...
                        // 0x0201; rsa_pss_rsae_*: 0x0804..0x0806 (an ordinary RSA key can make PSS signatures)
                        int low = scheme & 0xFF;
                        ecdsaSig |= low == 0x03 && scheme <= 0x0603;
                        rsaPkcs1Sig |= low == 0x01 && scheme <= 0x0601;
                        rsaPssSig |= scheme >= 0x0804 && scheme <= 0x0806;
                    }
                }
                at = body + length;
            }
        }
        if (tls13) { // TLS 1.3 will be spoken: the suites say nothing about the certificate, and RSA means PSS
            return new Accepts(ecdsaSig, rsaPssSig);
        }
        // TLS 1.2 without the extension defaults to SHA-1 with the suite's own key type (RFC 5246 §7.4.1.4.1)
        return new Accepts(ecdsaSuite && (!sigalgs || ecdsaSig), rsaSuite && (!sigalgs || rsaPkcs1Sig || rsaPssSig));
    }
}
