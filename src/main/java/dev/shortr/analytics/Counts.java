package dev.shortr.analytics;

/** Clicks, the bots among them, and HEAD requests (never clicks), for one period or one dimension value. */
public record Counts(long clicks, long bots, long heads) {
    public static final Counts ZERO = new Counts(0, 0, 0);

    public long humans() {
        return clicks - bots;
    }

    public Counts plus(Counts o) {
        return new Counts(clicks + o.clicks, bots + o.bots, heads + o.heads);
    }
}
