package io.tapnet.phy;

import java.util.Locale;

/** Parsing and printing of the units people type for links: 20ms, 1.5%, 10mbit. */
public final class Units {
    private Units() {
    }

    /** {@code 250us}, {@code 20ms}, {@code 1.5s}, {@code 100ns}; a unit is required. */
    public static long parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long scale;
        String number;
        if (t.endsWith("ns")) {
            scale = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            scale = 1_000;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ms")) {
            scale = 1_000_000;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            scale = 1_000_000_000;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new IllegalArgumentException("'" + text + "' needs a unit: ns, us, ms or s (e.g. 20ms)");
        }
        double v = parseNumber(number, text);
        if (v < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        return Math.round(v * scale);
    }

    /** {@code 1%}, {@code 0.5%}, or a fraction {@code 0.01}. */
    public static double parsePercent(String text) {
        String t = text.trim();
        double v = t.endsWith("%") ? parseNumber(t.substring(0, t.length() - 1), text) / 100 : parseNumber(t, text);
        if (v < 0 || v > 1) {
            throw new IllegalArgumentException("'" + text + "' is not between 0% and 100%");
        }
        return v;
    }

    /** {@code 10mbit}, {@code 1gbit}, {@code 512kbit}, {@code 9600bit}; also {@code bps}, {@code kbps}, ... */
    public static long parseRate(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("bps", "bit");
        long scale;
        String number;
        if (t.endsWith("gbit")) {
            scale = 1_000_000_000L;
            number = t.substring(0, t.length() - 4);
        } else if (t.endsWith("mbit")) {
            scale = 1_000_000L;
            number = t.substring(0, t.length() - 4);
        } else if (t.endsWith("kbit")) {
            scale = 1_000L;
            number = t.substring(0, t.length() - 4);
        } else if (t.endsWith("bit")) {
            scale = 1;
            number = t.substring(0, t.length() - 3);
        } else {
            throw new IllegalArgumentException("'" + text + "' needs a unit: bit, kbit, mbit or gbit (e.g. 10mbit)");
        }
        double v = parseNumber(number, text);
        if (v <= 0) {
            throw new IllegalArgumentException("rate '" + text + "' must be positive");
        }
        return Math.round(v * scale);
    }

    static boolean parseSwitch(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not on or off");
        };
    }

    private static double parseNumber(String number, String whole) {
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' is not a number with a unit");
        }
    }

    public static String formatDuration(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    public static String formatPercent(double p) {
        double v = p * 100;
        return (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v)) + "%";
    }

    public static String formatRate(long bits) {
        if (bits % 1_000_000_000L == 0) {
            return bits / 1_000_000_000L + "gbit";
        }
        if (bits % 1_000_000L == 0) {
            return bits / 1_000_000L + "mbit";
        }
        if (bits % 1_000L == 0) {
            return bits / 1_000L + "kbit";
        }
        return bits + "bit";
    }
}
