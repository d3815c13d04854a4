package dev.shortr.app;

/** The one entry point of the jar: {@code java -jar shortr.jar serve|keys|links|version|completion ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // QR PNGs are drawn with java.awt.image; a server has no display and AWT must never look for one
        System.setProperty("java.awt.headless", "true");
        System.exit(dev.shortr.cli.Cli.run(args));
    }
}
