package dev.shortr.visit;

import java.time.LocalDate;

/** Clicks of one link on one UTC day. */
public record DailyClicks(LocalDate day, long clicks) {}
