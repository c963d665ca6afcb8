package io.tapnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tapnet.phy.IpCommand;
import io.tapnet.testing.CliProcess;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tapnet run} with Linux nodes, as its own process: the network comes up, carries kernel
 * traffic, and everything it created outside the JVM (namespaces, TAP devices) is gone however it
 * ends: commands done, SIGTERM (a service manager), SIGINT (Ctrl-C), or a build that fails.
 *
 * <p>A leaked TAP device is recognised by its MAC address, which carries this run's random tag: once
 * moved into a namespace and renamed there, a device that came back would no longer be called
 * {@code tnet*}.
 */
@Tag("root")
@Timeout(90)
class CliLinuxLifecycleTest {

    @TempDir
    Path tmp;

    private LinuxTestNetwork names;
    private Path topology;

    @BeforeEach
    void writeTopology() throws IOException {
        RootRequirement.assumeRoot();
        names = new LinuxTestNetwork();
        topology = tmp.resolve("two-linux-hosts.yaml");
        Files.writeString(topology, names.twoLinuxHostsYaml("lifecycle"));
    }

    @AfterEach
    void removeNamespaces() {
        if (names != null) {
            names.close();
        }
    }

    @Test
    void sigtermTearsDownNamespacesAndTaps() {
        runUntilSignal("TERM", 15);
    }

    @Test
    void sigintTearsDownNamespacesAndTaps() {
        runUntilSignal("INT", 2);
    }

    private void runUntilSignal(String signal, int signalNumber) {
        Set<String> tapsBefore = tapNames();
        try (CliProcess tapnet = CliProcess.start(null, "run", topology.toString())) {
            assertTrue(tapnet.awaitStderr("is up", Duration.ofSeconds(60)),
                    "no 'is up' line within 60 s\n--- stdout\n" + tapnet.stdout() + "--- stderr\n" + tapnet.stderr());
            assertTrue(tapnet.process().isAlive(), tapnet.stderr());
            List<String> present = LinuxTestNetwork.namespaceList();
            for (String ns : names.namespaces()) {
                assertTrue(present.contains(ns), "namespace " + ns + " missing while tapnet runs: " + present);
            }
            LinuxTestNetwork.PingOutcome ping = LinuxTestNetwork.ping(names.ns1(), 3, LinuxTestNetwork.PC2);
            assertEquals(3, ping.received(), ping.output());

            if (signal.equals("TERM")) {
                tapnet.process().destroy(); // SIGTERM
            } else {
                if (ignores(tapnet.pid(), signalNumber)) {
                    tapnet.process().destroy();
                    tapnet.waitFor(Duration.ofSeconds(30));
                    Assumptions.abort("SIGINT is ignored by this process tree (inherited from a non-interactive"
                            + " shell), so Ctrl-C cannot be tested here");
                }
                tapnet.signal(signal);
            }
            int code = tapnet.waitFor(Duration.ofSeconds(30));
            String context = "exit " + code + "\n--- stdout\n" + tapnet.stdout() + "--- stderr\n" + tapnet.stderr();
            // The JVM reports death by signal as 128 + signal number; a clean 0 would do as well.
            assertTrue(code == 0 || code == 128 + signalNumber, context);
            assertFalse(tapnet.stderr().contains("cleanup failed"), context);
            assertFalse(tapnet.stderr().contains("Exception"), context);
        }
        assertNothingLeft(tapsBefore);
    }

    @Test
    void commandsRunAgainstLinuxHostsThenEverythingIsRemoved() {
        Set<String> tapsBefore = tapNames();
        CliProcess.Result r = CliProcess.run(Duration.ofSeconds(60), null, "run", topology.toString(), "-c",
                "pc1 ping -c 2 -i 0.2 -W 2 pc2; pc2 traceroute -n -q 1 -w 2 pc1; nodes");
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("2 received"), r.describe());
        // pc2's gateway is r1:eth1, 10.77.3.1, in this topology.
        assertEquals(List.of("10.77.3.1", LinuxTestNetwork.PC1), LinuxTestNetwork.tracerouteHops(r.stdout()), r.describe());
        assertTrue(r.stdout().contains("netns " + names.ns1()), r.describe());
        assertNothingLeft(tapsBefore);
    }

    @Test
    void aNamespaceThatAlreadyExistsStopsTheBuildAndIsLeftAlone() throws IOException {
        IpCommand.ip("netns", "add", names.ns1());
        try {
            CliProcess.Result r = CliProcess.run(Duration.ofSeconds(60), null, "run", topology.toString(), "-c", "nodes");
            assertEquals(1, r.exitCode(), r.describe());
            assertTrue(r.stderr().contains(names.ns1()) && r.stderr().contains("already exist"), r.describe());
            List<String> present = LinuxTestNetwork.namespaceList();
            assertTrue(present.contains(names.ns1()), "tapnet removed a namespace it did not create");
            assertFalse(present.contains(names.ns2()), "tapnet left " + names.ns2() + " behind after failing");
        } finally {
            names.close();
        }
    }

    private void assertNothingLeft(Set<String> tapsBefore) {
        List<String> present = LinuxTestNetwork.namespaceList();
        for (String ns : names.namespaces()) {
            assertFalse(present.contains(ns), "namespace " + ns + " outlived tapnet");
        }
        List<String> ours = LinuxTestNetwork.rootLinks().stream()
                .filter(l -> names.linuxMacs().contains(l.mac())).map(Object::toString).toList();
        assertEquals(List.of(), ours, "TAP devices of this run are back in the root namespace");
        Set<String> newTaps = tapNames();
        newTaps.removeAll(tapsBefore);
        if (!newTaps.isEmpty()) {
            // Another test run may be creating TAPs right now; ours would carry our MACs (checked above).
            System.err.println("note: tnet* devices appeared meanwhile (not this run's MACs): " + newTaps);
        }
    }

    private static Set<String> tapNames() {
        return LinuxTestNetwork.rootLinks().stream().map(LinuxTestNetwork.RootLink::name)
                .filter(n -> n.startsWith("tnet")).collect(Collectors.toSet());
    }

    /** True if {@code pid} ignores signal {@code number} (its SigIgn mask in /proc). */
    private static boolean ignores(long pid, int number) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (mask & (1L << (number - 1))) != 0;
                }
            }
        } catch (IOException e) {
            fail("cannot read /proc/" + pid + "/status: " + e.getMessage());
        }
        return false;
    }
}
