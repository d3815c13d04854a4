package dev.shortr.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB files for tests, following the format spec (https://maxmind.github.io/MaxMind-DB/):
 * an IPv6 binary search tree with 24-bit records, 16 zero bytes, the data section, then the metadata marker
 * and metadata map. IPv4 networks sit under ::/96, where readers look for them. Values may be strings, maps,
 * lists and unsigned integers (a Short is a uint16, an Integer a uint32, a BigInteger a uint64); networks must
 * not nest.
 */
final class MmdbFile {
    private static final byte[] METADATA_MARKER = "\u00ab\u00cd\u00efMaxMind.com".getBytes(StandardCharsets.ISO_8859_1);
    /** Marker values for tree records before the node count is known. */
    private static final int EMPTY = -1;

    private final String databaseType;
    private final List<int[]> nodes = new ArrayList<>(List.of(new int[] {EMPTY, EMPTY}));
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    MmdbFile(String databaseType) {
        this.databaseType = databaseType;
    }

    /** Maps {@code cidr} ("203.0.113.0/24", "2001:db8::/32") to {@code record}. */
    MmdbFile put(String cidr, Map<String, ?> record) throws UnknownHostException {
        String[] parts = cidr.split("/");
        byte[] address = InetAddress.getByName(parts[0]).getAddress();
        int prefix = Integer.parseInt(parts[1]);
        BigInteger bits = new BigInteger(1, address);
        if (address.length == 4) {
            prefix += 96;
        }
        int offset = data.size();
        encode(record, data);
        int node = 0;
        for (int depth = 0; depth < prefix; depth++) {
            int side = bits.testBit(127 - depth) ? 1 : 0;
            if (depth == prefix - 1) {
                nodes.get(node)[side] = -2 - offset;
                break;
            }
            if (nodes.get(node)[side] == EMPTY) {
                nodes.add(new int[] {EMPTY, EMPTY});
                nodes.get(node)[side] = nodes.size() - 1;
            }
            node = nodes.get(node)[side];
        }
        return this;
    }

    void write(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = nodes.size();
        for (int[] node : nodes) {
            for (int record : node) {
                // a node index, the node count for "no data", or count + 16 + offset into the data section
                int value = record == EMPTY ? count : record >= 0 ? record : count + 16 + (-2 - record);
                out.write(value >>> 16);
                out.write(value >>> 8);
                out.write(value);
            }
        }
        out.write(new byte[16]);
        data.writeTo(out);
        out.write(METADATA_MARKER);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("node_count", count);
        metadata.put("record_size", (short) 24);
        metadata.put("ip_version", (short) 6);
        metadata.put("database_type", databaseType);
        metadata.put("languages", List.of("en"));
        metadata.put("binary_format_major_version", (short) 2);
        metadata.put("binary_format_minor_version", (short) 0);
        metadata.put("build_epoch", BigInteger.valueOf(1_700_000_000L));
        metadata.put("description", Map.of("en", "shortr test fixture"));
        encode(metadata, out);
        Files.write(file, out.toByteArray());
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        switch (value) {
            case String s -> {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                control(2, utf8.length, out);
                out.writeBytes(utf8);
            }
            case Short u16 -> unsigned(5, BigInteger.valueOf(u16), out);
            case Integer u32 -> unsigned(6, BigInteger.valueOf(u32), out);
            case BigInteger u64 -> unsigned(9, u64, out);
            case Map<?, ?> map -> {
                control(7, map.size(), out);
                map.forEach((k, v) -> {
                    encode(k, out);
                    encode(v, out);
                });
            }
            case List<?> list -> {
                control(11, list.size(), out);
                list.forEach(v -> encode(v, out));
            }
            default -> throw new IllegalArgumentException("cannot encode " + value.getClass());
        }
    }

    /** An unsigned integer of {@code type}: big-endian, leading zero bytes dropped, so 0 has no bytes at all. */
    private static void unsigned(int type, BigInteger value, ByteArrayOutputStream out) {
        byte[] bytes = value.toByteArray();
        int skip = bytes[0] == 0 ? 1 : 0;
        int length = value.signum() == 0 ? 0 : bytes.length - skip;
        control(type, length, out);
        out.write(bytes, bytes.length - length, length);
    }

    /** The control byte(s): type in the top three bits (0 then an extra byte for types above 7), then the size. */
    private static void control(int type, int size, ByteArrayOutputStream out) {
        if (size >= 29 + 256) {
            throw new IllegalArgumentException("fixture values stay under 285 bytes, was " + size);
        }
        int sizeBits = size < 29 ? size : 29;
        out.write((type <= 7 ? type : 0) << 5 | sizeBits);
        if (type > 7) {
            out.write(type - 7);
        }
        if (size >= 29) {
            out.write(size - 29);
        }
    }
}
