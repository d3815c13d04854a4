package dev.shortr.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Click counts waiting to reach the origin, as files on disk: one batch per file (a flush makes one or more), written
 * and synced before the clicks count as kept, named by a sequence so they go out in order. Bounded: past
 * {@code maxBatches} waiting, a new batch is not kept and its clicks are counted as dropped. The file name is the batch's idempotency key
 * (with the edge's id), so a batch sent twice is counted once.
 */
final class ClickOutbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One count of a batch. */
    record Count(String code, LocalDate day, long clicks) {}

    private final Path dir;
    private final int maxBatches;
    private final AtomicLong next;
    private final AtomicLong dropped = new AtomicLong();

    ClickOutbox(Path dir, int maxBatches) {
        this.dir = dir;
        this.maxBatches = maxBatches;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                this.next = new AtomicLong(files.map(ClickOutbox::seq).filter(s -> s >= 0).max(Long::compare).orElse(0L) + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the click outbox " + dir, e);
        }
    }

    /**
     * Counts in one batch at most. The origin takes at most 10,000 a request (400 past that) in a body of at most
     * {@code server.maxBodyBytes} (1 MiB by default, 413 past that); at most about 110 bytes a count (a 64-character
     * code), 5000 fit in either. A flush holds whatever came in while the one before was being written, which under
     * load was 24,000 counts and more; a batch the origin refuses is set aside and its clicks never reach it.
     */
    static final int MAX_COUNTS = 5_000;

    /**
     * Keeps a flush's counts until they are shipped, in batches of at most {@link #MAX_COUNTS}; false (and the clicks
     * of the batches not kept counted as dropped) when the outbox is full.
     */
    boolean keep(List<Count> counts) {
        boolean kept = true;
        for (int from = 0; from < counts.size(); from += MAX_COUNTS) {
            kept &= keepBatch(counts.subList(from, Math.min(counts.size(), from + MAX_COUNTS)));
        }
        return kept;
    }

    private boolean keepBatch(List<Count> counts) {
        if (waiting().size() >= maxBatches) {
            dropped.addAndGet(counts.stream().mapToLong(Count::clicks).sum());
            return false;
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("counts");
        for (Count c : counts) {
            list.addObject().put("code", c.code()).put("day", c.day().toString()).put("clicks", c.clicks());
        }
        long seq = next.getAndIncrement();
        Path file = dir.resolve(String.format("%016d.json", seq));
        Path tmp = dir.resolve(String.format("%016d.tmp", seq));
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a click batch in " + dir, e);
        }
    }

    /** Batches waiting, oldest first. */
    List<Path> waiting() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the click outbox " + dir, e);
        }
    }

    static String key(Path batch) {
        String name = batch.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    long dropped() {
        return dropped.get();
    }

    private static long seq(Path p) {
        String n = p.getFileName().toString();
        int dot = n.indexOf('.');
        try {
            return Long.parseLong(dot < 0 ? n : n.substring(0, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
