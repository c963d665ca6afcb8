package io.tapnet.interop;

import static io.tapnet.testing.LinuxTestNetwork.H1;
import static io.tapnet.testing.LinuxTestNetwork.PC2;
import static io.tapnet.testing.LinuxTestNetwork.R1_ETH0;
import static io.tapnet.testing.LinuxTestNetwork.R2_ETH0;
import static io.tapnet.testing.LinuxTestNetwork.R2_ETH2;
import static io.tapnet.testing.LinuxTestNetwork.R3_ETH0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.cli.Console;
import io.tapnet.phy.IpCommand;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.testing.Tshark;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.Topology;
import io.tapnet.topology.TopologyLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel and tapnet's own stack on one routed network, in real time: pc1 and pc2 are Linux
 * namespaces, h1 a Java host, and three emulated routers lie between them (the shape of
 * {@code topologies/mixed.yaml}, with this run's own namespace names). Real {@code ping} and
 * {@code traceroute} run in the namespaces, tapnet's ping and traceroute on h1, and at the end tshark
 * decodes every link's capture.
 *
 * <p>One network serves the whole class (building it costs a second); the tests run in order and the
 * last one closes it and checks what it left behind.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class MixedNetworkInteropTest {

    @TempDir
    static Path captureDir;

    private final LinuxTestNetwork names = new LinuxTestNetwork();
    private Network network;

    @BeforeAll
    void buildNetwork() throws IOException {
        RootRequirement.assumeRoot();
        Topology topology = TopologyLoader.parse(names.mixedYaml("mixed-interop", false), "mixed-interop.yaml");
        network = NetworkBuilder.of(topology).captureTo(captureDir).build();
        assertEquals(names.namespaces(), network.namespaces());
    }

    @AfterAll
    void tearDown() {
        try {
            if (network != null) {
                network.close();
            }
        } finally {
            names.close();
        }
    }

    @Test
    @Order(1)
    void kernelPingReachesTheOtherLinuxHostAndTheJavaHost() {
        for (String target : List.of(PC2, H1)) {
            IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(20),
                    "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", target);
            assertTrue(r.stdout().contains("3 received"), "pc1 -> " + target + ":\n" + r.stdout() + r.stderr());
            assertEquals(0, r.exitCode(), r.describe());
        }
    }

    @Test
    @Order(2)
    void kernelUdpTracerouteListsEveryRouterInOrder() {
        assertKernelTraceroute("traceroute", "-n", "-q", "1", "-w", "2", PC2);
    }

    @Test
    @Order(3)
    void kernelIcmpTracerouteListsEveryRouterInOrder() {
        assertKernelTraceroute("traceroute", "-n", "-I", "-q", "1", "-w", "2", PC2);
    }

    private void assertKernelTraceroute(String... argv) {
        IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(30), argv);
        String output = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), r.describe());
        // The address of each router's interface facing pc1, then pc2 itself.
        assertEquals(List.of(R1_ETH0, R2_ETH0, R3_ETH0, PC2), LinuxTestNetwork.tracerouteHops(r.stdout()), output);
    }

    @Test
    @Order(4)
    void javaHostPingsALinuxHostThroughTheConsole() {
        ConsoleRun run = console("h1 ping -c 3 -i 0.2 pc1");
        assertTrue(run.ok(), run.output());
        assertTrue(run.output().contains("3 received"), run.output());
        assertTrue(run.output().contains("ttl=62"), "pc1 is two routers away from h1:\n" + run.output());

        // pc1's TAP as tapnet sees it: the echo requests written to the kernel, the replies read back.
        ConsoleRun counters = console("pc1 counters");
        assertTrue(counters.ok(), counters.output());
        assertTrue(counters.output().contains("eth0 (TAP "), counters.output());
        assertTrue(counters.output().contains("offloads on"), "offloads are on by default: " + counters.output());
        java.util.regex.Matcher from = java.util.regex.Pattern.compile("from the kernel +(\\d+) frames")
                .matcher(counters.output());
        assertTrue(from.find() && Long.parseLong(from.group(1)) >= 3, "pc1's replies were read: " + counters.output());
        java.util.regex.Matcher to = java.util.regex.Pattern.compile("to the kernel +(\\d+) frames")
                .matcher(counters.output());
        assertTrue(to.find() && Long.parseLong(to.group(1)) >= 3, "h1's requests were written: " + counters.output());
        assertTrue(counters.output().contains("could not resolve (whole network): 0"), counters.output());
    }

    @Test
    @Order(5)
    void javaHostTraceroutesToALinuxHostThroughTheConsole() {
        ConsoleRun numeric = console("h1 traceroute -n -q 1 -w 2 pc2");
        assertTrue(numeric.ok(), numeric.output());
        assertEquals(List.of(R2_ETH2, R3_ETH0, PC2), LinuxTestNetwork.tracerouteHops(numeric.output()), numeric.output());

        ConsoleRun named = console("h1 traceroute -I -q 1 -w 2 pc2");
        assertTrue(named.ok(), named.output());
        List<String> lines = named.output().lines().filter(l -> l.matches("^\\s*\\d+\\s.*")).toList();
        assertEquals(3, lines.size(), named.output());
        assertTrue(lines.get(0).contains("r2 (" + R2_ETH2 + ")"), named.output());
        assertTrue(lines.get(1).contains("r3 (" + R3_ETH0 + ")"), named.output());
        assertTrue(lines.get(2).contains("pc2 (" + PC2 + ")"), named.output());
    }

    @Test
    @Order(6)
    void loopRanEveryHandlerWithoutError() {
        assertEquals(0, network.loop().handlerErrors());
    }

    @Test
    @Order(99)
    void closingLeavesCleanCapturesAndNoNamespaces() throws IOException {
        network.close();
        for (String ns : names.namespaces()) {
            assertFalse(LinuxTestNetwork.namespaceList().contains(ns), "namespace " + ns + " outlived close()");
        }
        List<String> leaked = LinuxTestNetwork.rootLinks().stream()
                .filter(l -> names.linuxMacs().contains(l.mac())).map(Object::toString).toList();
        assertEquals(List.of(), leaked, "TAP devices of pc1/pc2 came back to the root namespace");

        List<Path> captures;
        try (Stream<Path> files = Files.list(captureDir)) {
            captures = files.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertEquals(network.topology().links().size(), captures.size(), "one capture per link: " + captures);
        Tshark.assumeAvailable();
        captures.parallelStream().forEach(Tshark::assertCleanCapture); // a second or two of tshark per file

        Path edge = captureDir.resolve("pc1-eth0--r1-eth0.pcapng");
        List<String> frames = Tshark.decode(edge, "frame.protocols", "icmp.type", "arp.opcode");
        assertTrue(frames.stream().anyMatch(l -> l.split("\t", -1)[1].equals("8")), "no ICMP echo request in " + edge);
        assertTrue(frames.stream().anyMatch(l -> l.split("\t", -1)[1].equals("0")), "no ICMP echo reply in " + edge);
        assertTrue(frames.stream().anyMatch(l -> l.split("\t", -1)[0].contains("arp")), "no ARP in " + edge);
        assertTrue(frames.stream().anyMatch(l -> l.split("\t", -1)[1].contains("11")),
                "no ICMP time exceeded (traceroute) in " + edge);
    }

    private record ConsoleRun(boolean ok, String output) {}

    private ConsoleRun console(String command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean ok = new Console(network, out).execute(command);
        out.flush();
        return new ConsoleRun(ok, "tapnet> " + command + "\n" + bytes.toString(StandardCharsets.UTF_8));
    }
}
