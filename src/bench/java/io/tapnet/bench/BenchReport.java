package io.tapnet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the {@link Samples} lines of one {@code scripts/bench} run into the markdown table it prints
 * and the JSON it keeps: per section, measure and path the median, minimum and maximum over the
 * runs, and, where a row names a baseline, the ratio of the medians (tapnet / C bridge) and, for rows
 * with a hop count, the latency each hop adds over the baseline.
 *
 * <p>{@code BenchReport --in SAMPLES.tsv --markdown OUT.md --json OUT.json [--meta key=value]...}
 */
public final class BenchReport {

    record Row(String section, String measure, String path, String unit, String better, String baseline, int hops,
               List<Double> values, List<String> notes) {
        double median() {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }

        double min() {
            return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        String note() {
            return String.join("; ", notes);
        }
    }

    public static void main(String[] args) throws IOException {
        Path in = null;
        Path markdown = null;
        Path json = null;
        Map<String, String> meta = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--in" -> in = Path.of(args[++i]);
                case "--markdown" -> markdown = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--meta" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    meta.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (in == null) {
            throw new IllegalArgumentException("--in SAMPLES.tsv is required");
        }
        List<Row> rows = read(in);
        String md = markdown(rows, meta);
        System.out.print(md);
        if (markdown != null) {
            Files.writeString(markdown, md, StandardCharsets.UTF_8);
        }
        if (json != null) {
            Files.writeString(json, json(rows, meta), StandardCharsets.UTF_8);
        }
    }

