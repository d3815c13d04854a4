package dev.shortr.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.link.ForwardingLinkStore;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.ShortCode;
import dev.shortr.store.memory.MemoryLinkStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot page goes into the replica as one batch of inserts (one commit), and codes it holds already are updated. */
class ReplicaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Counts the writes the replica makes: a store's insert or insertAll is one transaction each. */
    static final class CountingStore extends ForwardingLinkStore {
        int inserts;
        int batches;

        CountingStore() {
            super(new MemoryLinkStore());
        }

        @Override
        public Insert insert(Link draft) {
            inserts++;
            return super.insert(draft);
        }

        @Override
        public List<Insert> insertAll(List<Link> drafts) {
            batches++;
            return super.insertAll(drafts);
        }
    }

    static JsonNode page(String... codeAndUrl) throws Exception {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < codeAndUrl.length; i += 2) {
            s.append(i == 0 ? "" : ",").append("{\"code\":\"").append(codeAndUrl[i]).append("\",\"url\":\"").append(codeAndUrl[i + 1])
                    .append("\",\"redirect\":302,\"forwardQuery\":false,\"disabled\":false,\"track\":true,"
                            + "\"createdAt\":\"2026-11-25T00:00:00Z\",\"updatedAt\":\"2026-11-25T00:00:00Z\"}");
        }
        return JSON.readTree(s.append("]").toString());
    }

    @Test
    void aSnapshotPageIsOneBatchAndHeldCodesAreUpdated() throws Exception {
        CountingStore links = new CountingStore();
        Replica replica = new Replica(links, dir.resolve("cursor"));
        replica.putAll(page("abc123", "https://example.com/a", "def456", "https://example.com/d"));
        assertThat(links.batches).isEqualTo(1);
        assertThat(links.inserts).isZero();

        // a resync: one code the replica holds (with another target now), one new
        replica.putAll(page("abc123", "https://example.com/a2", "ghi789", "https://example.com/g"));
        assertThat(links.batches).isEqualTo(2);
        assertThat(links.find(ShortCode.parse("abc123")).orElseThrow().target().value()).isEqualTo("https://example.com/a2");
        assertThat(links.find(ShortCode.parse("def456")).orElseThrow().target().value()).isEqualTo("https://example.com/d");
        assertThat(links.find(ShortCode.parse("ghi789")).orElseThrow().target().value()).isEqualTo("https://example.com/g");
    }
}
