package dev.shortr.link;

/** The HTTP status a redirect answers with (RFC 9110 §15.4). */
public enum RedirectType {
    /** Permanent, method may change to GET. Browsers cache it hard: later edits are hidden. */
    MOVED_PERMANENTLY(301),
    /** Temporary, method may change to GET. The default: every click reaches us. */
    FOUND(302),
    /** Temporary, method preserved. */
    TEMPORARY_REDIRECT(307),
    /** Permanent, method preserved. */
    PERMANENT_REDIRECT(308);

    public static final RedirectType DEFAULT = FOUND;

    private final int status;

    RedirectType(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean permanent() {
        return this == MOVED_PERMANENTLY || this == PERMANENT_REDIRECT;
    }

    public static RedirectType of(int status) {
        for (RedirectType t : values()) {
            if (t.status == status) {
                return t;
            }
        }
        throw new IllegalArgumentException("redirect must be one of 301, 302, 307, 308, not " + status);
    }
}
