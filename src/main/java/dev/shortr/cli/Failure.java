package dev.shortr.cli;

/** An expected failure of a command: one line for stderr and the exit code that goes with it. */
final class Failure extends RuntimeException {
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    private final int exitCode;

    Failure(int exitCode, String message) {
        super(message, null, false, false); // no stack trace: it is never printed
        this.exitCode = exitCode;
    }

    static Failure of(String message) {
        return new Failure(FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
