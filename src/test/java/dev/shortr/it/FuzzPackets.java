package dev.shortr.it;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Fuzz packets for the DNS listener, made from ordinary queries of the shared test zone (or from nothing): one
 * of each {@link Kind} in turn, from a seeded random source, so that a run can be replayed.
 */
final class FuzzPackets {
    enum Kind { RANDOM, BIT_FLIPS, TRUNCATED, ABSURD_COUNTS, COMPRESSION_LOOP, HUGE_LABEL, BAD_EDNS, BAD_ECS, RESPONSE, OPCODE }

    /** One fuzz packet and what it was made as. */
    record Case(Kind kind, byte[] wire) {
        /** The server answers exactly the packets with a whole header that are not responses (QR clear). */
        boolean answerable() {
            return wire.length >= 12 && (wire[2] & 0x80) == 0;
        }

        int opcode() {
            return (wire[2] >>> 3) & 0xf;
        }

        @Override
        public String toString() {
            return kind + " " + HexFormat.of().formatHex(wire, 0, Math.min(wire.length, 96)) + (wire.length > 96 ? "…" : "");
        }
    }

    private final Random random;
    private final List<byte[]> valid = new ArrayList<>();
    private int next;

    FuzzPackets(Random random) throws UnknownHostException {
        this.random = random;
        valid.add(RawDns.query("mail.sho.rt.", Type.A).toWire());
        valid.add(RawDns.query("sho.rt.", Type.MX).toWire());
        valid.add(RawDns.query("big.sho.rt.", Type.TXT).toWire());
        valid.add(RawDns.query("nope.sho.rt.", Type.AAAA).toWire());
        valid.add(RawDns.query("w.sho.rt.", Type.HTTPS).toWire());
        valid.add(RawDns.query("sho.rt.", Type.AXFR).toWire());
        Message ecs = RawDns.query("sho.rt.", Type.A);
        ecs.addRecord(new OPTRecord(1232, 0, 0, Flags.DO, new ClientSubnetOption(24, InetAddress.getByAddress(new byte[] {10, 1, 5, 0}))), Section.ADDITIONAL);
        valid.add(ecs.toWire());
    }

    /** The next packet; the kinds take turns. */
    Case next() {
        Kind k = Kind.values()[next++ % Kind.values().length];
        return new Case(k, make(k));
    }

    private byte[] base() {
        return valid.get(random.nextInt(valid.size())).clone();
    }

    /** A query with no additional records, and so room to append an OPT of our own. */
    private byte[] plain() {
        byte[] q = valid.get(random.nextInt(5)).clone();
        q[11] = 0;
        return q;
    }

    private byte[] make(Kind k) {
        return switch (k) {
            case RANDOM -> {
                byte[] b = new byte[random.nextInt(random.nextInt(8) == 0 ? 4000 : 600)];
                random.nextBytes(b);
                if (b.length > 2 && random.nextBoolean()) {
                    b[2] &= 0x7f; // half of them look like queries, so they go past the first guard
                }
                yield b;
            }
            case BIT_FLIPS -> {
                byte[] b = base();
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    int bit = random.nextInt(b.length * 8);
                    b[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
                }
                yield b;
            }
            case TRUNCATED -> {
                byte[] b = base();
                yield Arrays.copyOf(b, random.nextInt(b.length));
            }
            case ABSURD_COUNTS -> {
                byte[] b = base();
                int[] choices = {0, 1, 2, 3, 0x7fff, 0xffff, random.nextInt(65_536)};
                for (int field = 4; field < 12; field += 2) {
                    if (random.nextInt(3) == 0) {
                        int v = choices[random.nextInt(choices.length)];
                        b[field] = (byte) (v >>> 8);
                        b[field + 1] = (byte) v;
                    }
                }
                yield b;
            }
            case COMPRESSION_LOOP -> compressionLoop();
            case HUGE_LABEL -> hugeLabel();
            case BAD_EDNS -> badEdns();
            case BAD_ECS -> badEcs();
            case RESPONSE -> {
                byte[] b = random.nextBoolean() ? base() : make(Kind.BIT_FLIPS);
                b[2] |= (byte) 0x80;
                yield b;
            }
            case OPCODE -> {
                byte[] b = base();
                b[2] = (byte) (b[2] & 0x87 | (next / Kind.values().length % 16) << 3);
                yield b;
            }
        };
    }

    private byte[] header(int qd, int an, int ns, int ar) {
        return new byte[] {0, 0, 0, 0, (byte) (qd >>> 8), (byte) qd, (byte) (an >>> 8), (byte) an, (byte) (ns >>> 8), (byte) ns,
                (byte) (ar >>> 8), (byte) ar};
    }

