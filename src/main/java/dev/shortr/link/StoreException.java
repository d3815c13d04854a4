package dev.shortr.link;

/** The backing store failed (I/O, SQL, timeout). Carries context; maps to 503. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
