package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VisitorHashTest {
    private static final byte[] SALT = "a fixed 32-byte salt for tests!!".getBytes();
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

    @Test
    void theSameVisitorHashesTheSame() throws UnknownHostException {
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        assertThat(VisitorHash.of(SALT.clone(), InetAddress.getByName("203.0.113.7"), FIREFOX))
                .isEqualTo(VisitorHash.of(SALT, ip, new String(FIREFOX)));
    }

    @Test
    void anyDifferenceInSaltAddressOrAgentMakesAnotherVisitor() throws UnknownHostException {
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        byte[] otherSalt = SALT.clone();
        otherSalt[31] ^= 1;
        Set<Long> hashes = Set.of(
                VisitorHash.of(SALT, ip, FIREFOX),
                VisitorHash.of(otherSalt, ip, FIREFOX),
                VisitorHash.of(SALT, InetAddress.getByName("203.0.113.8"), FIREFOX),
                VisitorHash.of(SALT, InetAddress.getByName("2001:db8::7"), FIREFOX),
                VisitorHash.of(SALT, ip, FIREFOX.replace("121", "122")),
                VisitorHash.of(SALT, null, FIREFOX),
                VisitorHash.of(SALT, ip, null));
        assertThat(hashes).hasSize(7);
    }

    @Test
    void partsDoNotRunIntoEachOther() throws UnknownHostException {
        // salt "ab" + agent "c" must not equal salt "a" + agent "bc": each part is hashed with its length
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        assertThat(VisitorHash.of("ab".getBytes(), ip, "c")).isNotEqualTo(VisitorHash.of("a".getBytes(), ip, "bc"));
    }

    @Test
    void onlyTheFirst1024CharactersOfAHugeAgentCount() throws UnknownHostException {
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        String huge = "x".repeat(1024);
        assertThat(VisitorHash.of(SALT, ip, huge + "y".repeat(100_000))).isEqualTo(VisitorHash.of(SALT, ip, huge));
    }

    @Test
    void saltsAre32FreshRandomBytes() {
        Set<String> salts = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            byte[] salt = VisitorHash.newSalt();
            assertThat(salt).hasSize(32);
            salts.add(java.util.HexFormat.of().formatHex(salt));
        }
        assertThat(salts).hasSize(100);
    }
}