    private byte[] compressionLoop() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(header(1, 0, 0, 0));
        switch (random.nextInt(6)) {
            case 0 -> b.writeBytes(new byte[] {(byte) 0xc0, 12}); // points at itself
            case 1 -> b.writeBytes(new byte[] {(byte) 0xc0, 14, (byte) 0xc0, 12}); // two pointing at each other
            case 2 -> b.writeBytes(new byte[] {1, 'a', (byte) 0xc0, 12}); // a label, then back to the start
            case 3 -> b.writeBytes(new byte[] {(byte) 0xc0, (byte) 200}); // past the end
            case 4 -> b.writeBytes(new byte[] {(byte) 0xc0, 2}); // into the header
            default -> {
                // a long chain of pointers, each to the one before
                b.writeBytes(new byte[] {0});
                for (int i = 0; i < 40; i++) {
                    int back = 12 + i * 2;
                    b.writeBytes(new byte[] {(byte) (0xc0 | back >>> 8), (byte) back});
                }
            }
        }
        b.writeBytes(new byte[] {0, 1, 0, 1});
        return b.toByteArray();
    }

    private byte[] hugeLabel() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(header(1, 0, 0, 0));
        switch (random.nextInt(4)) {
            case 0 -> {
                int len = 64 + random.nextInt(192); // 64..255: too long, or the reserved 0x40/0x80 label types
                b.write(len);
                byte[] label = new byte[Math.min(len & 0x3f, 20)];
                Arrays.fill(label, (byte) 'x');
                b.writeBytes(label);
                b.write(0);
            }
            case 1 -> {
                for (int i = 0; i < 5; i++) { // 5 × 64 bytes: past the 255-byte limit of a name
                    b.write(63);
                    b.writeBytes("x".repeat(63).getBytes(StandardCharsets.US_ASCII));
                }
                b.write(0);
            }
            case 2 -> {
                b.write(63); // runs past the end
                b.writeBytes(new byte[] {'a', 'b', 'c'});
            }
            default -> {
                for (int i = 0; i < 128; i++) {
                    b.writeBytes(new byte[] {1, 'a'});
                }
                b.write(0);
            }
        }
        b.writeBytes(new byte[] {0, 1, 0, 1});
        return b.toByteArray();
    }

    /** {@code query} with an OPT record appended whose RDATA is {@code rdata}. */
    private static byte[] withOpt(byte[] query, int payload, int version, byte[] rdata, int arcount) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(query);
        b.write(0); // root owner
        b.writeBytes(new byte[] {0, 41, (byte) (payload >>> 8), (byte) payload, 0, (byte) version, 0, 0});
        b.writeBytes(new byte[] {(byte) (rdata.length >>> 8), (byte) rdata.length});
        b.writeBytes(rdata);
        byte[] out = b.toByteArray();
        out[10] = (byte) (arcount >>> 8);
        out[11] = (byte) arcount;
        return out;
    }

    private static byte[] option(int code, int declaredLength, byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) (code >>> 8), (byte) code, (byte) (declaredLength >>> 8), (byte) declaredLength});
        b.writeBytes(data);
        return b.toByteArray();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] badEdns() {
        byte[] q = plain();
        return switch (random.nextInt(9)) {
            case 0 -> withOpt(q, 1232, 0, option(10, 40, randomBytes(8)), 1); // option longer than the RDATA
            case 1 -> {
                byte[] b = withOpt(q, 1232, 0, new byte[0], 1);
                b[b.length - 1] = (byte) 0xff; // RDLENGTH past the end of the packet
                yield b;
            }
            case 2 -> {
                byte[] b = withOpt(q, 1232, 0, new byte[0], 2);
                yield withOpt(b, 1232, 0, new byte[0], 2); // two OPTs
            }
            case 3 -> {
                byte[] b = withOpt(q, 1232, 0, new byte[0], 0);
                b[7] = 1; // the OPT in the answer section
                yield b;
            }
            case 4 -> withOpt(q, 4096, 1 + random.nextInt(255), new byte[0], 1); // unknown EDNS version
            case 5 -> withOpt(q, 4096, 0, option(random.nextInt(65_536), 12, randomBytes(12)), 1); // unknown option
            case 6 -> withOpt(q, random.nextInt(2) == 0 ? 0 : 65_535, 0, new byte[0], 1); // absurd payload sizes
            case 7 -> withOpt(q, 1232, 0, option(10, 3, randomBytes(3)), 1); // a cookie of a size no cookie has
            default -> withOpt(q, 1232, 0, randomBytes(random.nextInt(40)), 1);
        };
    }

    private byte[] badEcs() {
        byte[] q = plain();
        int family = 1;
        int source = 24;
        int scope = 0;
        byte[] address = {10, 1, 5};
        switch (random.nextInt(8)) {
            case 0 -> source = 33 + random.nextInt(223);
            case 1 -> {
                family = 2;
                source = 129 + random.nextInt(127);
                address = randomBytes(16);
            }
            case 2 -> family = random.nextBoolean() ? 0 : 3 + random.nextInt(65_000);
            case 3 -> scope = 1 + random.nextInt(255); // a scope in a query (RFC 7871 §7.1.1: must be 0)
            case 4 -> address = new byte[] {10, 1, 5, 7, 9}; // more address than the prefix covers
            case 5 -> address = new byte[] {10}; // less
            case 6 -> address = new byte[] {10, 1, 5, 7}; // bits past the source prefix
            default -> {
                family = 2;
                source = random.nextInt(129);
                address = randomBytes((source + 7) / 8);
            }
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(new byte[] {(byte) (family >>> 8), (byte) family, (byte) source, (byte) scope});
        data.writeBytes(address);
        byte[] d = data.toByteArray();
        return withOpt(q, 1232, 0, option(8, d.length, d), 1);
    }
}
