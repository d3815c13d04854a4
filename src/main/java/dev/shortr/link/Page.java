package dev.shortr.link;

import java.util.List;

/** One page of a listing; {@code nextAfterId} is 0 when this is the last page. */
public record Page<T>(List<T> items, long nextAfterId) {
    public Page {
        items = List.copyOf(items);
    }
}
