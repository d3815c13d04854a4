package dev.shortr.cdn;

/** How one purge went at one target. */
sealed interface Sent {
    /** Every copy it was asked about is gone (or was never there). */
    record Done() implements Sent {}

    /** It did not go through: {@code why} is one line for the log ("HTTP 503: ...", "connection refused"). */
    record Failed(String why) implements Sent {}

    Sent DONE = new Done();
}
