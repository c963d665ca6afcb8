package io.tapnet.app;

import static io.tapnet.app.TestNetworks.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Impairment;
import io.tapnet.testing.Frames;
import io.tapnet.testing.StepHarness;
import io.tapnet.topology.Network;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.Ipv4View;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Ping over the example topologies in virtual time, and its output against iputils' shape. */
class PingTest {

    /** Every router on the way takes one off the replying host's TTL of 64. */
    @ParameterizedTest(name = "{0}: {1} -> {2} ({3})")
    @CsvSource({
            "lan.yaml,          h1, h3, 10.0.0.3,   64",
            "lan.yaml,          h3, h2, 10.0.0.2,   64",
            "two-subnets.yaml,  h1, h3, 10.0.2.10,  63",
            "two-subnets.yaml,  h4, h2, 10.0.1.11,  63",
            "demo.yaml,         h1, h4, 10.0.2.11,  62",
            "demo.yaml,         h3, h2, 10.0.1.11,  62",
            "router-chain.yaml, h1, h2, 10.0.3.10,  61",
            "router-chain.yaml, h2, h1, 10.0.1.10,  61",
    })
    void everyProbeIsAnsweredWithTheTtlOfTheHopCount(String file, String from, String to, String address, int ttl) {
        try (Network n = TestNetworks.build(file)) {
            TestNetworks.PingRun run = TestNetworks.ping(n, from, to, 3);
            assertEquals(new PingResult(3, 3, 0, 0, List.of(0L, 0L, 0L)), run.result());
            List<String> expected = new ArrayList<>();
            expected.add("PING " + to + " (" + address + ") 56(84) bytes of data.");
            for (int seq = 1; seq <= 3; seq++) {
                expected.add("64 bytes from " + address + ": icmp_seq=" + seq + " ttl=" + ttl + " time=0.000 ms");
            }
            expected.add("");
            expected.add("--- " + to + " ping statistics ---");
            expected.add("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
            expected.add("rtt min/avg/max/mdev = 0.000/0.000/0.000/0.000 ms");
            assertEquals(expected, run.lines());
            assertEquals(0, n.loop().handlerErrors());
        }
    }

    @Test
    void routersAnswerOnEveryAddress() {
        try (Network n = TestNetworks.build("router-chain.yaml")) {
            for (String address : List.of("10.0.1.1", "10.0.12.1", "10.0.12.2", "10.0.23.1", "10.0.23.2", "10.0.3.1")) {
                TestNetworks.PingRun run = TestNetworks.ping(n, "h1", address, 1);
                assertEquals(1, run.result().received(), address);
                int hops = List.of("10.0.1.1", "10.0.12.1").contains(address) ? 0
                        : List.of("10.0.12.2", "10.0.23.1").contains(address) ? 1 : 2;
                assertTrue(run.lines().get(1).startsWith("64 bytes from " + address + ": icmp_seq=1 ttl=" + (64 - hops) + " "),
                        run.lines().get(1));
            }
        }
    }

    @Test
    void roundTripTimesFollowTheLinkDelaysIncludingTheFirstArpExchange() {
        try (Network n = TestNetworks.build("demo.yaml")) {
            n.link("r1", "r2").impairBoth(Impairment.builder().delay(Duration.ofMillis(5)).build());
            TestNetworks.PingRun run = TestNetworks.ping(n, "h1", "h4", 3);
            // The first probe waits for r1 to resolve r2 across the 5 ms link: 10 ms more.
            assertEquals(List.of(20_000_000L, 10_000_000L, 10_000_000L), run.result().rttNanos());
            assertEquals(List.of(
                    "PING h4 (10.0.2.11) 56(84) bytes of data.",
                    "64 bytes from 10.0.2.11: icmp_seq=1 ttl=62 time=20.0 ms",
                    "64 bytes from 10.0.2.11: icmp_seq=2 ttl=62 time=10.0 ms",
                    "64 bytes from 10.0.2.11: icmp_seq=3 ttl=62 time=10.0 ms",
                    "",
                    "--- h4 ping statistics ---",
                    "3 packets transmitted, 3 received, 0% packet loss, time 2000ms",
                    "rtt min/avg/max/mdev = 10.000/13.333/20.000/4.714 ms"), run.lines());
        }
    }

    /**
     * Ping's comment promises Linux's path-MTU "want" mode. On Linux the first probe too big for the
     * 1400-byte r2-r3 link draws "Frag needed" (RFC 1191), the kernel remembers the path MTU, and the
     * later probes leave in fragments and are answered. A host that forgets the reported MTU loses
     * every probe instead.
     */
    @Test

    void aProbeTooBigForThePathIsReportedOnceThenSentInFragments() {
        try (Network n = TestNetworks.build("router-chain.yaml")) {
            List<String> out = new ArrayList<>();
            Ping p = new Ping(n.stack("h1"), n.resolve("h2"), "h2", 3, SECOND, 2 * SECOND, 1400, 64, out::add);
            PingResult r = n.await(n.call(p::start), 20 * SECOND);
            assertEquals("PING h2 (10.0.3.10) 1400(1428) bytes of data.", out.get(0));
            assertEquals("From 10.0.12.2 icmp_seq=1 Frag needed and DF set (mtu = 1400)", out.get(1));
            assertEquals(1, r.errors(), String.join("\n", out));
            assertEquals(2, r.received(), String.join("\n", out));
            assertTrue(out.get(2).startsWith("1408 bytes from 10.0.3.10: icmp_seq=2 ttl=61 "), out.get(2));
            assertTrue(out.get(3).startsWith("1408 bytes from 10.0.3.10: icmp_seq=3 ttl=61 "), out.get(3));
        }
    }

    @Test
    void aTargetWithoutARouteSaysNetworkIsUnreachable() {
        try (Network n = TestNetworks.build("lan.yaml")) { // hosts without a gateway
            TestNetworks.PingRun run = TestNetworks.ping(n, "h1", "192.168.1.1", 3);
            assertEquals(0, run.result().received());
            assertEquals(0, run.result().transmitted());
            // As iputils: the socket cannot connect, and that line is all ping prints.
            assertEquals(List.of("ping: connect: Network is unreachable"), run.lines());
            assertEquals(0, n.stack("h1").counters().get("IcmpOutMsgs"));
        }
    }

    @Test
    void unansweredProbesAreCountedAsLoss() {
        try (Network n = TestNetworks.build("demo.yaml")) {
            n.link("r2", "s2").setUp(false);
            TestNetworks.PingRun run = TestNetworks.ping(n, "h1", "h4", 2);
            assertEquals(new PingResult(2, 0, 0, 0, List.of()), run.result());
            assertEquals(List.of(
                    "PING h4 (10.0.2.11) 56(84) bytes of data.",
                    "",
                    "--- h4 ping statistics ---",
                    "2 packets transmitted, 0 received, 100% packet loss, time 1000ms"), run.lines());
        }
    }

    // ------------------------------------------------------------------ one host, a scripted peer

    static final long HOST_MAC = 0x02_00_00_00_01_0aL;
    static final long PEER_MAC = 0x02_00_00_00_01_14L;
    static final int HOST = Frames.ip("10.0.1.10");
    static final int PEER = Frames.ip("10.0.1.20");

    /**
     * Ping against a peer played by the test: each echo request is checked byte for byte (DF, TTL,
     * identifier, sequence, the iputils data pattern after the timestamp), and answered after a
     * chosen delay, one of them twice.
     */
    @Test
    void sendsWellFormedProbesAndReportsDuplicatesAndStatistics() {
        EventLoop loop = EventLoop.virtual();
        Ipv4Stack stack = new Ipv4Stack(loop, "h1", false);
        IpInterface eth0 = stack.addInterface("eth0", HOST_MAC, HOST, 24, 1500);
        StepHarness peer = StepHarness.attach(eth0.port());
        peer.expect(Frames.gratuitousArp(HOST_MAC, HOST));
        peer.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();

        List<String> out = new ArrayList<>();
        Ping ping = new Ping(stack, PEER, "peer", 3, SECOND, 2 * SECOND, 56, 64, out::add);
        CompletableFuture<PingResult> result = ping.start();
        long[] delays = {1_234_000L, 12_345_000L, 123_456_000L};
        for (int seq = 1; seq <= 3; seq++) {
            long sentAt = loop.now();
            byte[] request = peer.expect();
            Ipv4View ip = Frames.ipOf(request);
            assertEquals(Ipv4View.FLAG_DF, ip.flags());
            assertEquals(64, ip.ttl());
            assertEquals(HOST, ip.source());
            assertEquals(PEER, ip.destination());
            var icmp = Frames.icmpOf(request);
            assertEquals(8, icmp.type());
            assertEquals(seq, icmp.sequenceNumber());
            int identifier = icmp.identifier();
            byte[] data = Frames.slice(request, Frames.ETH + 28, 56);
            assertEquals(sentAt, Frames.buffer(data).getLong(0), "the send time, as iputils puts a timeval there");
            byte[] pattern = Frames.pattern(48);
            assertEquals(Frames.hex(pattern), Frames.hex(Frames.slice(data, 8, 48)));

            byte[] icmpReply = Frames.icmp(IcmpHeader.echoReply(identifier, seq), data);
            byte[] reply = Frames.ipv4(HOST_MAC, PEER_MAC, Frames.header(Ipv4View.PROTO_ICMP, PEER, HOST, icmpReply.length,
                    0x4000 + seq, 60, false), icmpReply);
            peer.advanceNanos(delays[seq - 1]);
            peer.receive(reply);
            if (seq == 2) {
                peer.receive(reply); // a duplicate
            }
            peer.advanceNanos(SECOND - delays[seq - 1]);
        }
        assertTrue(result.isDone());
        assertEquals(new PingResult(3, 3, 0, 1, List.of(delays[0], delays[1], delays[2])), result.join());
        assertEquals(List.of(
                "PING peer (10.0.1.20) 56(84) bytes of data.",
                "64 bytes from 10.0.1.20: icmp_seq=1 ttl=60 time=1.23 ms",
                "64 bytes from 10.0.1.20: icmp_seq=2 ttl=60 time=12.3 ms",
                "64 bytes from 10.0.1.20: icmp_seq=2 ttl=60 time=12.3 ms (DUP!)",
                "64 bytes from 10.0.1.20: icmp_seq=3 ttl=60 time=123 ms",
                "",
                "--- peer ping statistics ---",
                "3 packets transmitted, 3 received, +1 duplicates, 0% packet loss, time 2000ms",
                "rtt min/avg/max/mdev = 1.234/45.678/123.456/55.184 ms"), out);
        peer.expectNothing();
    }

    @Test
    void anAnswerThatIsNotOursIsIgnored() {
        EventLoop loop = EventLoop.virtual();
        Ipv4Stack stack = new Ipv4Stack(loop, "h1", false);
        IpInterface eth0 = stack.addInterface("eth0", HOST_MAC, HOST, 24, 1500);
        StepHarness peer = StepHarness.attach(eth0.port());
        peer.drain();
        peer.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        List<String> out = new ArrayList<>();
        Ping ping = new Ping(stack, PEER, "peer", 1, SECOND, 2 * SECOND, 56, 64, out::add);
        CompletableFuture<PingResult> result = ping.start();
        byte[] request = peer.expect();
        var icmp = Frames.icmpOf(request);
        byte[] data = Frames.slice(request, Frames.ETH + 28, 56);
        for (byte[] l4 : List.of(
                Frames.icmp(IcmpHeader.echoReply(icmp.identifier() ^ 1, 1), data), // another ping's identifier
                Frames.icmp(IcmpHeader.echoReply(icmp.identifier(), 9), data))) { // a sequence never sent
            peer.receive(Frames.ipv4(HOST_MAC, PEER_MAC, Frames.header(1, PEER, HOST, l4.length, 1, 64, false), l4));
        }
        byte[] fromElsewhere = Frames.icmp(IcmpHeader.echoReply(icmp.identifier(), 1), data);
        peer.receive(Frames.ipv4(HOST_MAC, PEER_MAC, Frames.header(1, Frames.ip("10.0.1.99"), HOST, fromElsewhere.length,
                1, 64, false), fromElsewhere));
        peer.advance(Duration.ofSeconds(3));
        assertEquals(new PingResult(1, 0, 0, 0, List.of()), result.join());
    }

    @Test
    void rejectsImpossibleArguments() {
        Ipv4Stack stack = new Ipv4Stack(EventLoop.virtual(), "h", false);
        assertThrows(IllegalArgumentException.class, () -> new Ping(stack, HOST, 0, s -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> new Ping(stack, HOST, "x", 1, SECOND, SECOND, 7, 64, s -> { }));
    }
}
