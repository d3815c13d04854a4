package dev.shortr.webhook;

import java.time.Instant;

/** How one attempt at a delivery ended, as the store records it. */
public sealed interface Attempt {
    Instant at();

    /** A 2xx answer: done. */
    record Delivered(int status, Instant at) implements Attempt {}

    /** No 2xx answer; tried again at {@code next}. {@code status} is null when no answer came. */
    record Retry(Integer status, String error, Instant at, Instant next) implements Attempt {}

    /** No 2xx answer, and that was the last attempt allowed: the delivery is failed. */
    record GaveUp(Integer status, String error, Instant at) implements Attempt {}
}
