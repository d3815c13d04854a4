package dev.shortr.enrich;

import java.util.List;
import java.util.Set;

/**
 * The device class of a person's User-Agent, from uap-core's OS and device families plus two hints uap does
 * not spell out: Android tablets are Android without "Mobile" (Google's guidance to Android browsers), and
 * a TV is neither.
 */
final class Devices {
    static final String DESKTOP = "desktop";
    static final String MOBILE = "mobile";
    static final String TABLET = "tablet";
    static final String BOT = "bot";
    static final String OTHER = "other";

    private static final Set<String> MOBILE_OSES = Set.of(
            "iOS", "Windows Phone", "Windows Mobile", "BlackBerry OS", "KaiOS", "Symbian OS",
            "Firefox OS", "Sailfish");
    private static final Set<String> DESKTOP_OSES = Set.of(
            "Windows", "Mac OS X", "macOS", "Chrome OS", "Linux", "Ubuntu", "Kubuntu", "Debian", "Fedora", "Red Hat",
            "CentOS", "SUSE", "openSUSE", "Mint", "Linux Mint", "Arch Linux", "Gentoo", "Slackware", "Mandriva",
            "FreeBSD", "OpenBSD", "NetBSD", "Solaris");
    private static final List<String> TV_WORDS = List.of("smart-tv", "smarttv", "googletv", "android tv", "crkey", "bravia", "hbbtv", "appletv");

    private Devices() {
    }

    /** "tablet", "mobile", "desktop" or "other" for a person's agent; {@code lowerAgent} is the agent lower-cased. */
    static String of(String os, String device, String lowerAgent) {
        if (TV_WORDS.stream().anyMatch(lowerAgent::contains)) {
            return OTHER;
        }
        boolean android = os.equals("Android");
        if (device.equals("iPad") || device.equals("Kindle") || device.contains("Tablet") || os.contains("Tablet")
                || android && !lowerAgent.contains("mobile")) {
            return TABLET;
        }
        if (android || MOBILE_OSES.contains(os) || device.equals("iPhone") || device.equals("iPod")
                || device.equals("Generic Smartphone") || device.equals("Generic Feature Phone")) {
            return MOBILE;
        }
        return DESKTOP_OSES.contains(os) ? DESKTOP : OTHER;
    }
}
