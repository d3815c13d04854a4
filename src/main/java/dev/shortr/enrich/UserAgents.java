package dev.shortr.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Locale;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Browser, OS, device type and bot kind from a {@code User-Agent}, with ua-parser's regexes and our own table
 * of link-preview fetchers and monitors (ua-parser files those under "Spider" or not at all). Results are
 * cached by the user-agent string; a few thousand distinct agents make up almost all real traffic.
 */
public final class UserAgents {
    private static final int MAX_LENGTH = 1024;

    /** What an agent is. {@code device} is desktop, mobile, tablet, bot or other; {@code botKind} null for humans. */
    public record Agent(String browser, String os, String device, boolean bot, String botKind) {
        public static final Agent UNKNOWN = new Agent("Other", "Other", "other", false, null);
    }

    /**
     * Substrings (lower case) of agents that fetch a link to show a preview of it, from the fetchers' own
     * documentation: Slack, X/Twitter, Facebook, WhatsApp, Discord, Telegram, LinkedIn, Apple's iMessage
     * (which sends "facebookexternalhit/1.1 Facebot Twitterbot/1.0"), Pinterest, Reddit, Skype, VK, Embedly, Iframely.
     */
    static final List<String> PREVIEW = List.of("slackbot", "slack-imgproxy", "twitterbot", "facebookexternalhit", "facebot",
            "whatsapp", "discordbot", "telegrambot", "linkedinbot", "applebot", "pinterestbot", "pinterest/", "redditbot",
            "skypeuripreview", "vkshare", "embedly", "iframely", "snapchat", "viber", "mastodon");
    /** Uptime and synthetic monitoring services, from their documented agents. */
    static final List<String> MONITOR = List.of("uptimerobot", "pingdom", "statuscake", "site24x7", "betteruptime",
            "better uptime", "betterstack", "uptime-kuma", "datadog", "newrelicpinger", "checkly", "googlestackdrivermonitoring",
            "kube-probe", "elb-healthchecker", "blackbox-exporter", "freshping", "hetrixtools", "uptime.com", "updown.io");
    /** Crawlers ua-parser may miss. */
    static final List<String> CRAWLER = List.of("bot/", "bot;", "crawler", "spider", "slurp", "bingpreview", "headlesschrome",
            "python-scrapy", "ahrefs", "semrush", "mj12bot", "yandex", "baiduspider", "petalbot", "gptbot", "ccbot");

    private final Parser parser = new Parser();
    private final Cache<String, Agent> cache;

    public UserAgents(int cacheSize) {
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    public Agent parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return Agent.UNKNOWN;
        }
        String ua = userAgent.length() > MAX_LENGTH ? userAgent.substring(0, MAX_LENGTH) : userAgent;
        return cache.get(ua, this::classify);
    }

    private Agent classify(String ua) {
        String lower = ua.toLowerCase(Locale.ROOT);
        Client c;
        try {
            c = parser.parse(ua);
        } catch (RuntimeException e) {
            c = null; // a pathological agent: classify it by our tables alone
        }
        String browser = c == null ? "Other" : c.userAgent.family;
        String os = c == null ? "Other" : c.os.family;
        String deviceFamily = c == null ? "Other" : c.device.family;
        String kind = kind(lower, "Spider".equals(deviceFamily));
        if (kind != null) {
            return new Agent(browser, os, "bot", true, kind);
        }
        return new Agent(browser, os, device(lower, os, deviceFamily), false, null);
    }

    private static String kind(String lower, boolean spider) {
        if (PREVIEW.stream().anyMatch(lower::contains)) {
            return "preview";
        }
        if (MONITOR.stream().anyMatch(lower::contains)) {
            return "monitor";
        }
        if (spider || CRAWLER.stream().anyMatch(lower::contains)) {
            return "crawler";
        }
        return null;
    }

    private static String device(String lower, String os, String family) {
        if (lower.contains("ipad") || lower.contains("tablet") || (os.equals("Android") && !lower.contains("mobile"))) {
            return "tablet";
        }
        if (lower.contains("iphone") || lower.contains("mobile") || os.equals("iOS") || os.equals("Android")) {
            return "mobile";
        }
        return switch (os) {
            case "Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Fedora", "Chrome OS", "ChromeOS", "FreeBSD" -> "desktop";
            default -> "other";
        };
    }
}
