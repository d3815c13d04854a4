package dev.shortr.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Clicks summed per link until the window closes, then turned into {@code link.clicked} events. A window opens
 * with its first click and closes {@code length} later, or early once {@value #MAX_LINKS} links wait (the bound
 * on memory). Its links go out in events of at most {@value #LINKS_PER_EVENT}, busiest first; all of them carry
 * the same window. Thread-safe: clicks come from the click flusher, closing from the webhook worker.
 */
final class ClickWindow {
    static final int MAX_LINKS = 100_000;
    static final int LINKS_PER_EVENT = 1_000;

    private final Duration length;
    private final Map<Long, Tally> tallies = new HashMap<>();
    private Instant openedAt;

    private static final class Tally {
        String code;
        long clicks;

        Tally(String code) {
            this.code = code;
        }
    }

    ClickWindow(Duration length) {
        this.length = length;
    }

    /** Adds {@code clicks} to link {@code linkId}; true when the window is full and should close now. */
    synchronized boolean add(long linkId, String code, long clicks, Instant now) {
        if (clicks <= 0 || code == null) {
            return false;
        }
        if (openedAt == null) {
            openedAt = now;
        }
        Tally t = tallies.computeIfAbsent(linkId, id -> new Tally(code));
        t.code = code; // a link's code never changes, but the latest word wins if it did
        t.clicks += clicks;
        return tallies.size() >= MAX_LINKS;
    }

    /** When the open window closes, or null when no window is open. */
    synchronized Instant closesAt() {
        return openedAt == null ? null : openedAt.plus(length);
    }

    /**
     * Closes the window if it is due at {@code now} (or full, or {@code force}) and returns its events, with ids
     * from {@code ids}; otherwise returns nothing.
     */
    synchronized List<Event> close(Instant now, boolean force, Supplier<String> ids) {
        if (openedAt == null || !(force || tallies.size() >= MAX_LINKS || !now.isBefore(openedAt.plus(length)))) {
            return List.of();
        }
        List<Payloads.LinkClicks> links = new ArrayList<>(tallies.size());
        tallies.values().forEach(t -> links.add(new Payloads.LinkClicks(t.code, t.clicks)));
        links.sort(Comparator.comparingLong(Payloads.LinkClicks::clicks).reversed().thenComparing(Payloads.LinkClicks::code));
        Instant from = openedAt;
        tallies.clear();
        openedAt = null;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < links.size(); i += LINKS_PER_EVENT) {
            events.add(Payloads.clicked(ids.get(), from, now, links.subList(i, Math.min(links.size(), i + LINKS_PER_EVENT))));
        }
        return events;
    }
}
