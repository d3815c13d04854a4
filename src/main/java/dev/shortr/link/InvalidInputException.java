package dev.shortr.link;

/**
 * Input that breaks a domain rule. Carries the field and a reason fit to show a user; adapters map it to
 * a 400 problem (API) or a one-line error (CLI).
 */
public final class InvalidInputException extends RuntimeException {
    private final String field;

    public InvalidInputException(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
