package io.tapnet.app;

import static io.tapnet.app.TestNetworks.SECOND;
import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.topology.Network;
import io.tapnet.wire.Ipv4Address;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Traceroute over the example topologies in virtual time, UDP and ICMP probes. */
class TracerouteTest {

    static List<Integer> addresses(String spaceSeparated) {
        return Arrays.stream(spaceSeparated.trim().split("\\s+")).map(Ipv4Address::parse).toList();
    }

    static List<String> formatted(List<Integer> path) {
        return path.stream().map(Ipv4Address::format).toList();
    }

    /** Each router's address (the one facing the source) in order, then the destination. */
    @ParameterizedTest(name = "{0}: {1} -> {2}, icmp={4}")
    @CsvSource({
            "lan.yaml,          h1, h3, 10.0.0.3,                                   false",
            "lan.yaml,          h1, h3, 10.0.0.3,                                   true",
            "two-subnets.yaml,  h1, h3, 10.0.1.1 10.0.2.10,                         false",
            "two-subnets.yaml,  h1, h3, 10.0.1.1 10.0.2.10,                         true",
            "demo.yaml,         h1, h4, 10.0.1.1 10.0.12.2 10.0.2.11,               false",
            "demo.yaml,         h1, h4, 10.0.1.1 10.0.12.2 10.0.2.11,               true",
            "demo.yaml,         h4, h2, 10.0.2.1 10.0.12.1 10.0.1.11,               false",
            "router-chain.yaml, h1, h2, 10.0.1.1 10.0.12.2 10.0.23.2 10.0.3.10,     false",
            "router-chain.yaml, h1, h2, 10.0.1.1 10.0.12.2 10.0.23.2 10.0.3.10,     true",
            "router-chain.yaml, h2, h1, 10.0.3.1 10.0.23.1 10.0.12.1 10.0.1.10,     true",
    })
    void listsEveryRouterThenTheDestination(String file, String from, String to, String path, boolean icmp) {
        try (Network n = TestNetworks.build(file)) {
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, from, to, icmp, 30, 2 * SECOND);
            assertEquals(formatted(addresses(path)), formatted(run.result().path()));
            assertTrue(run.result().reached());
            List<TracerouteResult.Hop> hops = run.result().hops();
            for (int i = 0; i < hops.size(); i++) {
                TracerouteResult.Hop hop = hops.get(i);
                assertEquals(i + 1, hop.ttl());
                assertEquals(3, hop.responders().size());
                assertTrue(hop.responders().stream().allMatch(r -> r.intValue() == run.result().path().get(hop.ttl() - 1)),
                        "all three probes of hop " + hop.ttl() + " answered by the same node: " + hop.responders());
                assertEquals(i == hops.size() - 1, hop.reachedDestination());
            }
            assertEquals(0, n.loop().handlerErrors());
        }
    }

    @Test
    void printsLikeLinuxTraceroute() {
        try (Network n = TestNetworks.build("demo.yaml")) {
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, "h1", "h4", false, 30, 2 * SECOND);
            assertEquals(List.of(
                    "traceroute to h4 (10.0.2.11), 30 hops max, 60 byte packets",
                    " 1  r1 (10.0.1.1)  0.000 ms  0.000 ms  0.000 ms",
                    " 2  r2 (10.0.12.2)  0.000 ms  0.000 ms  0.000 ms",
                    " 3  h4 (10.0.2.11)  0.000 ms  0.000 ms  0.000 ms"), run.lines());
        }
    }

    /** The final hop of a UDP trace to a router's far interface is that interface, as with Linux. */
    @Test
    void aUdpTraceToARoutersFarInterfaceEndsAtThatAddress() {
        try (Network n = TestNetworks.build("demo.yaml")) {
            TestNetworks.TraceRun udp = TestNetworks.traceroute(n, "h1", "10.0.2.1", false, 30, 2 * SECOND);
            TestNetworks.TraceRun icmp = TestNetworks.traceroute(n, "h1", "10.0.2.1", true, 30, 2 * SECOND);
            assertEquals(List.of("10.0.1.1", "10.0.2.1"), formatted(icmp.result().path()));
            assertTrue(icmp.result().reached());
            assertEquals(List.of("10.0.1.1", "10.0.2.1"), formatted(udp.result().path()));
            assertTrue(udp.result().reached());
        }
    }

    @Test
    void anAddressWithoutARouteEndsWithNetUnreachable() {
        try (Network n = TestNetworks.build("demo.yaml")) {
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, "h1", "10.0.99.9", false, 30, 2 * SECOND);
            assertFalse(run.result().reached());
            List<Integer> path = run.result().path();
            assertEquals("10.0.1.1", Ipv4Address.format(path.get(path.size() - 1)), "r1 has no route");
            assertTrue(path.size() <= 2, "the trace stops at the !N: " + run.lines());
            String last = run.lines().get(run.lines().size() - 1);
            assertTrue(last.matches(" \\d  r1 \\(10\\.0\\.1\\.1\\)(  0\\.000 ms !N){3}"), last);
        }
    }

    @Test
    void anAbsentHostBehindTheLastRouterEndsWithHostUnreachableAfterArpGivesUp() {
        try (Network n = TestNetworks.build("router-chain.yaml")) {
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, "h1", "10.0.3.99", true, 30, 5 * SECOND);
            assertFalse(run.result().reached());
            assertEquals(List.of("10.0.1.1", "10.0.12.2", "10.0.23.2", "10.0.23.2"), formatted(run.result().path()));
            TracerouteResult.Hop last = run.result().hops().get(3);
            assertEquals(List.of(3 * SECOND, 3 * SECOND, 3 * SECOND), last.rttNanos(), "three ARP probes a second apart");
            assertTrue(run.lines().get(4).matches(" 4  r3 \\(10\\.0\\.23\\.2\\)(  3000[.0-9]* ms !H){3}"), run.lines().get(4));
            assertEquals(5, run.lines().size());
        }
    }

    @Test
    void silentHopsAreStarsUntilMaxHops() {
        try (Network n = TestNetworks.build("demo.yaml")) {
            n.link("r2", "s2").setUp(false); // r2 drops what it would send towards h4: no carrier
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, "h1", "h4", false, 5, SECOND);
            assertEquals(List.of(ip("10.0.1.1"), ip("10.0.12.2"), 0, 0, 0), run.result().path());
            assertFalse(run.result().reached());
            for (TracerouteResult.Hop hop : run.result().hops().subList(2, 5)) {
                assertEquals(List.of(0, 0, 0), hop.responders());
                assertEquals(List.of(-1L, -1L, -1L), hop.rttNanos());
            }
            assertEquals(6, run.lines().size());
            assertTrue(run.lines().get(3).matches(" 3 +\\* \\* \\*"), run.lines().get(3));
        }
    }

    /**
     * Linux traceroute prints {@code "%2d "} before a hop, {@code " *"} for a silent probe and
     * {@code "  %.3f ms"} for every time (traceroute.c), unlike ping's shrinking precision.
     */
    @Test

    void starsAndTimesAreFormattedAsLinuxTraceroutePrintsThem() {
        try (Network n = TestNetworks.build("router-chain.yaml")) {
            n.link("r3", "h2").setUp(false);
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, "h1", "10.0.3.99", true, 4, SECOND);
            assertEquals(" 4  * * *", run.lines().get(4));
        }
        try (Network n = TestNetworks.build("router-chain.yaml")) {
            TestNetworks.TraceRun run = TestNetworks.traceroute(n, "h1", "10.0.3.99", true, 30, 5 * SECOND);
            assertEquals(" 4  r3 (10.0.23.2)  3000.000 ms !H  3000.000 ms !H  3000.000 ms !H", run.lines().get(4));
        }
    }
}
