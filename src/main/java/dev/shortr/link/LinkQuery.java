package dev.shortr.link;

import java.time.Instant;

/**
 * A filtered, cursor-paged listing, newest first (or oldest first).
 *
 * @param owner         only links of this key id, or null for all
 * @param tag           exact tag, or null
 * @param search        case-insensitive substring of code, target or title, or null
 * @param createdFrom   inclusive lower bound, or null
 * @param createdBefore exclusive upper bound, or null
 * @param afterId       the cursor: only links with an id below this one, or above it when {@code oldestFirst}
 *                      (0 = from the newest, or the oldest)
 * @param oldestFirst   ascending creation order instead of the default descending one
 */
public record LinkQuery(String owner, String tag, String search, Instant createdFrom, Instant createdBefore,
                        long afterId, int limit, boolean oldestFirst) {
    public static final int MAX_LIMIT = 1000;

    public LinkQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (afterId < 0) {
            throw new InvalidInputException("cursor", "cursor is not valid");
        }
        if (search != null && search.length() > 256) {
            throw new InvalidInputException("q", "search text must be at most 256 characters");
        }
    }

    /** Newest first. */
    public LinkQuery(String owner, String tag, String search, Instant createdFrom, Instant createdBefore, long afterId, int limit) {
        this(owner, tag, search, createdFrom, createdBefore, afterId, limit, false);
    }

    public static LinkQuery all(int limit) {
        return new LinkQuery(null, null, null, null, null, 0, limit);
    }

    /** True when {@code link} passes every filter except the cursor (for the in-memory store and tests). */
    public boolean matches(Link link) {
        if (owner != null && !owner.equals(link.owner())) {
            return false;
        }
        if (tag != null && !link.tags().contains(tag)) {
            return false;
        }
        if (createdFrom != null && link.createdAt().isBefore(createdFrom)) {
            return false;
        }
        if (createdBefore != null && !link.createdAt().isBefore(createdBefore)) {
            return false;
        }
        if (search != null && !search.isEmpty()) {
            String s = search.toLowerCase(java.util.Locale.ROOT);
            return link.code().value().toLowerCase(java.util.Locale.ROOT).contains(s)
                    || link.target().value().toLowerCase(java.util.Locale.ROOT).contains(s)
                    || (link.title() != null && link.title().toLowerCase(java.util.Locale.ROOT).contains(s));
        }
        return true;
    }
}
