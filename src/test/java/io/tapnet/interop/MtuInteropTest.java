package io.tapnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.ip.IpCounters;
import io.tapnet.phy.IpCommand;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.testing.Tshark;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance item 3 of issue 4, in real time with the Linux kernel: pc1 (Linux) - r1 - r2 - pc2
 * (Linux), r1 and r2 tapnet routers whose interfaces on the link between them have {@code mtu: 1280},
 * and a Java host h1 on r2's third interface, behind that link. Big pings cross it in fragments
 * (routers fragment, the kernel and the Java host reassemble), a ping that may not be fragmented draws
 * "Frag needed" with the next-hop MTU, the kernel remembers it (path-MTU discovery), and tracepath
 * finds the path MTU of 1280.
 *
 * <p>The tests run in order: the first must meet a kernel that knows nothing yet about the path.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(30)
class MtuInteropTest {
    static final String PC2 = "10.77.3.20";
    static final String H1 = "10.77.2.10";
    static final String R1_ETH0 = "10.77.1.1";

    @TempDir
    static Path captureDir;

    private final LinuxTestNetwork names = new LinuxTestNetwork();
    private Network network;

    private String yaml() {
        return """
                name: mtu-interop
                nodes:
                  pc1: { kind: linux, netns: %s, ip: 10.77.1.10/24, gateway: 10.77.1.1, mac: "%s" }
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.1.1/24, mac: "%s" }
                      eth1: { ip: 10.77.12.1/24, mac: "%s", mtu: 1280 }
                    routes:
                      - default via 10.77.12.2
                  r2:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.12.2/24, mac: "%s", mtu: 1280 }
                      eth1: { ip: 10.77.3.1/24, mac: "%s" }
                      eth2: { ip: 10.77.2.1/24, mac: "%s" }
                    routes:
                      - 10.77.1.0/24 via 10.77.12.1
                  h1: { kind: host, ip: 10.77.2.10/24, gateway: 10.77.2.1, mac: "%s" }
                  pc2: { kind: linux, netns: %s, ip: 10.77.3.20/24, gateway: 10.77.3.1, mac: "%s" }
                links:
                  - endpoints: [pc1, "r1:eth0"]
                  - endpoints: ["r1:eth1", "r2:eth0"]
                  - endpoints: ["r2:eth1", pc2]
                  - endpoints: ["r2:eth2", h1]
                """.formatted(names.ns1(), names.mac(1, 0), names.mac(2, 0), names.mac(2, 1), names.mac(3, 0),
                names.mac(3, 1), names.mac(3, 2), names.mac(4, 0), names.ns2(), names.mac(7, 0));
    }

    @BeforeAll
    void build() throws IOException {
        RootRequirement.assumeRoot();
        network = NetworkBuilder.of(TopologyLoader.parse(yaml(), "mtu-interop.yaml")).captureTo(captureDir).build();
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

    private IpCommand.Result pc1(String... argv) {
        return LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(20), argv);
    }

    /** The kernel's route to {@code target} as {@code ip route get} shows it, with any learnt MTU. */
    private String routeGet(String target) {
        IpCommand.Result r = pc1("ip", "route", "get", target);
        return r.stdout() + r.stderr();
    }

    @Test
    @Order(1)
    void aDatagramThatMayNotBeFragmentedDrawsFragNeededWithTheNextHopMtu() {
        IpCommand.Result r = pc1("ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "1400", PC2);
        String out = r.stdout() + r.stderr();
        // iputils: "From 10.77.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1280)"
        assertTrue(Pattern.compile("From " + Pattern.quote(R1_ETH0) + " icmp_seq=1 Frag needed and DF set \\(mtu = 1280\\)")
                .matcher(out).find(), out);
        assertTrue(network.stack("r1").counters().get("IcmpOutDestUnreachs") >= 1, "r1 sent it");

        // The kernel took note (RFC 1191): the next such ping fails locally, and the route says so.
        IpCommand.Result again = pc1("ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", "1400", PC2);
        String againOut = again.stdout() + again.stderr();
        assertTrue(againOut.contains("message too long, mtu=1280") || againOut.contains("Frag needed and DF set (mtu = 1280)"),
                againOut);
        String route = routeGet(PC2);
        assertTrue(route.contains("mtu 1280"), "pc1 learnt the path MTU: " + route);
    }

    @Test
    @Order(2)
    void aPingOf4000BytesCrossesThe1280LinkInFragmentsToTheKernel() {
        IpCommand.Result r = pc1("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-s", "4000", PC2);
        String out = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("3 packets transmitted, 3 received"), out);
        assertTrue(out.contains("4008 bytes from " + PC2 + ": icmp_seq=1 ttl=62"), out);
    }

