package dev.shortr.it;

import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link Browser} per test class: {@code @RegisterExtension static final PerClassBrowser chromium = new
 * PerClassBrowser(b -> browser = b);}. Without Chromium and chromedriver every test of the class is skipped, one by
 * one and with the reason, so that the skips show in every count instead of the class vanishing from it.
 */
final class PerClassBrowser implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final Consumer<Browser> started;
    private Browser browser;
    /** The class that started the browser; @Nested classes inherit the extension and must not restart it. */
    private Class<?> owner;

    PerClassBrowser(Consumer<Browser> started) {
        this.started = started;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (owner != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        if (Browser.missing() == null) {
            browser = Browser.start();
            started.accept(browser);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String missing = Browser.missing();
        Assumptions.assumeTrue(missing == null, () -> "SKIPPED, no browser: " + missing);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        owner = null;
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }
}
