package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class VisitorHashScratchTest {
    private final byte[] salt = new byte[32];
    private final VisitorHash.Scratch scratch = new VisitorHash.Scratch();

    @Test
    void theSameVisitorHashesAlikeAndAnyPartChangesIt() throws Exception {
        InetAddress a = InetAddress.getByName("198.51.100.7");
        InetAddress b = InetAddress.getByName("198.51.100.8");
        long h = scratch.hash(salt, a, "Mozilla/5.0");
        assertThat(scratch.hash(salt, a, "Mozilla/5.0")).isEqualTo(h);
        assertThat(new VisitorHash.Scratch().hash(salt, a, "Mozilla/5.0")).as("another thread's scratch").isEqualTo(h);
        assertThat(scratch.hash(salt, b, "Mozilla/5.0")).isNotEqualTo(h);
        assertThat(scratch.hash(salt, a, "Mozilla/5.1")).isNotEqualTo(h);
        byte[] other = salt.clone();
        other[0] = 1;
        assertThat(scratch.hash(other, a, "Mozilla/5.0")).as("another day's salt").isNotEqualTo(h);
    }

    @Test
    void longAndNonAsciiAgentsAndMissingPartsWork() throws Exception {
        InetAddress v6 = InetAddress.getByName("2001:db8::1");
        String long1 = "x".repeat(5000);
        assertThat(scratch.hash(salt, v6, long1)).isEqualTo(scratch.hash(salt, v6, long1));
        assertThat(scratch.hash(salt, v6, "Überagent ü")).isEqualTo(scratch.hash(salt, v6, "Überagent ü"))
                .isNotEqualTo(scratch.hash(salt, v6, "Uberagent u"));
        assertThat(scratch.hash(salt, null, null)).isEqualTo(scratch.hash(salt, null, ""));
    }
}
