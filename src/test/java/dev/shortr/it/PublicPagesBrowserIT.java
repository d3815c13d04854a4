package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;

/**
 * The pages a visitor of a short link sees, in headless Chromium: the redirect itself, the preview
 * ({@code /{code}+}), and the 404 and 410 pages. Each page is shown in light and dark mode and on a 360 px wide
 * phone screen, saved under target/screenshots/ and checked with axe-core. Targets are served by a small
 * loopback server, since there is no network.
 */
class PublicPagesBrowserIT {
    private static final String LONG_PATH = "/landing/a-rather-long-path-that-a-phone-cannot-show-on-one-line"
            + "?utm_source=newsletter&utm_medium=email&utm_campaign=autumn-sale-2026";

    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);
    static Browser browser;
    @RegisterExtension
    static final PerClassBrowser chromium = new PerClassBrowser(b -> browser = b);
    static HttpServer landing;
    static final List<String> landed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        landing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        landing.createContext("/", x -> {
            landed.add(x.getRequestURI().toString());
            byte[] page = "<!doctype html><html lang=en><title>Landed</title><h1>You have arrived</h1></html>"
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, page.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(page);
            }
        });
        landing.start();

        node.createLink("abc123", target(LONG_PATH), "\"title\": \"Autumn sale: everything must go\"");
        node.createLink("def456", target("/off"), null);
        HttpResponse<String> off = node.admin("PATCH", "/api/v1/links/def456", "{\"disabled\": true}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (landing != null) {
            landing.stop(0);
        }
    }

    static String target(String pathAndQuery) {
        return "http://127.0.0.1:" + landing.getAddress().getPort() + pathAndQuery;
    }

    @Test
    void aShortLinkLandsOnItsTarget() {
        node.createLink("go0001", target("/landing?from=shortr"), null);

        browser.open(node.baseUrl() + "/go0001");

        assertThat(browser.url()).isEqualTo(target("/landing?from=shortr"));
        assertThat(browser.title()).isEqualTo("Landed");
        assertThat(landed).contains("/landing?from=shortr");
    }

    @Test
    void thePreviewShowsWhereTheLinkGoesWithoutGoingThereAndContinueDoes() {
        browser.setWindowSize(1280, 800).emulateDarkMode(false).open(node.baseUrl() + "/abc123+");

        assertThat(browser.url()).as("the preview must not redirect").isEqualTo(node.baseUrl() + "/abc123+");
        String text = browser.driver().findElement(By.tagName("body")).getText();
        assertThat(text).contains("Autumn sale: everything must go", target(LONG_PATH), node.baseUrl() + "/abc123");

        browser.driver().findElement(By.linkText("Continue")).click();

        assertThat(browser.url()).isEqualTo(target(LONG_PATH));
        assertThat(browser.title()).isEqualTo("Landed");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            preview   | /abc123+ | Where this link goes
            not-found | /nosuch  | Link not found
            gone      | /def456  | Link no longer available
            """)
    void eachPublicPageReadsWellInLightAndDarkModeAndOnAPhone(String name, String path, String heading) {
        try {
            for (String mode : new String[] {"light", "dark", "360px"}) {
                boolean dark = mode.equals("dark");
                int width = mode.equals("360px") ? 360 : 1280;
                browser.setWindowSize(width, 800).emulateDarkMode(dark).open(node.baseUrl() + path);

                assertThat(browser.driver().findElement(By.tagName("h1")).getText()).as("%s, %s", name, mode).isEqualTo(heading);
                assertThat(browser.script("return window.innerWidth;")).as("viewport width, %s", mode).isEqualTo((long) width);
                assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth;"))
                        .as("%s, %s: nothing sticks out sideways, so there is no horizontal scrolling", name, mode).isEqualTo(true);
                double text = luminance(String.valueOf(browser.script("return getComputedStyle(document.body).color;")));
                if (dark) {
                    assertThat(text).as("%s, %s: light text on a dark page", name, mode).isGreaterThan(0.5);
                } else {
                    assertThat(text).as("%s, %s: dark text on a light page", name, mode).isLessThan(0.5);
                }
                browser.screenshot(name + "-" + mode);
                browser.assertNoSeriousViolations(name + " in " + mode);
            }
        } finally {
            browser.setWindowSize(1280, 800).emulateDarkMode(false);
        }
    }

    static Stream<Arguments> scriptsInTitles() {
        return Stream.of(
                Arguments.of("xss001", "<img src=x onerror=\"window.__xss=1\">"),
                Arguments.of("xss002", "<script>window.__xss=1</script>"),
                Arguments.of("xss003", "<svg onload=alert(1)>"),
                Arguments.of("xss004", "\"><iframe srcdoc='<script>parent.__xss=1</script>'>"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("scriptsInTitles")
    void aTitleIsShownAsTextAndNeverRunsAsScript(String code, String title) throws IOException {
        node.createLink(code, target("/xss"), "\"title\": " + TestNode.JSON.writeValueAsString(title));

        browser.open(node.baseUrl() + "/" + code + "+");

        browser.assertNoInjectedScriptRan();
        // the preview also sends a CSP that blocks scripts: this catches a lapse in escaping that the CSP hides
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).as("the title, as the visitor reads it")
                .contains(title);
    }

    @Test
    void aCodeInTheAddressIsShownAsTextAndNeverRunsAsScript() {
        browser.open(node.baseUrl() + "/%3Cimg%20src=x%20onerror=alert(1)%3E");

        browser.assertNoInjectedScriptRan();
        assertThat(browser.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Link not found");
        // today the code is echoed as it came on the wire (percent-encoded); decoded or not, it must stay text
        assertThat(browser.driver().findElement(By.cssSelector("main code")).getText()).contains("onerror=alert(1)");
        assertThat(browser.driver().findElements(By.cssSelector("main img"))).isEmpty();
    }

    /** Relative luminance (0 black .. 1 white) of a CSS {@code rgb(r, g, b)} or {@code rgba(...)} colour. */
    private static double luminance(String css) {
        String[] parts = css.replaceAll("[^0-9.,]", "").split(",");
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double s = Double.parseDouble(parts[i]) / 255;
            c[i] = s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
}
