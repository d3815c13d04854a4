package dev.shortr.analytics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small ids for values (agent classes, referrer hosts, locations), 1 and up; 0 stands for null. Ids stay
 * valid until the owner replaces the interner; {@link #snapshot} freezes the table a batch decodes with.
 * Not thread-safe.
 */
final class Interner<T> {
    private final Map<T, Integer> ids = new HashMap<>();
    private final List<T> values = new ArrayList<>();

    int id(T value) {
        if (value == null) {
            return 0;
        }
        Integer id = ids.get(value);
        if (id == null) {
            values.add(value);
            id = values.size();
            ids.put(value, id);
        }
        return id;
    }

    /** The value of an id this interner gave out (null for 0). */
    T valueOf(int id) {
        return id == 0 ? null : values.get(id - 1);
    }

    int size() {
        return values.size();
    }

    /** The values by id (index 0 is null), for decoding on another thread. */
    Object[] snapshot() {
        Object[] out = new Object[values.size() + 1];
        for (int i = 0; i < values.size(); i++) {
            out[i + 1] = values.get(i);
        }
        return out;
    }
}
