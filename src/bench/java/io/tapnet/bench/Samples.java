package io.tapnet.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The one line format every measurement of {@code scripts/bench} produces, shell and Java alike,
 * and {@link BenchReport} reads: tab-separated
 * <pre>section  measure  path  value  unit  better  baseline  hops  note</pre>
 * one line per run. {@code value} is a number or {@code NA}; {@code better} is {@code higher},
 * {@code lower} or {@code -}; {@code baseline} names the path of the same section and measure that
 * ratios are taken against ({@code -} for none); {@code hops} is how many forwarding nodes the path
 * has (used for "added latency per hop"), {@code -} when it does not apply.
 */
public final class Samples {
    private Samples() {}

    public static void emit(PrintStream out, String section, String measure, String path, double value, String unit,
                            String better, String baseline, int hops, String note) {
        out.println(String.join("\t", section, measure, path,
                Double.isNaN(value) ? "NA" : String.format(Locale.ROOT, "%.6g", value), unit, better,
                baseline == null ? "-" : baseline, hops < 0 ? "-" : Integer.toString(hops),
                note == null || note.isEmpty() ? "-" : note.replace('\t', ' ')));
        out.flush();
    }

    /** A measurement that could not be made, with why. */
    public static void unavailable(PrintStream out, String section, String measure, String path, String unit,
                                   String note) {
        emit(out, section, measure, path, Double.NaN, unit, "-", null, -1, note);
    }
}
