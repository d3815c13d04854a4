package dev.shortr.app;

/** The one entry point of the jar: {@code java -jar shortr.jar serve|keys|links|version|completion ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(dev.shortr.cli.Cli.run(args));
    }
}