    @Test
    @Order(3)
    void aPingOf4000BytesReachesAJavaHostThatReassemblesAndAnswersInFragments() {
        long before = reassembled("h1");
        IpCommand.Result r = pc1("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "-s", "4000", H1);
        String out = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("3 packets transmitted, 3 received"), out);
        assertTrue(out.contains("4008 bytes from " + H1 + ": icmp_seq=1 ttl=62"), out);
        assertEquals(3, reassembled("h1") - before, "h1 reassembled each request: " + network.stack("h1").counters().snapshot());
        assertTrue(network.stack("h1").counters().get("IpFragCreates") >= 9,
                "and sent each 4028-byte reply in fragments: " + network.stack("h1").counters().snapshot());
    }

    private long reassembled(String node) {
        IpCounters c = network.stack(node).counters();
        return c.get("IpReasmOKs");
    }

    private static final Pattern RESUME = Pattern.compile("Resume: pmtu (\\d+)");

    @Test
    @Order(4)
    void tracepathFindsThePathMtuOf1280() {
        // Forget what the pings taught the kernel, so that tracepath has to discover the MTU itself.
        pc1("ip", "route", "flush", "cache");
        IpCommand.Result r = pc1("tracepath", "-n", PC2);
        String out = r.stdout() + r.stderr();
        Matcher m = RESUME.matcher(out);
        assertTrue(m.find(), out);
        assertEquals("1280", m.group(1), out);
        System.out.println("tracepath -n pc2:\n" + out);
        assertTrue(Pattern.compile("\\[LOCALHOST\\]\\s+pmtu 1500").matcher(out).find(),
                "tracepath started from the interface MTU and discovered the smaller one:\n" + out);
        assertTrue(out.contains(R1_ETH0), "r1 is a hop:\n" + out);
        assertTrue(out.contains("pmtu 1280"), out);
    }

    @Test
    @Order(5)
    void tracepathToTheJavaHostFindsTheSamePathMtu() {
        IpCommand.Result r = pc1("tracepath", "-n", H1);
        String out = r.stdout() + r.stderr();
        Matcher m = RESUME.matcher(out);
        assertTrue(m.find(), out);
        assertEquals("1280", m.group(1), out);
    }

    @Test
    @Order(6)
    void loopRanWithoutErrors() {
        assertEquals(0, network.loop().handlerErrors());
    }

    @Test
    @Order(99)
    void noFrameOnThe1280LinkIsLargerAndTheCapturesAreClean() throws IOException {
        network.close();
        for (String ns : names.namespaces()) {
            assertFalse(LinuxTestNetwork.namespaceList().contains(ns), "namespace " + ns + " outlived close()");
        }
        Tshark.assumeAvailable();
        Path core = captureDir.resolve("r1-eth1--r2-eth0.pcapng");
        assertTrue(Files.exists(core), "capture of the 1280 link");
        List<String> lengths = Tshark.decode(core, "frame.len", "ip.flags.mf", "ip.frag_offset");
        int largest = lengths.stream().mapToInt(l -> Integer.parseInt(l.split("\t", -1)[0])).max().orElse(0);
        long fragments = lengths.stream().filter(l -> {
            String[] f = l.split("\t", -1);
            return f.length > 2 && (f[1].equals("1") || f[1].equalsIgnoreCase("true") || (!f[2].isEmpty() && !f[2].equals("0")));
        }).count();
        System.out.println("r1-r2 link: " + lengths.size() + " frames, largest " + largest + " bytes, " + fragments + " fragments");
        assertTrue(largest <= 1280 + 14, "a frame of " + largest + " bytes crossed the 1280-byte link");
        assertTrue(fragments >= 24, "the big pings crossed in fragments: " + fragments);
        Tshark.assertCleanCapture(core);
        Tshark.assertCleanCapture(captureDir.resolve("pc1-eth0--r1-eth0.pcapng"));
    }
}
