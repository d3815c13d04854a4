package dev.shortr.link;

import java.time.Instant;
import java.util.List;

/**
 * A short link as stored. {@code id} and {@code seq} are assigned by the store: {@code id} is the insertion
 * order (pagination cursor, click key), {@code seq} the change sequence of the last mutation.
 *
 * @param cacheSeconds browser lifetime of the redirect (and, without a CDN set up, any cache's); null means the
 *                     default for the redirect type
 * @param owner        id of the API key that created it; null for anonymous links
 * @param track        false: its clicks are counted (and told apart as bots or not) but nothing about its
 *                     visitors is recorded
 * @param cdnSeconds   how long a CDN (a shared cache) may keep the redirect ({@code s-maxage}) when shortr is set up
 *                     behind one; null means the node's default for links browsers may cache, 0 that no CDN keeps it
 */
public record Link(
        long id,
        ShortCode code,
        TargetUrl target,
        RedirectType redirect,
        Integer cacheSeconds,
        boolean forwardQuery,
        Instant expiresAt,
        Long maxClicks,
        List<String> tags,
        String title,
        String owner,
        boolean disabled,
        Instant createdAt,
        Instant updatedAt,
        long seq,
        boolean track,
        Integer cdnSeconds) {

    public static final int MAX_TAGS = 32;
    public static final int MAX_TAG_LENGTH = 64;
    public static final int MAX_TITLE_LENGTH = 512;
    /** Ten years: long enough for "forever", short enough to stay an int. */
    public static final int MAX_CACHE_SECONDS = 315_360_000;

    public Link {
        if (code == null || target == null || redirect == null || createdAt == null || updatedAt == null) {
            throw new IllegalArgumentException("code, target, redirect and timestamps are required");
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
        if (cacheSeconds != null && (cacheSeconds < 0 || cacheSeconds > MAX_CACHE_SECONDS)) {
            throw new InvalidInputException("cacheSeconds", "cacheSeconds must be between 0 and " + MAX_CACHE_SECONDS);
        }
        if (cdnSeconds != null && (cdnSeconds < 0 || cdnSeconds > MAX_CACHE_SECONDS)) {
            throw new InvalidInputException("cdnSeconds", "cdnSeconds must be between 0 and " + MAX_CACHE_SECONDS);
        }
        if (maxClicks != null && maxClicks < 1) {
            throw new InvalidInputException("maxClicks", "maxClicks must be at least 1");
        }
        if (tags.size() > MAX_TAGS) {
            throw new InvalidInputException("tags", "at most " + MAX_TAGS + " tags");
        }
        for (String t : tags) {
            checkTag(t);
        }
        if (title != null && title.length() > MAX_TITLE_LENGTH) {
            throw new InvalidInputException("title", "title must be at most " + MAX_TITLE_LENGTH + " characters");
        }
        if (title != null && hasControl(title)) {
            throw new InvalidInputException("title", "title must not contain control characters");
        }
    }

    static void checkTag(String t) {
        if (t == null || t.isBlank() || t.length() > MAX_TAG_LENGTH || hasControl(t) || t.indexOf(',') >= 0) {
            throw new InvalidInputException("tags", "each tag must be 1.." + MAX_TAG_LENGTH + " characters, without commas or control characters");
        }
    }

    /** Control characters, or UTF-16 that is not well formed (a lone surrogate cannot be stored or shown). */
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** What happens when someone opens this link at {@code now}, having been clicked {@code clicks} times. */
    public Resolution resolve(Instant now, long clicks) {
        if (disabled) {
            return new Resolution.Gone(this, Resolution.Reason.DISABLED);
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return new Resolution.Gone(this, Resolution.Reason.EXPIRED);
        }
        if (maxClicks != null && clicks >= maxClicks) {
            return new Resolution.Gone(this, Resolution.Reason.EXHAUSTED);
        }
        return new Resolution.Found(this);
    }

    /** Seconds a client or shared cache may keep the redirect. */
    public int effectiveCacheSeconds(int permanentDefault) {
        if (cacheSeconds != null) {
            return cacheSeconds;
        }
        return redirect.permanent() ? permanentDefault : 0;
    }

    /** A link with the node's default CDN lifetime. */
    public Link(long id, ShortCode code, TargetUrl target, RedirectType redirect, Integer cacheSeconds, boolean forwardQuery,
                Instant expiresAt, Long maxClicks, List<String> tags, String title, String owner, boolean disabled,
                Instant createdAt, Instant updatedAt, long seq, boolean track) {
        this(id, code, target, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title, owner, disabled,
                createdAt, updatedAt, seq, track, null);
    }

    /** A tracked link (the default). */
    public Link(long id, ShortCode code, TargetUrl target, RedirectType redirect, Integer cacheSeconds, boolean forwardQuery,
                Instant expiresAt, Long maxClicks, List<String> tags, String title, String owner, boolean disabled,
                Instant createdAt, Instant updatedAt, long seq) {
        this(id, code, target, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title, owner, disabled,
                createdAt, updatedAt, seq, true);
    }

    public Link withStoreFields(long newId, long newSeq) {
        return new Link(newId, code, target, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title,
                owner, disabled, createdAt, updatedAt, newSeq, track, cdnSeconds);
    }
}
