package dev.shortr.enrich;

import java.util.List;

/**
 * The one table of automated clients that uap-core's "Spider" device does not settle on its own: link-preview
 * fetchers (a link pasted into a chat is "clicked" once per recipient app, by the app's server, before any
 * person does), uptime monitors, and generic crawler words. Matching is a case-insensitive substring test on
 * the User-Agent; preview and monitor win over crawler, because uap calls most of them Spider too.
 *
 * <p>Sources: each vendor's published User-Agent (Slack "api.slack.com/robots", Twitter/X "Twitterbot",
 * Meta "facebookexternalhit"/"Facebot", Apple's "Applebot" page and Messages, which sends
 * "facebookexternalhit/1.1 Facebot Twitterbot/1.0"; Discord, Telegram, LinkedIn, Pinterest, Reddit, Skype,
 * VK, Embedly, Iframely, Mastodon's "http.rb/... (Mastodon/...)" and Bluesky's "Cardyb"), and the docs of
 * UptimeRobot, Pingdom, StatusCake, Site24x7, Better Stack, Uptime Kuma, Datadog Synthetics, New Relic,
 * Checkly, Google Cloud Monitoring, Kubernetes probes, AWS ELB and the Prometheus blackbox exporter.
 * Command-line and library clients (curl, Wget, python-requests) are deliberately absent: a person may be
 * behind them, so they count as device "other", not as bots.
 */
final class Bots {
    static final String PREVIEW = "preview";
    static final String MONITOR = "monitor";
    static final String CRAWLER = "crawler";

    /** Lower-case substrings; see the class comment for where each comes from. */
    private static final List<String> PREVIEWS = List.of(
            "slackbot", "slack-imgproxy", "twitterbot", "facebookexternalhit", "facebot", "whatsapp", "discordbot",
            "telegrambot", "linkedinbot", "applebot", "pinterestbot", "redditbot", "skypeuripreview",
            "vkshare", "embedly", "iframely", "mastodon/", "cardyb");
    private static final List<String> MONITORS = List.of(
            "uptimerobot", "pingdom", "statuscake", "site24x7", "better uptime", "betteruptime", "better stack",
            "betterstack", "uptime-kuma", "uptime kuma", "datadog/synthetics", "datadogsynthetics", "newrelicpinger",
            "checkly", "googlestackdrivermonitoring", "kube-probe", "elb-healthchecker", "blackbox exporter",
            "blackbox-exporter");
    private static final List<String> CRAWLERS = List.of("bot", "crawl", "spider", "slurp", "archiver");
    /** Words that contain a crawler word but name a person's device: CUBOT is a phone maker. */
    private static final List<String> NOT_CRAWLERS = List.of("cubot");

    private Bots() {
    }

    /** The bot kind of {@code lowerAgent} (lower-cased), given whether uap called it a Spider; null for a person. */
    static String kind(String lowerAgent, boolean spider) {
        if (containsAny(lowerAgent, PREVIEWS)) {
            return PREVIEW;
        }
        if (containsAny(lowerAgent, MONITORS)) {
            return MONITOR;
        }
        if (spider || containsAny(withoutFalseFriends(lowerAgent), CRAWLERS)) {
            return CRAWLER;
        }
        return null;
    }

    private static String withoutFalseFriends(String lowerAgent) {
        String s = lowerAgent;
        for (String word : NOT_CRAWLERS) {
            s = s.replace(word, " ");
        }
        return s;
    }

    private static boolean containsAny(String s, List<String> words) {
        for (String word : words) {
            if (s.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
