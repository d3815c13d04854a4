package dev.shortr.visit;

import java.time.LocalDate;

/** An increment to apply: {@code clicks} more clicks for link {@code linkId} on {@code day} (UTC). */
public record ClickTally(long linkId, LocalDate day, long clicks) {}
