package io.tapnet.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.tapnet.phy.IpCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Wireshark's {@code tshark} over a capture, so tests can check that what tapnet writes is a
 * valid pcapng file and that every frame in it is well formed.
 *
 * <p>Every invocation turns on checksum verification for IPv4, UDP and TCP (off by default in
 * Wireshark); ICMP checksums are always verified and have no preference. Name resolution is off.
 *
 * <p>When tshark is missing, tests are skipped, except under {@code CI=true}, where they fail: CI
 * must decode every capture.
 */
public final class Tshark {

    /** The {@code -o} options that make tshark verify checksums. */
    public static final List<String> CHECKSUM_PREFERENCES = List.of(
            "-o", "ip.check_checksum:TRUE",
            "-o", "udp.check_checksum:TRUE",
            "-o", "tcp.check_checksum:TRUE");

    /** Expert-info groups and severities, from Wireshark's {@code epan/proto.h} ({@code PI_*}). */
    private static final long PI_CHECKSUM = 0x01000000L;
    private static final long PI_MALFORMED = 0x07000000L;
    private static final long PI_ERROR = 0x00800000L;

    /** Separates several occurrences of one field; a character no dissector puts in a message. */
    private static final String AGGREGATOR = "\u001f";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static Boolean available;

    private Tshark() {}

    /** True if {@code tshark --version} runs. */
    public static synchronized boolean isAvailable() {
        if (available == null) {
            try {
                available = IpCommand.run(List.of("tshark", "--version"), Duration.ofSeconds(30)).ok();
            } catch (IOException e) {
                available = false;
            }
        }
        return available;
    }

    /** Returns if tshark is installed; otherwise skips the test, or fails it under {@code CI=true}. */
    public static void assumeAvailable() {
        if (isAvailable()) {
            return;
        }
        String message = "needs tshark (apt-get install tshark)";
        if (RootRequirement.isCi()) {
            fail("CI=true, so capture tests must run, but this environment " + message);
        }
        Assumptions.assumeTrue(false, message);
    }

    /**
     * Decodes {@code capture} and returns one line per frame holding the given display-filter
     * {@code fields} separated by tabs ({@code tshark -T fields -e ...}); a field that occurs several
     * times in a frame has its values joined by commas. Fails the test if tshark reports an error
     * (unreadable or truncated file).
     */
    public static List<String> decode(Path capture, String... fields) {
        return fieldLines(capture, ",", fields);
    }

    /** The number of frames tshark reads from {@code capture}. */
    public static int frameCount(Path capture) {
        return decode(capture, "frame.number").size();
    }

    /**
     * Problems tshark finds in {@code capture}, one string per frame that has any: malformed packets
     * (expert group Malformed or a "Malformed" message), checksum expert info (bad IPv4, ICMP, UDP or
     * TCP checksum) and any other expert info of severity Error. Empty for a clean capture.
     */
    public static List<String> problems(Path capture) {
        List<String> lines = fieldLines(capture, AGGREGATOR,
                "frame.number", "_ws.expert.group", "_ws.expert.severity", "_ws.expert.message");
        List<String> problems = new ArrayList<>();
        for (String line : lines) {
            String[] columns = line.split("\t", -1);
            if (columns.length < 4 || columns[3].isEmpty()) {
                continue;
            }
            String[] groups = columns[1].split(AGGREGATOR, -1);
            String[] severities = columns[2].split(AGGREGATOR, -1);
            String[] messages = columns[3].split(AGGREGATOR, -1);
            StringBuilder found = new StringBuilder();
            for (int i = 0; i < messages.length; i++) {
                long group = i < groups.length ? parseNumber(groups[i]) : 0;
                long severity = i < severities.length ? parseNumber(severities[i]) : 0;
                if (group == PI_CHECKSUM || group == PI_MALFORMED || severity >= PI_ERROR
                        || messages[i].toLowerCase().contains("malformed")) {
                    found.append(found.isEmpty() ? "" : "; ").append(messages[i]);
                }
            }
            if (!found.isEmpty()) {
                problems.add("frame " + columns[0] + ": " + found);
            }
        }
        return problems;
    }

    /**
     * Fails the test unless tshark reads {@code capture} without error, finds at least one frame,
     * and reports no malformed packet, no checksum problem and no error-level expert info. The
     * failure message lists each problem and tshark's {@code -z expert} summary.
     */
    public static void assertCleanCapture(Path capture) {
        assumeAvailable();
        if (frameCount(capture) == 0) {
            fail("tshark found no frames in " + capture);
        }
        List<String> problems = problems(capture);
        if (!problems.isEmpty()) {
            fail("tshark reports problems in " + capture + ":\n  " + String.join("\n  ", problems)
                    + "\n" + expertSummary(capture));
        }
    }

    /** tshark's expert-info summary ({@code -q -z expert}) of {@code capture}, for messages. */
    public static String expertSummary(Path capture) {
        List<String> argv = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-n"));
        argv.addAll(CHECKSUM_PREFERENCES);
        argv.addAll(List.of("-q", "-z", "expert"));
        return run(argv).stdout();
    }

    private static List<String> fieldLines(Path capture, String aggregator, String... fields) {
        assumeAvailable();
        if (!Files.isReadable(capture)) {
            fail("no capture file " + capture);
        }
        List<String> argv = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-n"));
        argv.addAll(CHECKSUM_PREFERENCES);
        argv.addAll(List.of("-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
                "-E", "aggregator=" + aggregator, "-E", "quote=n"));
        for (String field : fields) {
            argv.add("-e");
            argv.add(field);
        }
        String stdout = run(argv).stdout();
        List<String> lines = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static IpCommand.Result run(List<String> argv) {
        IpCommand.Result result;
        try {
            result = IpCommand.run(argv, TIMEOUT);
        } catch (IOException e) {
            return fail("running tshark failed: " + e.getMessage(), e);
        }
        String complaints = stderrWithoutNoise(result.stderr());
        if (!result.ok() || !complaints.isEmpty()) {
            fail("tshark reports an error: " + result.describe() + (complaints.isEmpty() ? "" : "\n" + complaints));
        }
        return result;
    }

    /** tshark's stderr minus the warning it always prints when run as root. */
    private static String stderrWithoutNoise(String stderr) {
        StringBuilder kept = new StringBuilder();
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !line.startsWith("Running as user ")) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString().strip();
    }

    private static long parseNumber(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return 0;
        }
        try {
            return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
