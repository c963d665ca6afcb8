package io.tapnet.topology;

import java.util.concurrent.TimeUnit;

/**
 * Durations as a topology file writes them: a whole number and a unit, {@code 500ms}, {@code 300s},
 * {@code 5m}. A unit is required, because a bare {@code 300} could mean seconds to one reader and
 * milliseconds to another.
 */
public final class DurationSyntax {

    private static final String UNITS = "ns, us, ms, s, m, h";

    private DurationSyntax() {
    }

    /** Parses a duration into nanoseconds. */
    public static long parseNanos(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration; expected a number and a unit, e.g. 300s (units: "
                    + UNITS + ")");
        }
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits)) && text.charAt(digits) < 128) {
            digits++;
        }
        String number = text.substring(0, digits);
        String unit = text.substring(digits);
        if (number.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected a whole number and a unit,"
                    + " e.g. 300s or 500ms (units: " + UNITS + ")");
        }
        if (unit.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no unit; write e.g. " + number + "s or " + number
                    + "ms (units: " + UNITS + ")");
        }
        TimeUnit timeUnit = switch (unit) {
            case "ns" -> TimeUnit.NANOSECONDS;
            case "us" -> TimeUnit.MICROSECONDS;
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "m" -> TimeUnit.MINUTES;
            case "h" -> TimeUnit.HOURS;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + unit
                    + "'; use one of " + UNITS + ", e.g. 300s");
        };
        long amount;
        try {
            amount = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        long nanos = timeUnit.toNanos(amount);
        if (nanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return nanos;
    }

    /**
     * Formats nanoseconds as the file would write them: whole seconds as seconds (300s, as switch
     * manuals quote aging times), otherwise the largest unit that keeps the number whole (1500ms).
     */
    public static String format(long nanos) {
        long[] sizes = {TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(1)};
        String[] names = {"s", "ms", "us"};
        for (int i = 0; i < sizes.length; i++) {
            if (nanos != 0 && nanos % sizes[i] == 0) {
                return nanos / sizes[i] + names[i];
            }
        }
        return nanos + "ns";
    }
}
