package dev.shortr.migrate;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.auth.KeyStore;
import dev.shortr.link.LinkStore;
import dev.shortr.visit.ClickStore;

/** The store ports of one side of a migration, as an adapter set opens them. */
public record Ports(LinkStore links, KeyStore keys, ClickStore clicks, AnalyticsStore analytics) {}
