package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium: a person's whole journey (sign in, shorten, follow, see the click,
 * edit, follow again, delete), script payloads in user data, a cross-site form post, and the look of the pages
 * (screenshots under {@code target/screenshots/ui-*.png}, axe-core on each).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserIT {
    private static TestNode node;
    private static Browser browser;
    /** The targets the short links point to, and an attacker's page on another origin of the same site. */
    private static HttpServer sites;

    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @RegisterExtension
    static final PerClassBrowser chromium = new PerClassBrowser(b -> browser = b);

    @BeforeAll
    static void startSites() throws IOException {
        sites = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String name : List.of("first", "second")) {
            sites.createContext("/" + name, ex -> {
                byte[] page = ("<!doctype html><html lang=en><title>" + name + " target</title><h1>" + name + "</h1></html>")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, page.length);
                ex.getResponseBody().write(page);
                ex.close();
            });
        }
        // a page elsewhere that makes the signed-in browser post a form to the API (SameSite=Strict does not
        // stop it: another port of the same host is the same site)
        sites.createContext("/attack", ex -> {
            byte[] page = ("<!doctype html><html lang=en><title>attack</title><form id=f method=post action=\"http://127.0.0.1:"
                    + node.port() + "/api/v1/links\" enctype=\"text/plain\"><input name='{\"url\":\"https://evil.example/csrf\",\"x\":\"' value='\"}'>"
                    + "</form><script>document.getElementById('f').submit()</script></html>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        sites.start();
    }

    @AfterAll
    static void stopSites() {
        if (sites != null) {
            sites.stop(0);
        }
    }

    private static String site(String path) {
        return "http://127.0.0.1:" + sites.getAddress().getPort() + path;
    }

    private static String ui(String fragment) {
        return "http://127.0.0.1:" + node.port() + "/ui" + fragment;
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(10));
    }

    private static WebElement visible(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void signIn() {
        browser.setWindowSize(1280, 900).emulateDarkMode(false).open("about:blank").open(ui("#/")); // a fresh page
        // the page asks the server who is signed in first: the sign-in form or the links come after that
        waiting().until(ExpectedConditions.or(ExpectedConditions.visibilityOfElementLocated(By.id("key")),
                ExpectedConditions.visibilityOfElementLocated(By.id("url"))));
        if (!browser.driver().findElements(By.id("key")).isEmpty()) {
            visible(By.id("key")).sendKeys(node.adminKey(), Keys.ENTER);
        }
        visible(By.id("url"));
    }

    @Test
    @Order(1)
    void theWholeJourney() {
        browser.open(ui(""));
        visible(By.id("key"));
        assertThat(browser.url()).endsWith("#/signin");
        browser.screenshot("ui-signin");
        browser.assertNoSeriousViolations("sign-in page");
        visible(By.id("key")).sendKeys("sk_wrong_key", Keys.ENTER);
        assertThat(visible(By.cssSelector("form .error")).getText()).contains("not valid");

        WebElement key = visible(By.id("key"));
        key.clear();
        key.sendKeys(node.adminKey(), Keys.ENTER);
        // the fast path: paste a URL, press Enter
        visible(By.id("url")).sendKeys(site("/first"), Keys.ENTER);
        WebElement shortLink = visible(By.cssSelector(".result a.short"));
        String shortUrl = shortLink.getText();
        String code = shortUrl.substring(shortUrl.lastIndexOf('/') + 1);
        assertThat(shortUrl).startsWith("http://").contains("/" + code);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.links tbody"), code));
        browser.screenshot("ui-list");
        browser.assertNoSeriousViolations("link list");
        // the key never reaches page scripts
        assertThat((String) browser.script("return document.cookie")).doesNotContain("sk_");

        browser.open(shortUrl);
        waiting().until(ExpectedConditions.titleIs("first target"));
        assertThat(browser.url()).isEqualTo(site("/first"));

        // back in the UI, the click shows in the totals and the chart
        browser.open(ui("#/l/" + code));
        // cards: clicks (all time), clicks in range, humans, bots, unique visitors (counters land within 50 ms here)
        waiting().ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("form.filters button[type=submit]")).click();
            List<String> n = d.findElements(By.cssSelector(".stat b")).stream().map(WebElement::getText).toList();
            return n.size() == 5 && n.get(0).equals("1") && n.get(1).equals("1")
                    && Integer.parseInt(n.get(2)) + Integer.parseInt(n.get(3)) == 1;
        });
        visible(By.cssSelector(".chart .uplot canvas"));
        browser.fullPageScreenshot("ui-detail");
        browser.assertNoSeriousViolations("link detail");

        // edit the target, follow again
        WebElement target = visible(By.id("e-url"));
        target.clear();
        target.sendKeys(site("/second"));
        browser.driver().findElement(By.cssSelector("form[aria-labelledby=edit-h] button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("dl.props"), site("/second")));
        browser.open(shortUrl);
        waiting().until(ExpectedConditions.titleIs("second target"));

        // delete, with confirmation, and the short link is gone
        browser.open(ui("#/l/" + code));
        visible(By.cssSelector("button.danger")).click();
        visible(By.cssSelector("dialog button[value=delete]")).click();
        waiting().until(ExpectedConditions.urlMatches("#/$"));
        browser.open(shortUrl);
        waiting().until(ExpectedConditions.titleContains("no longer available"));
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("has been deleted");
        assertThat(node.get("/" + code).statusCode()).isEqualTo(410);

        // signing out forgets the session: the UI asks for a key again, and the API no longer knows this browser
        browser.open(ui("#/"));
        visible(By.cssSelector("#nav button")).click();
        visible(By.id("key"));
        assertThat(browser.driver().manage().getCookieNamed("shortr_session")).isNull();
        browser.open(ui("#/"));
        visible(By.id("key"));
    }

    @Test
    @Order(2)
    void darkModeAndAPhoneWidth() {
        node.createLink("uishot1", "https://example.com/a/rather/long/path/that/has/to/wrap/on/a/phone?utm_source=newsletter", null);
        signIn();
        browser.emulateDarkMode(true).open(ui("#/"));
        visible(By.id("url"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.links tbody"), "uishot1"));
        String background = (String) browser.script("return getComputedStyle(document.body).backgroundColor");
        assertThat(background).isEqualTo("rgb(17, 19, 23)");
        browser.screenshot("ui-list-dark");
        browser.assertNoSeriousViolations("link list, dark");
        browser.open(ui("#/l/uishot1"));
        visible(By.cssSelector(".stat"));
        browser.fullPageScreenshot("ui-detail-dark");
        browser.assertNoSeriousViolations("link detail, dark");

        browser.emulateDarkMode(false).setWindowSize(360, 800).open(ui("#/"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.links tbody"), "uishot1"));
        long overflow = (Long) browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow).as("horizontal scrolling at 360 px").isLessThanOrEqualTo(0);
        browser.fullPageScreenshot("ui-list-mobile");
        browser.assertNoSeriousViolations("link list, 360 px");
        browser.setWindowSize(1280, 900);
    }

    @Test
    @Order(3)
    void scriptPayloadsInTitlesTargetsAndTagsAreShownAsText() {
        String title = "<img src=x onerror=\"window.__xss='title'\"><script>window.__xss='title2'</script>";
        HttpResponse<String> r = node.admin("POST", "/api/v1/links", "{\"url\": \"https://example.com/?q=%3Cscript%3Ewindow.__xss=1%3C/script%3E\","
                + " \"code\": \"uixss1\", \"title\": " + TestNode.JSON.valueToTree(title) + ", \"tags\": [\"<b onmouseover=alert(1)>t</b>\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        signIn();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.links tbody"), "uixss1"));
        browser.assertNoInjectedScriptRan();
        assertThat(browser.driver().findElement(By.cssSelector("table.links tbody")).getText()).contains(title, "<b onmouseover=alert(1)>t</b>");
        browser.open(ui("#/l/uixss1"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("dl.props"), title));
        browser.assertNoInjectedScriptRan();
        assertThat((Long) browser.script("return document.querySelectorAll('main img[src=x], main script, main b[onmouseover]').length")).isZero();
    }

    @Test
    @Order(4)
    void aCrossSiteFormPostIsRefused() {
        signIn();
        browser.open(site("/attack"));
        waiting().until(d -> d.getCurrentUrl().contains("/api/v1/links"));
        assertThat(browser.driver().getPageSource()).contains("csrf");
        JsonNode found = TestNode.parse(node.admin("GET", "/api/v1/links?q=evil.example", null).body());
        assertThat(found.get("items")).as("a link created by the attack").isEmpty();

        // even from our own origin, a script that does not send the session's token (say, one injected
        // somehow) cannot change anything; the page's own calls, which send it, can
        signIn();
        Object status = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/links', {method: 'POST', headers: {'content-type': 'application/json'},"
                + " body: JSON.stringify({url: 'https://evil.example/no-token'})}).then(r => done(r.status), e => done(String(e)));");
        assertThat(status).isEqualTo(403L);
        assertThat(TestNode.parse(node.admin("GET", "/api/v1/links?q=no-token", null).body()).get("items")).isEmpty();
    }

    @Test
    @Order(10)
    void theAdvancedOptionsOfOneLinkDoNotSlipIntoTheNext() {
        signIn();
        visible(By.cssSelector("details > summary")).click();
        visible(By.id("c-title")).sendKeys("Campaign A");
        visible(By.id("c-max")).sendKeys("3");
        visible(By.id("url")).sendKeys("https://example.com/adv/first", Keys.ENTER);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".result"), "/"));
        String first = browser.driver().findElement(By.cssSelector(".result a.short")).getText();
        assertThat(visible(By.id("c-title")).getAttribute("value")).isEmpty();
        visible(By.id("url")).sendKeys("https://example.com/adv/second", Keys.ENTER);
        waiting().ignoring(StaleElementReferenceException.class).until(d -> !d.findElement(By.cssSelector(".result a.short")).getText().equals(first));
        JsonNode second = TestNode.parse(node.admin("GET", "/api/v1/links?q=adv/second", null).body()).get("items").get(0);
        assertThat(second.get("title").isNull()).isTrue();
        assertThat(second.get("maxClicks").isNull()).isTrue();
        JsonNode one = TestNode.parse(node.admin("GET", "/api/v1/links?q=adv/first", null).body()).get("items").get(0);
        assertThat(one.get("title").asText()).isEqualTo("Campaign A");
        assertThat(one.get("maxClicks").asLong()).isEqualTo(3);
    }

    @Test
    @Order(11)
    void savingAnEditSendsOnlyWhatChanged() {
        HttpResponse<String> r = node.admin("POST", "/api/v1/links", "{\"url\": \"https://example.com/edit\", \"code\": \"uiedit1\","
                + " \"expiresAt\": \"2030-01-01T10:00:30Z\", \"title\": \"old\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        signIn();
        browser.open(ui("#/l/uiedit1"));
        WebElement title = visible(By.id("e-title"));
        // meanwhile, someone else changes the target
        assertThat(node.admin("PATCH", "/api/v1/links/uiedit1", "{\"url\": \"https://example.com/edited-elsewhere\"}").statusCode()).isEqualTo(200);
        title.clear();
        title.sendKeys("new");
        browser.driver().findElement(By.cssSelector("form[aria-labelledby=edit-h] button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("dl.props"), "new"));
        JsonNode link = TestNode.parse(node.admin("GET", "/api/v1/links/uiedit1", null).body());
        assertThat(link.get("title").asText()).isEqualTo("new");
        assertThat(link.get("url").asText()).as("the other edit survives").isEqualTo("https://example.com/edited-elsewhere");
        assertThat(link.get("expiresAt").asText()).as("seconds and all").isEqualTo("2030-01-01T10:00:30Z");
    }

    @Test
    @Order(5)
    void bulkPasteCreatesEachLineAndSaysWhichFailed() {
        signIn();
        browser.open(ui("#/bulk"));
        WebElement urls = visible(By.id("bulk-urls"));
        urls.sendKeys("https://example.com/bulk/1\njavascript:alert(1)\n\nhttps://example.com/bulk/2\n");
        visible(By.id("bulk-tags")).sendKeys("bulk-ui");
        browser.driver().findElement(By.cssSelector("form[aria-labelledby=bulk-h] button[type=submit]")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), "2 of 3 created"));
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("table.bulk-out tbody tr"));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).findElements(By.cssSelector(".error"))).hasSize(1);
        browser.assertNoInjectedScriptRan();
        JsonNode tagged = TestNode.parse(node.admin("GET", "/api/v1/links?tag=bulk-ui", null).body());
        assertThat(tagged.get("items")).hasSize(2);
        browser.fullPageScreenshot("ui-bulk");
        browser.assertNoSeriousViolations("bulk page");
    }

    @Test
    @Order(6)
    void theListSortsOldestFirstAndTheDetailShowsAQrCode() {
        node.createLink("uisort1", "https://example.com/sort/1", "\"tags\": [\"sorting\"]");
        node.createLink("uisort2", "https://example.com/sort/2", "\"tags\": [\"sorting\"]");
        signIn();
        visible(By.id("tagf")).sendKeys("sorting");
        waiting().until(d -> codesInList().equals(List.of("uisort2", "uisort1")));
        new org.openqa.selenium.support.ui.Select(visible(By.id("sort"))).selectByValue("oldest");
        waiting().until(d -> codesInList().equals(List.of("uisort1", "uisort2")));

        browser.open(ui("#/l/uisort1"));
        WebElement qr = visible(By.cssSelector(".qr img"));
        waiting().until(d -> ((Number) browser.script("return arguments[0].naturalWidth", qr)).intValue() > 0);
        assertThat(qr.getAttribute("src")).startsWith("blob:");
    }

    @Test
    @Order(7)
    void theKeyboardAlone() {
        signIn();
        browser.open(ui("#/"));
        visible(By.id("url"));
        // the skip link is the first thing Tab reaches, and Enter on it moves focus into the content, not the route
        assertThat(browser.script("return document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])').className"))
                .isEqualTo("skip");
        String before = browser.url();
        browser.script("document.querySelector('.skip').focus()");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("main");
        assertThat(browser.url()).isEqualTo(before);
        // Tab from the content reaches the URL field first
        browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("url");
        // a delete asked for from the keyboard is cancelled by Escape, and nothing is deleted
        node.createLink("uikeys1", "https://example.com/keys", null);
        browser.open(ui("#/l/uikeys1"));
        WebElement delete = visible(By.cssSelector("button.danger"));
        delete.sendKeys(Keys.ENTER);
        visible(By.cssSelector("dialog[open]"));
        assertThat(browser.script("return document.activeElement.value")).as("focus starts on Cancel").isEqualTo("cancel");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("dialog"), 0));
        assertThat(node.get("/uikeys1").statusCode()).isEqualTo(302);
    }

    @Test
    @Order(8)
    void theQrDownloadsAreImagesOfTheShortUrl(@org.junit.jupiter.api.io.TempDir java.nio.file.Path downloads) throws Exception {
        node.createLink("uiqr001", "https://example.com/qr", null);
        signIn();
        browser.driver().executeCdpCommand("Browser.setDownloadBehavior", java.util.Map.of("behavior", "allow",
                "downloadPath", downloads.toString()));
        browser.open(ui("#/l/uiqr001"));
        visible(By.xpath("//button[text()='Download PNG']")).click();
        visible(By.xpath("//button[text()='Download SVG']")).click();
        java.nio.file.Path png = downloads.resolve("uiqr001.png");
        java.nio.file.Path svg = downloads.resolve("uiqr001.svg");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> java.nio.file.Files.isRegularFile(png)
                && java.nio.file.Files.isRegularFile(svg));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        String decoded = new com.google.zxing.qrcode.QRCodeReader().decode(new com.google.zxing.BinaryBitmap(
                new com.google.zxing.common.HybridBinarizer(new com.google.zxing.client.j2se.BufferedImageLuminanceSource(image)))).getText();
        assertThat(decoded).isEqualTo("http://127.0.0.1:" + node.port() + "/uiqr001");
        assertThat(java.nio.file.Files.readString(svg)).startsWith("<").contains("<svg").contains("<path");
    }

    @Test
    @Order(9)
    void onASlowConnectionTheFirstViewNeedsFewSmallRequests() {
        signIn();
        browser.driver().executeCdpCommand("Network.enable", java.util.Map.of());
        // about "Slow 3G": 400 ms round trips, 50 KB/s down, 25 KB/s up; and nothing from the browser's cache
        browser.driver().executeCdpCommand("Network.setCacheDisabled", java.util.Map.of("cacheDisabled", true));
        browser.driver().executeCdpCommand("Network.emulateNetworkConditions", java.util.Map.of("offline", false,
                "latency", 400, "downloadThroughput", 50 * 1024, "uploadThroughput", 25 * 1024));
        try {
            browser.open("about:blank").open(ui("#/")); // a new document, so the browser's counts start afresh
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                    .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("section p.muted"), "links"));
            // what it took, by the browser's own count: no chart library, no fonts or images, a few gzipped files
            @SuppressWarnings("unchecked")
            List<java.util.Map<String, Object>> resources = (List<java.util.Map<String, Object>>) browser.script(
                    "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                            + ".map(e => ({name: e.name, bytes: e.transferSize}))");
            assertThat(resources).extracting(r -> (String) r.get("name")).noneMatch(n -> n.contains("uplot"));
            assertThat(resources).as("the page, app.js, app.css and two API calls: %s", resources).hasSizeLessThanOrEqualTo(5);
            long bytes = resources.stream().mapToLong(r -> ((Number) r.get("bytes")).longValue()).sum();
            assertThat(bytes).as("bytes over the wire for the first view").isLessThan(30 * 1024);
        } finally {
            browser.driver().executeCdpCommand("Network.emulateNetworkConditions", java.util.Map.of("offline", false,
                    "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
            browser.driver().executeCdpCommand("Network.setCacheDisabled", java.util.Map.of("cacheDisabled", false));
        }
    }

    private static List<String> codesInList() {
        return browser.driver().findElements(By.cssSelector("table.links tbody tr td:first-child a")).stream().map(WebElement::getText).toList();
    }
}
