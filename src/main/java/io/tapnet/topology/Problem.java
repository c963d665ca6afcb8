package io.tapnet.topology;

import java.util.Comparator;

/**
 * One thing wrong with a topology, located in its source.
 *
 * <p>{@code line} and {@code column} are 1-based. They are both 0 when the problem has no place in a
 * file: the file could not be read, or the topology was built in code rather than loaded.
 *
 * @param source  the file name (or other label) the topology came from
 * @param line    1-based line, or 0 when unknown
 * @param column  1-based column, or 0 when unknown
 * @param message what is wrong and, where we can tell, what would be right
 */
public record Problem(String source, int line, int column, String message) {

    /** Orders problems by position; problems without a position come first. */
    public static final Comparator<Problem> BY_POSITION =
            Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column);

    /** Whether the problem points at a place in the file. */
    public boolean hasPosition() {
        return line > 0;
    }

    /** {@code file:line:column: message}, the form compilers use and editors can jump to. */
    @Override
    public String toString() {
        return hasPosition()
                ? source + ":" + line + ":" + column + ": " + message
                : source + ": " + message;
    }
}
