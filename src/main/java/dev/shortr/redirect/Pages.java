package dev.shortr.redirect;

import dev.shortr.link.Link;
import dev.shortr.link.Resolution;

/** The small public HTML pages: not found, gone, preview. Every user-supplied string is escaped. */
final class Pages {
    /** The one stylesheet of these pages, inline so that a page is one response. */
    private static final String STYLE = ":root{color-scheme:light dark;background:Canvas;color:CanvasText}body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:10vh auto;padding:0 1rem}"
            + "code{font-size:1.05em}.u{word-break:break-all}.b{display:inline-block;padding:.5rem 1rem;border:1px solid;border-radius:.4rem;text-decoration:none}"
            + "a:focus-visible{outline:3px solid;outline-offset:2px}";
    /**
     * No script at all, and no style but {@link #STYLE} (allowed by its hash, not by 'unsafe-inline'): even if
     * escaping failed somewhere, injected markup could neither run nor restyle the page.
     */
    static final String CSP = "default-src 'none'; style-src '" + sha256(STYLE) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private Pages() {}

    private static String sha256(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256-" + java.util.Base64.getEncoder().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String notFound(String code) {
        return page("Link not found", "<h1>Link not found</h1><p>There is no short link <code>" + esc(code)
                + "</code>. Check the address for typos; codes are case-sensitive.</p>");
    }

    static String gone(String code, Resolution.Reason reason) {
        String why = switch (reason) {
            case EXPIRED -> "has expired";
            case DISABLED -> "has been disabled by its owner";
            case EXHAUSTED -> "has reached its click limit";
            case DELETED -> "has been deleted by its owner";
        };
        return page("Link no longer available", "<h1>Link no longer available</h1><p>The short link <code>" + esc(code)
                + "</code> " + why + ".</p>");
    }

    static String preview(Link link, String shortUrl) {
        String title = link.title() == null ? "" : "<p class=t>" + esc(link.title()) + "</p>";
        return page("Preview of " + link.code().value(), "<h1>Where this link goes</h1>" + title
                + "<p><code>" + esc(shortUrl) + "</code> redirects to:</p><p class=u><a rel=\"noopener noreferrer nofollow\" href=\""
                + esc(link.target().value()) + "\">" + esc(link.target().value()) + "</a></p>"
                + "<p><a class=b rel=\"noopener noreferrer nofollow\" href=\"" + esc(link.target().value()) + "\">Continue</a></p>");
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\">"
                + "<meta name=robots content=noindex><title>" + esc(title) + " · shortr</title><style>" + STYLE
                + "</style></head><body><main>" + body + "</main></body></html>";
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