    static List<Row> read(Path in) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(in, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 9) {
                System.err.println("bench-report: ignoring malformed line: " + line);
                continue;
            }
            String key = f[0] + "\u0000" + f[1] + "\u0000" + f[2];
            Row row = rows.get(key);
            if (row == null) {
                row = new Row(f[0], f[1], f[2], f[4], f[5], f[6], f[7].equals("-") ? -1 : Integer.parseInt(f[7]),
                        new ArrayList<>(), new ArrayList<>());
                rows.put(key, row);
            }
            if (!f[3].equals("NA")) {
                row.values().add(Double.parseDouble(f[3]));
            }
            String note = f[8];
            if (!note.equals("-") && !row.notes().contains(note)) {
                row.notes().add(note);
            }
        }
        // Group by measure within a section (first appearance decides the order), so that the paths of
        // one measure sit together, baseline first, whatever order the runs interleaved them in.
        List<Row> list = new ArrayList<>(rows.values());
        Map<String, Integer> sectionOrder = new LinkedHashMap<>();
        Map<String, Integer> measureOrder = new LinkedHashMap<>();
        for (Row r : list) {
            sectionOrder.putIfAbsent(r.section(), sectionOrder.size());
            measureOrder.putIfAbsent(r.section() + "\u0000" + r.measure(), measureOrder.size());
        }
        List<Row> sorted = new ArrayList<>(list);
        sorted.sort(java.util.Comparator
                .comparingInt((Row r) -> sectionOrder.get(r.section()))
                .thenComparingInt(r -> measureOrder.get(r.section() + "\u0000" + r.measure()))
                .thenComparingInt(list::indexOf));
        return sorted;
    }

    private static Row baselineOf(List<Row> rows, Row row) {
        if (row.baseline().equals("-")) {
            return null;
        }
        for (Row r : rows) {
            if (r.section().equals(row.section()) && r.measure().equals(row.measure()) && r.path().equals(row.baseline())) {
                return r;
            }
        }
        return null;
    }

    static double ratio(List<Row> rows, Row row) {
        Row base = baselineOf(rows, row);
        if (base == null || base == row) {
            return Double.NaN;
        }
        return row.median() / base.median();
    }

    static double addedPerHop(List<Row> rows, Row row) {
        Row base = baselineOf(rows, row);
        if (base == null || base == row || row.hops() <= 0) {
            return Double.NaN;
        }
        return (row.median() - base.median()) / row.hops();
    }

    /** How a target reads a row: its median, its ratio to its baseline, or the latency it adds per hop. */
    enum Figure { MEDIAN, RATIO, ADDED_PER_HOP }

    /** One target of issue 5, checked against the row {@code section / measure / path}. */
    record Target(String label, String section, String measure, String path, Figure figure, boolean atLeast,
                  double threshold, String unit) {}

    static final String KERNEL = "Kernel to kernel: Linux namespace A to B over TAP";
    static final String JVM = "In-JVM";
    static final String SCALE = "Scale (Java hosts, virtual time)";

    /** The targets of issue 5 ("a benchmark never fails a build": these are reported, never enforced). */
    static final List<Target> TARGETS = List.of(
            new Target("tapnet switch / C bridge, TCP Linux to Linux", KERNEL, "TCP throughput (iperf3, 1 stream)",
                    "tapnet switch", Figure.RATIO, true, 1.0, "×"),
            new Target("tapnet switch / C bridge, 64 B frames per second", KERNEL,
                    "64 B frames/s received (UDP, 18 B payload)", "tapnet switch", Figure.RATIO, true, 0.9, "×"),
            new Target("tapnet router / C bridge, TCP", KERNEL, "TCP throughput (iperf3, 1 stream)", "tapnet router",
                    Figure.RATIO, true, 0.9, "×"),
            new Target("ping RTT added per tapnet hop over the C bridge (switch)", KERNEL, "ping RTT, avg",
                    "tapnet switch", Figure.ADDED_PER_HOP, false, 20, "µs"),
            new Target("ping RTT added per tapnet hop over the C bridge (3 routers)", KERNEL, "ping RTT, avg",
                    "tapnet 3 routers", Figure.ADDED_PER_HOP, false, 20, "µs"),
            new Target("the same from the minimum RTT (switch)", KERNEL,
                    "ping RTT, min (least disturbed by other load)", "tapnet switch", Figure.ADDED_PER_HOP, false, 20,
                    "µs"),
            new Target("the same from the minimum RTT (switch, threaded-napi: false)", KERNEL,
                    "ping RTT, min (least disturbed by other load)", "tapnet switch, threaded-napi: false",
                    Figure.ADDED_PER_HOP, false, 20, "µs"),
            new Target("the same on a busy path, 5 000 pings/s (switch)", KERNEL, "ping RTT, avg, 5 000 pings per second",
                    "tapnet switch", Figure.ADDED_PER_HOP, false, 20, "µs"),
            new Target("the same on a busy path, 5 000 pings/s (switch, threaded-napi: false)", KERNEL,
                    "ping RTT, avg, 5 000 pings per second", "tapnet switch, threaded-napi: false",
                    Figure.ADDED_PER_HOP, false, 20, "µs"),
            new Target("tapnet switch / C bridge, TCP (threaded-napi: false)", KERNEL,
                    "TCP throughput (iperf3, 1 stream)", "tapnet switch, threaded-napi: false", Figure.RATIO, true, 1.0,
                    "×"),
            new Target("Linux to Linux across a tapnet router with offloads", KERNEL,
                    "TCP throughput (iperf3, 1 stream)", "tapnet router + vnet-hdr offloads", Figure.MEDIAN, true, 5,
                    "Gbit/s"),
            new Target("in-JVM forwarding, hop-forwards per second per core", JVM,
                    "hop-forwards per CPU-second (per core)", "10 routers, 60 B frames", Figure.MEDIAN, true, 10, "M/s"),
            new Target("in-JVM forwarding, bytes allocated per frame", JVM, "heap allocated per frame",
                    "10 routers, 60 B frames", Figure.MEDIAN, false, 0.5, "B"),
            new Target("in-JVM TCP across three routers (MTU 1500)", JVM,
                    "TCP throughput, two Java hosts across three routers", "java.net sockets, real time",
                    Figure.MEDIAN, true, 10, "Gbit/s"),
            new Target("in-JVM TCP across three routers (MTU 65535, as loopback)", JVM,
                    "TCP throughput, two Java hosts across three routers", "java.net sockets, real time, MTU 65535",
                    Figure.MEDIAN, true, 10, "Gbit/s"),
            new Target("100 000 Java hosts: build time", SCALE, "build time", "100 000 hosts", Figure.MEDIAN, false, 10,
                    "s"),
            new Target("100 000 Java hosts: heap", SCALE, "heap after build", "100 000 hosts", Figure.MEDIAN, false,
                    4096, "MiB"));

    static String targets(List<Row> rows) {
        StringBuilder md = new StringBuilder("### Targets (issue 5; reported, never enforced)\n\n");
        md.append("| target | wanted | measured | met |\n|---|---|--:|---|\n");
        int shown = 0;
        for (Target t : TARGETS) {
            Row row = null;
            for (Row r : rows) {
                if (r.section().equals(t.section()) && r.measure().equals(t.measure()) && r.path().equals(t.path())) {
                    row = r;
                }
            }
            if (row == null) {
                continue; // that section did not run
            }
            shown++;
            double v = row.values().isEmpty() ? Double.NaN : switch (t.figure()) {
                case MEDIAN -> row.median();
                case RATIO -> ratio(rows, row);
                case ADDED_PER_HOP -> addedPerHop(rows, row);
            };
            String wanted = (t.atLeast() ? "≥ " : "≤ ") + num(t.threshold()) + " " + t.unit();
            String met = Double.isNaN(v) ? (row.note().isEmpty() ? "no result" : row.note())
                    : (t.atLeast() ? v >= t.threshold() : v <= t.threshold()) ? "yes" : "**no**";
            md.append("| ").append(t.label()).append(" | ").append(wanted).append(" | ")
                    .append(Double.isNaN(v) ? "—" : num(v) + " " + t.unit()).append(" | ").append(met).append(" |\n");
        }
        return shown == 0 ? "" : md.append('\n').toString();
    }

    static String markdown(List<Row> rows, Map<String, String> meta) {
        StringBuilder md = new StringBuilder();
        md.append("## tapnet benchmark").append(meta.containsKey("mode") ? " (" + meta.get("mode") + ")" : "")
                .append("\n\n");
        if (!meta.isEmpty()) {
            List<String> parts = new ArrayList<>();
            meta.forEach((k, v) -> parts.add(k + ": " + v));
            md.append(String.join(" · ", parts)).append("\n\n");
        }
        md.append(targets(rows));
        List<String> sections = rows.stream().map(Row::section).distinct().toList();
        for (String section : sections) {
            md.append("### ").append(section).append("\n\n");
            md.append("| measure | path | median | min | max | runs | unit | vs baseline |\n");
            md.append("|---|---|--:|--:|--:|--:|---|---|\n");
            for (Row r : rows) {
                if (!r.section().equals(section)) {
                    continue;
                }
                String vs;
                if (r.values().isEmpty()) {
                    vs = r.note().isEmpty() ? "no result" : r.note();
                } else {
                    Row base = baselineOf(rows, r);
                    if (base == r) {
                        vs = "baseline";
                    } else if (base != null) {
                        vs = String.format(Locale.ROOT, "%.2f× %s", ratio(rows, r), base.path());
                        double added = addedPerHop(rows, r);
                        if (!Double.isNaN(added)) {
                            vs += String.format(Locale.ROOT, ", %+.1f %s per hop", added, r.unit());
                        }
                    } else {
                        vs = "";
                    }
                    if (!r.note().isEmpty()) {
                        vs = vs.isEmpty() ? r.note() : vs + "; " + r.note();
                    }
                }
                md.append("| ").append(r.measure()).append(" | ").append(r.path()).append(" | ")
                        .append(r.values().isEmpty() ? "—" : num(r.median())).append(" | ")
                        .append(r.values().isEmpty() ? "" : num(r.min())).append(" | ")
                        .append(r.values().isEmpty() ? "" : num(r.max())).append(" | ")
                        .append(r.values().size()).append(" | ").append(r.unit()).append(" | ")
                        .append(vs).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** Three significant digits, without exponent for the ranges benchmarks produce. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String json(List<Row> rows, Map<String, String> meta) {
        StringBuilder j = new StringBuilder();
        j.append("{\n  \"meta\": {");
        int k = 0;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            j.append(k++ == 0 ? "\n" : ",\n").append("    ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
        }
        j.append(meta.isEmpty() ? "},\n" : "\n  },\n");
        j.append("  \"results\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {");
            j.append("\"section\": ").append(str(r.section()));
            j.append(", \"measure\": ").append(str(r.measure()));
            j.append(", \"path\": ").append(str(r.path()));
            j.append(", \"unit\": ").append(str(r.unit()));
            j.append(", \"better\": ").append(str(r.better()));
            j.append(", \"runs\": ").append(r.values().size());
            j.append(", \"median\": ").append(jnum(r.median()));
            j.append(", \"min\": ").append(jnum(r.min()));
            j.append(", \"max\": ").append(jnum(r.max()));
            j.append(", \"values\": ").append(Arrays.toString(r.values().stream().map(BenchReport::jnum).toArray()));
            j.append(", \"baseline\": ").append(r.baseline().equals("-") ? "null" : str(r.baseline()));
            j.append(", \"ratio_to_baseline\": ").append(jnum(ratio(rows, r)));
            j.append(", \"hops\": ").append(r.hops() < 0 ? "null" : Integer.toString(r.hops()));
            j.append(", \"added_per_hop\": ").append(jnum(addedPerHop(rows, r)));
            j.append(", \"note\": ").append(r.note().isEmpty() ? "null" : str(r.note()));
            j.append('}');
        }
        j.append("\n  ]\n}\n");
        return j.toString();
    }

    private static String jnum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
