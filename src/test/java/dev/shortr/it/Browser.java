package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver, with nothing fetched from the network: both
 * binaries are named, so Selenium Manager never runs, and Chromium's own background connections are off. One per
 * test class, through {@link PerClassBrowser}, which skips the class's tests one by one, saying why, when the two
 * binaries are missing (a plain {@code mvn} run on a machine where {@code ./test} never installed them).
 *
 * <p>Every page gets a trap before its own scripts run: {@code alert}, {@code confirm} and {@code prompt} set
 * {@code window.__xss} instead of opening a dialog, so that {@link #assertNoInjectedScriptRan()} sees a payload
 * such as {@code <img onerror=alert(1)>} as well as one that sets {@code window.__xss} itself.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Where scripts/axe.sh puts axe-core, when the system property shortr.axe.js (set by ./test) does not say. */
    static final Path AXE_DEFAULT = Path.of(System.getProperty("user.home"), ".cache/shortr/npm/node_modules/axe-core/axe.min.js");

    private static final String TRAP = """
            (() => {
              const caught = name => function () { window.__xss = (window.__xss || 0) + 1; window.__xssBy = name; };
              window.alert = caught('alert'); window.confirm = caught('confirm'); window.prompt = caught('prompt');
            })();""";
    // axe.run's promise settles in the page; executeAsyncScript's last argument is the callback that returns it
    private static final String RUN_AXE = """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(JSON.stringify(r.violations)))
              .catch(e => done(JSON.stringify({error: String(e)})));""";

    /** One rule that a page breaks, with the CSS selectors of the elements that break it and what is wrong there. */
    record Violation(String id, String impact, String help, List<String> targets) {
        boolean serious() {
            return "serious".equals(impact) || "critical".equals(impact);
        }

        @Override
        public String toString() {
            return impact + " " + id + ": " + help + " at " + targets;
        }
    }

    private final ChromeDriver driver;
    private final Path profile;
    private String axeSource;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Why no browser can start here, or null when Chromium and chromedriver are both installed. */
    static String missing() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        return "the browser tests need Debian's chromium and chromedriver (" + CHROMIUM + ", " + CHROMEDRIVER
                + "); ./test installs them, or run: apt-get install chromium chromium-driver";
    }

    /** Starts Chromium; see {@link #missing()} first, or use {@link PerClassBrowser}, which does. */
    static Browser start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("shortr-chromium-");
            Files.createDirectories(Path.of("target"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage",
                // only loopback names resolve: a page that reaches for another host fails at once, never leaving the machine
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
                "--user-data-dir=" + profile, "--window-size=1280,800");
        // a dialog stays open for assertNoInjectedScriptRan to find, instead of being dismissed with an error
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                // warnings only: at INFO every command is logged, axe-core's half a megabyte of source each time
                .withLogLevel(ChromiumDriverLogLevel.WARNING)
                .withLogFile(new File("target/chromedriver.log"))
                .withAppendLog(true)
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15)).scriptTimeout(Duration.ofSeconds(30));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", TRAP));
        return new Browser(driver, profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Loads {@code url} and waits for its load event; redirects are followed as a person's browser would. */
    Browser open(String url) {
        driver.get(url);
        return this;
    }

    String url() {
        return driver.getCurrentUrl();
    }

    String title() {
        return driver.getTitle();
    }

    /** Runs {@code js} in the page and returns what it returns (numbers come back as Long or Double). */
    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Sets the outer window size; in headless Chromium the viewport is exactly this size. */
    Browser setWindowSize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        return this;
    }

    /** Makes {@code prefers-color-scheme} match dark (or light) for this page and the ones opened after it. */
    Browser emulateDarkMode(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
        return this;
    }

    /** Saves what the viewport shows as {@code target/screenshots/<name>.png} and returns the path. */
    Path screenshot(String name) {
        return save(name, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** As {@link #screenshot}, but the whole page, however long, at the viewport's width. */
    Path fullPageScreenshot(String name) {
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true));
        return save(name, java.util.Base64.getDecoder().decode((String) shot.get("data")));
    }

    private static Path save(String name, byte[] png) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file, e);
        }
        return file;
    }

    /**
     * Runs axe-core over the current page and returns every violation it finds. Without axe-core (scripts/axe.sh
     * never ran here) the calling test is aborted as skipped, with a message that says so.
     */
    List<Violation> axe() {
        if (axeSource == null) {
            axeSource = readAxe();
        }
        // a navigation drops the injected copy: inject it into each page that has none
        if (!Boolean.TRUE.equals(driver.executeScript("return typeof window.axe === 'object';"))) {
            driver.executeScript(axeSource);
        }
        String json = String.valueOf(driver.executeAsyncScript(RUN_AXE));
        JsonNode result = TestNode.parse(json);
        if (result.has("error")) {
            throw new AssertionError("axe.run failed on " + url() + ": " + result.get("error").asText());
        }
        List<Violation> out = new ArrayList<>();
        for (JsonNode v : result) {
            List<String> targets = new ArrayList<>();
            for (JsonNode n : v.path("nodes")) {
                // the first check's message says what is wrong there, e.g. the contrast ratio and both colours
                String why = n.path("any").path(0).path("message").asText(n.path("failureSummary").asText());
                targets.add(n.path("target").toString() + (why.isEmpty() ? "" : " (" + why + ")"));
            }
            out.add(new Violation(v.path("id").asText(), v.path("impact").asText(), v.path("help").asText(), targets));
        }
        return out;
    }

    /** Fails when axe finds a serious or critical violation on the current page; {@code what} names the page. */
    List<Violation> assertNoSeriousViolations(String what) {
        List<Violation> all = axe();
        // the lesser ones do not fail a test, but stay on record in target/surefire-reports/*-output.txt
        all.stream().filter(v -> !v.serious()).forEach(v -> System.out.println("axe-core on " + what + ": " + v));
        List<Violation> serious = all.stream().filter(Violation::serious).toList();
        assertThat(serious).as("axe-core on %s (%s) found serious violations:%n  %s", what, url(),
                serious.stream().map(Violation::toString).collect(Collectors.joining("\n  "))).isEmpty();
        return all;
    }

    /**
     * Fails when a script that a test smuggled into a page ran: a dialog is open, or {@code window.__xss} is set
     * (by the payload itself, or by the trap around {@code alert}, {@code confirm} and {@code prompt}).
     */
    void assertNoInjectedScriptRan() {
        String dialog = null;
        try {
            dialog = driver.switchTo().alert().getText();
            driver.switchTo().alert().dismiss();
        } catch (NoAlertPresentException expected) {
            // no dialog: nothing ran that opened one
        }
        assertThat(dialog).as("a dialog opened on %s", url()).isNull();
        Object xss = driver.executeScript("return window.__xss === undefined ? null : String(window.__xss) + ' ' + (window.__xssBy || '');");
        assertThat(xss).as("window.__xss on %s: an injected script ran", url()).isNull();
    }

    private static String readAxe() {
        String configured = System.getProperty("shortr.axe.js");
        Path js = configured == null || configured.isBlank() ? AXE_DEFAULT : Path.of(configured);
        Assumptions.assumeTrue(Files.isReadable(js), "SKIPPED: the accessibility check needs axe-core at " + js
                + "; ./test installs it, or run: scripts/axe.sh");
        try {
            return Files.readString(js, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + js, e);
        }
    }

    /** Quits Chromium and chromedriver and deletes the profile; idempotent. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Chromium may still be writing to its profile as it exits; a leftover temp directory is harmless
        }
    }
}
