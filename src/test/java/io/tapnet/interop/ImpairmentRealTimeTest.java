package io.tapnet.interop;

import static io.tapnet.testing.LinuxTestNetwork.PC2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.Impairment;
import io.tapnet.phy.IpCommand;
import io.tapnet.phy.Link;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Acceptance item 1 of issue 4, the real-time half: link impairments seen by the Linux kernel. Two
 * Linux hosts, pc1 and pc2, on either side of a tapnet router r1; the pc1-r1 link has
 * {@code delay: 50ms} in both directions, so the kernel's {@code ping} from pc1 to pc2 must measure
 * 100 ms +/- 10 ms. Then the same network carries an iperf3 TCP stream through {@code rate=10mbit}.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(30)
class ImpairmentRealTimeTest {
    private final LinuxTestNetwork names = new LinuxTestNetwork();
    private Network network;

    private String yaml() {
        return """
                name: impairment-real-time
                nodes:
                  pc1: { kind: linux, netns: %s, ip: 10.77.1.10/24, gateway: 10.77.1.1, mac: "%s" }
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.1.1/24, mac: "%s" }
                      eth1: { ip: 10.77.3.1/24, mac: "%s" }
                  pc2: { kind: linux, netns: %s, ip: 10.77.3.20/24, gateway: 10.77.3.1, mac: "%s" }
                links:
                  - endpoints: [pc1, "r1:eth0"]
                    delay: 50ms
                  - endpoints: ["r1:eth1", pc2]
                """.formatted(names.ns1(), names.mac(1, 0), names.mac(2, 0), names.mac(2, 1), names.ns2(), names.mac(7, 0));
    }

    @BeforeAll
    void build() throws IOException {
        RootRequirement.assumeRoot();
        network = NetworkBuilder.of(TopologyLoader.parse(yaml(), "impairment-real-time.yaml")).build();
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

    /** min/avg/max/mdev of an iputils ping summary, in ms. */
    record Rtt(double min, double avg, double max, double mdev) {
    }

    private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");

    static Rtt rtt(String pingOutput) {
        Matcher m = RTT.matcher(pingOutput);
        return m.find() ? new Rtt(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))) : null;
    }

    @Test
    @Order(1)
    void kernelPingAcrossA50MillisecondLinkMeasures100MillisecondsRoundTrip() {
        // Neighbours first: r1's first ARP for pc1 would cross the delayed link too.
        IpCommand.Result warm = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(10),
                "ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", PC2);
        assertTrue(warm.stdout().contains("2 received"), warm.stdout() + warm.stderr());

        IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(15),
                "ping", "-n", "-c", "10", "-i", "0.2", "-W", "2", PC2);
        String out = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("10 packets transmitted, 10 received"), out);
        Rtt rtt = rtt(out);
        assertNotNull(rtt, out);
        System.out.println("kernel ping across delay=50ms (both ways): " + rtt);
        assertEquals(100.0, rtt.avg(), 10.0, "average RTT:\n" + out);
        assertTrue(rtt.min() >= 99.0, "no reply is faster than the two delays:\n" + out);
        // One reply in ten may meet a scheduling hiccup of a shared machine; a delay applied twice
        // (200 ms) or a lost timer (1 s retransmission) still fails here.
        assertTrue(rtt.max() <= 150.0, "nor much slower:\n" + out);
    }

    @Test
    @Order(2)
    void theDelayChangesAtRuntime() {
        Link edge = network.link("pc1", "r1");
        network.run(() -> edge.impairBoth(Impairment.parse("delay=20ms")));
        IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(15),
                "ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", PC2);
        String out = r.stdout() + r.stderr();
        Rtt rtt = rtt(out);
        assertNotNull(rtt, out);
        System.out.println("kernel ping across delay=20ms (both ways): " + rtt);
        assertEquals(40.0, rtt.avg(), 4.0, out);
    }

    /**
     * iperf3 from pc1 to pc2 through {@code rate=10mbit} on r1-pc2. The rate counts Ethernet wire
     * bytes (the frame plus 24 bytes of preamble, FCS and gap), so a TCP stream of 1448-byte
     * segments (1514-byte frames) carries 10 Mbit/s * 1448 / 1538 = 9.41 Mbit/s of payload.
     */
    @Test
    @Order(3)
    void aTcpStreamThroughRate10MbitGetsItsShareWithinTenPercent() throws Exception {
        Link edge = network.link("pc1", "r1");
        Link far = network.link("r1", "pc2");
        network.run(() -> {
            edge.impairBoth(Impairment.NONE);
            far.impairBoth(Impairment.parse("rate=10mbit"));
        });
        Process server = new ProcessBuilder("ip", "netns", "exec", names.ns2(), "timeout", "25", "iperf3", "-s", "-1",
                "-B", PC2).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            waitForPort(names.ns2(), 5201, server);
            IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(20),
                    "iperf3", "-c", PC2, "-t", "4", "-O", "1", "-J");
            assertEquals(0, r.exitCode(), r.describe());
            Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([\\d.eE+]+)")
                    .matcher(r.stdout());
            assertTrue(m.find(), r.stdout());
            double received = Double.parseDouble(m.group(1));
            double expected = 10e6 * 1448 / 1538;
            System.out.printf("iperf3 through rate=10mbit: %.3f Mbit/s received (expected %.3f, error %+.2f%%)%n",
                    received / 1e6, expected / 1e6, (received / expected - 1) * 100);
            assertEquals(expected, received, 0.10 * expected, "TCP goodput through rate=10mbit");
        } finally {
            server.destroy();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        assertEquals(0, network.loop().handlerErrors());
    }

    private static void waitForPort(String ns, int port, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            IpCommand.Result ss = LinuxTestNetwork.exec(ns, Duration.ofSeconds(5), "ss", "-ltnH");
            if (ss.stdout().contains(":" + port + " ")) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("iperf3 -s ended before listening on " + port);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + ns);
    }

    @Test
    @Order(99)
    void closingLeavesNoNamespaces() {
        network.close();
        List<String> left = LinuxTestNetwork.namespaceList();
        for (String ns : names.namespaces()) {
            assertTrue(!left.contains(ns), "namespace " + ns + " outlived close()");
        }
    }
}
