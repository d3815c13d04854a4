package dev.shortr.store.memory;

import dev.shortr.cdn.PurgeCursors;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/** {@link PurgeCursors} in the heap, under one lock. */
public final class MemoryPurgeCursors implements PurgeCursors {
    private record Row(long seq, String holder, long leaseUntil) {}

    private final Map<String, Row> rows = new HashMap<>();

    @Override
    public synchronized OptionalLong claim(String target, String holder, Instant now, Instant until, long startSeq) {
        Row row = rows.get(target);
        if (row == null) {
            row = new Row(startSeq, holder, 0);
        } else if (!row.holder().equals(holder) && row.leaseUntil() > now.toEpochMilli()) {
            return OptionalLong.empty();
        }
        rows.put(target, new Row(row.seq(), holder, until.toEpochMilli()));
        return OptionalLong.of(row.seq());
    }

    @Override
    public synchronized boolean advance(String target, String holder, long seq) {
        Row row = rows.get(target);
        if (row == null || !row.holder().equals(holder)) {
            return false;
        }
        rows.put(target, new Row(Math.max(row.seq(), seq), holder, row.leaseUntil()));
        return true;
    }
}
