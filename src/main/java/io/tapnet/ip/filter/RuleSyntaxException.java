package io.tapnet.ip.filter;

/**
 * A rule, security-group entry or port forward that cannot be read. The message says what is wrong
 * and what would be right; {@link #offset()} points at the offending word so that a topology file can
 * report the exact column.
 */
public final class RuleSyntaxException extends IllegalArgumentException {
    private final int offset;

    RuleSyntaxException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** Index of the first character of the offending word in the rule text, or -1 for the whole rule. */
    public int offset() {
        return offset;
    }
}
