package io.tapnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.testing.CliProcess;
import io.tapnet.testing.Tshark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code tapnet} command as a user meets it: {@code demo}, {@code run} with {@code -c} and
 * {@code --script}, {@code validate}, and the exit codes the design promises (0 success, 1 runtime
 * failure, 2 bad usage or bad topology). Java hosts only, so no root is needed. Most runs go through
 * {@link Main#commandLine()} in this JVM; one runs the real {@code main} in its own JVM so that
 * {@code System.exit} is exercised too.
 */
@Timeout(60)
class CliCommandsTest {

    private static final String TWO_SUBNETS = CliHarness.topology("two-subnets.yaml").toString();

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ demo

    @Test
    void demoPingsAndTracesAcrossTheRouters() {
        CliHarness.Result r = CliHarness.run("demo");
        assertEquals(Main.OK, r.exitCode(), r.describe());
        String out = r.stdout();
        // h1 -> h4 crosses r1 and r2: 64 - 2.
        assertTrue(out.contains("ttl=62"), r.describe());
        assertTrue(out.contains("3 packets transmitted, 3 received, 0% packet loss"), r.describe());
        assertFalse(out.contains("100% packet loss"), r.describe());
        List<String> hops = out.lines().dropWhile(l -> !l.startsWith("traceroute to h4"))
                .skip(1).takeWhile(l -> l.matches("^\\s*\\d+\\s.*")).toList();
        assertEquals(3, hops.size(), r.describe());
        assertTrue(hops.get(0).contains("r1 (10.0.1.1)"), hops.toString());
        assertTrue(hops.get(1).contains("r2 (10.0.12.2)"), hops.toString());
        assertTrue(hops.get(2).contains("h4 (10.0.2.11)"), hops.toString());
        assertTrue(out.contains("*** Results: 0% dropped"), r.describe());
    }

    @Test
    void demoAsItsOwnProcessExitsZero() {
        CliProcess.Result r = CliProcess.run(Duration.ofSeconds(60), null, "demo");
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("ttl=62"), r.describe());
        assertTrue(r.stdout().contains("0% packet loss"), r.describe());
    }

    // ------------------------------------------------------------------ run -c

    @Test
    void runWithCommandsPingsAndExitsZero() {
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c", "h1 ping -c 2 -i 0.2 h2");
        assertEquals(Main.OK, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("2 packets transmitted, 2 received"), r.describe());
    }

    @Test
    void pingAcrossADownLinkExitsOne() {
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c", "link r1 s2 down; h1 ping -c 1 -W 1 h3");
        assertEquals(Main.FAILURE, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("is down"), r.describe());
        assertTrue(r.stdout().contains("0 received"), r.describe());
    }

    @Test
    void linkBackUpRestoresTheRoute() {
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c",
                "link r1 s2 down; link r1 s2 up; h1 ping -c 2 -i 0.2 -W 2 h3");
        assertEquals(Main.OK, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("2 received"), r.describe());
    }

    @Test
    void pingToAnAddressWithoutARouteExitsOne() {
        // 10.88.0.1 is not in two-subnets: h1 sends it to r1, which has no route and says so.
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c", "h1 ping -c 1 -W 1 10.88.0.1");
        assertEquals(Main.FAILURE, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("100% packet loss"), r.describe());
    }

    @Test
    void aFailedCommandDoesNotStopTheOthersButSetsTheExitCode() {
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c",
                "h1 ping -c 1 -W 1 10.88.0.1; h4 ping -c 1 h3");
        assertEquals(Main.FAILURE, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("1 packets transmitted, 1 received"), r.describe());
    }

    @Test
    void unknownConsoleCommandExitsOne() {
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c", "h9 ping h1");
        assertEquals(Main.FAILURE, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("unknown command or node 'h9'"), r.describe());
    }

    @Test
    void exitStopsTheCommandList() {
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "-c", "nodes; exit; h1 ping -c 1 10.88.0.1");
        assertEquals(Main.OK, r.exitCode(), r.describe());
        assertFalse(r.stdout().contains("PING"), r.describe());
    }

    @Test
    void captureOptionWritesOnePcapngPerLink() throws IOException {
        Path dir = tmp.resolve("captures");
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "--capture", dir.toString(), "-c",
                "h1 ping -c 2 -i 0.2 h3; h2 traceroute -q 1 h4");
        assertEquals(Main.OK, r.exitCode(), r.describe());
        List<Path> captures;
        try (Stream<Path> files = Files.list(dir)) {
            captures = files.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertEquals(6, captures.size(), captures.toString());
        // tshark takes a second per file; the interop tests decode every capture, one is enough here.
        Path routed = dir.resolve("r1-eth1--s2-p1.pcapng");
        Tshark.assertCleanCapture(routed);
        List<String> frames = Tshark.decode(routed, "icmp.type");
        assertTrue(frames.contains("8") && frames.contains("0"), "no echo request and reply crossed r1:eth1: " + frames);
    }

    // ------------------------------------------------------------------ --script

    @Test
    void scriptFileRunsEveryLineAndSkipsComments() throws IOException {
        Path script = tmp.resolve("commands.tapnet");
        Files.writeString(script, """
                # a comment line, then a blank one

                h1 ping -c 1 -i 0.2 h3   # across r1
                nodes
                h1 traceroute -n -q 1 h4
                """);
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "--script", script.toString());
        assertEquals(Main.OK, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("1 packets transmitted, 1 received"), r.describe());
        assertTrue(r.stdout().lines().anyMatch(l -> l.startsWith("r1 ") && l.contains("router")), r.describe());
        assertTrue(r.stdout().contains(" 1  10.0.1.1"), r.describe());
        assertTrue(r.stdout().contains(" 2  10.0.2.11"), r.describe());
    }

    @Test
    void scriptWithAFailingCommandExitsOne() throws IOException {
        Path script = tmp.resolve("failing.tapnet");
        Files.writeString(script, "h1 ping -c 1 -i 0.2 h2\nh1 ping -c 1 -W 1 10.88.0.1\n");
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "--script", script.toString());
        assertEquals(Main.FAILURE, r.exitCode(), r.describe());
    }

    @Test
    void missingScriptFileIsBadUsage() {
        Path script = tmp.resolve("no-such-script.tapnet");
        CliHarness.Result r = CliHarness.run("run", TWO_SUBNETS, "--script", script.toString());
        assertEquals(Main.USAGE, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains(script.toString()), r.describe());
        assertFalse(r.stderr().contains("\tat "), "a stack trace is no message for a user:\n" + r.describe());
    }

    // ------------------------------------------------------------------ bad usage

    static Stream<List<String>> badUsage() {
        return Stream.of(
                List.of(),
                List.of("frobnicate"),
                List.of("run"),
                List.of("run", TWO_SUBNETS, "--bogus"),
                List.of("run", TWO_SUBNETS, "-c"),
                List.of("run", TWO_SUBNETS, "extra-argument"),
                List.of("validate"),
                List.of("demo", "--capture"));
    }

    @ParameterizedTest
    @MethodSource("badUsage")
    void badUsageExitsTwoWithAMessage(List<String> args) {
        CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
        assertEquals(Main.USAGE, r.exitCode(), "tapnet " + args + ": " + r.describe());
        assertFalse(r.stderr().isBlank(), "tapnet " + args + " says nothing on stderr");
        assertFalse(r.stderr().contains("\tat "), "tapnet " + args + " prints a stack trace:\n" + r.describe());
    }

    @Test
    void badUsageInItsOwnProcessExitsTwo() {
        CliProcess.Result r = CliProcess.run(Duration.ofSeconds(30), null, "run");
        assertEquals(2, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("FILE"), r.describe());
    }

    @Test
    void missingTopologyFileExitsTwo() {
        String file = tmp.resolve("absent.yaml").toString();
        CliHarness.Result r = CliHarness.run("run", file, "-c", "nodes");
        assertEquals(Main.USAGE, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains(file) && r.stderr().contains("no such file"), r.describe());
    }

    @Test
    void helpAndVersionExitZero() {
        for (List<String> args : List.of(List.of("--help"), List.of("run", "--help"), List.of("--version"),
                List.of("validate", "--help"), List.of("demo", "--help"))) {
            CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
            assertEquals(Main.OK, r.exitCode(), args + ": " + r.describe());
            assertFalse(r.stdout().isBlank(), args + ": " + r.describe());
        }
        assertTrue(CliHarness.run("--help").stdout().contains("Exit codes"));
    }

    // ------------------------------------------------------------------ validate

    @Test
    void validateAcceptsEveryExampleTopology() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(CliHarness.projectDir().resolve("topologies"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(examples.isEmpty());
        for (Path example : examples) {
            CliHarness.Result r = CliHarness.run("validate", example.toString());
            assertEquals(Main.OK, r.exitCode(), example + ": " + r.describe());
            assertTrue(r.stdout().contains(example + ": ok:"), r.describe());
        }
        CliHarness.Result r = CliHarness.run("validate", TWO_SUBNETS);
        assertTrue(r.stdout().contains("7 nodes, 6 links"), r.describe());
    }

    @Test
    void validateReportsEveryProblemOfABadFile() throws IOException {
        Path bad = tmp.resolve("two-problems.yaml");
        Files.writeString(bad, """
                nodes:
                  h1: { kind: host, ip: 10.88.1.10/24, gatway: 10.88.1.1 }
                  h2: { kind: bridge, ip: 10.88.1.11/24 }
                """);
        CliHarness.Result r = CliHarness.run("validate", bad.toString());
        assertEquals(Main.USAGE, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains(bad + ":2:40: unknown key 'gatway'"), r.describe());
        assertTrue(r.stderr().contains(bad + ":3:15: unknown kind 'bridge'"), r.describe());
        assertEquals("", r.stdout(), r.describe());
    }
}
