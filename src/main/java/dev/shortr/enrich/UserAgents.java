package dev.shortr.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Browser, OS, device class and bot kind from a User-Agent, by uap-core's regexes (uap-java) and our own
 * {@link Bots} table. A miss costs 1-15 ms of regex matching, so answers are cached by User-Agent in a
 * bounded Caffeine cache; the same few hundred agents make most clicks. Input is cut to
 * {@value #MAX_LENGTH} characters first, which bounds both the regex work and the cache's memory. Never
 * throws on the agent's content. Thread-safe.
 */
public final class UserAgents {
    /**
     * What a User-Agent says about the client.
     *
     * @param device  "desktop", "mobile", "tablet", "bot" or "other"
     * @param botKind null for a person, else "crawler", "preview" (a chat app fetching a link preview) or
     *                "monitor" (an uptime check)
     */
    public record Agent(String browser, String os, String device, boolean bot, String botKind) {
        private static final Set<String> DEVICES = Set.of(Devices.DESKTOP, Devices.MOBILE, Devices.TABLET, Devices.BOT, Devices.OTHER);
        private static final Set<String> BOT_KINDS = Set.of(Bots.CRAWLER, Bots.PREVIEW, Bots.MONITOR);

        /** For a missing or blank User-Agent. */
        public static final Agent UNKNOWN = new Agent("Other", "Other", Devices.OTHER, false, null);

        public Agent {
            Objects.requireNonNull(browser, "browser");
            Objects.requireNonNull(os, "os");
            Objects.requireNonNull(device, "device");
            if (!DEVICES.contains(device) || botKind != null && !BOT_KINDS.contains(botKind)
                    || bot != (botKind != null) || bot != device.equals(Devices.BOT)) {
                throw new IllegalArgumentException("agent: bot=%s botKind=%s device=%s disagree".formatted(bot, botKind, device));
            }
        }
    }

    static final int MAX_LENGTH = 1024;

    private final Parser parser = new Parser();
    private final Cache<String, Agent> cache;

    /** Loads uap-core's regexes (about half a second) and caches up to {@code cacheSize} distinct agents. */
    public UserAgents(int cacheSize) {
        if (cacheSize < 0) {
            throw new IllegalArgumentException("user agent cache size must not be negative, was " + cacheSize);
        }
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    /** What {@code userAgent} says; {@link Agent#UNKNOWN} for null or blank. */
    public Agent parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return Agent.UNKNOWN;
        }
        return cache.get(capped(userAgent), this::classify);
    }

    /** The first {@value #MAX_LENGTH} characters of {@code userAgent}, not ending in half a surrogate pair. */
    static String capped(String userAgent) {
        if (userAgent.length() <= MAX_LENGTH) {
            return userAgent;
        }
        int end = Character.isHighSurrogate(userAgent.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
        return userAgent.substring(0, end);
    }

    private Agent classify(String userAgent) {
        String lower = userAgent.toLowerCase(Locale.ROOT);
        Client client = uap(userAgent);
        String browser = family(client == null ? null : client.userAgent.family);
        String os = family(client == null ? null : client.os.family);
        String device = family(client == null ? null : client.device.family);
        String botKind = Bots.kind(lower, device.equals("Spider"));
        if (botKind != null) {
            return new Agent(browser, os, Devices.BOT, true, botKind);
        }
        return new Agent(browser, os, Devices.of(os, device, lower), false, null);
    }

    /** uap's reading, or null when its parser fails on this input (it should not, but the input is anyone's). */
    private Client uap(String userAgent) {
        try {
            return parser.parse(userAgent);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String family(String family) {
        return family == null || family.isBlank() ? "Other" : family;
    }
}
