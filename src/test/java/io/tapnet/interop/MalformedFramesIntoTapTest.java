package io.tapnet.interop;

import static io.tapnet.testing.LinuxRawFrames.ETHERTYPE_ARP;
import static io.tapnet.testing.LinuxRawFrames.ETHERTYPE_IPV4;
import static io.tapnet.testing.LinuxRawFrames.PROTO_ICMP;
import static io.tapnet.testing.LinuxRawFrames.PROTO_UDP;
import static io.tapnet.testing.LinuxRawFrames.concat;
import static io.tapnet.testing.LinuxRawFrames.ethernet;
import static io.tapnet.testing.LinuxRawFrames.icmpEcho;
import static io.tapnet.testing.LinuxRawFrames.prefix;
import static io.tapnet.testing.LinuxRawFrames.udp;
import static io.tapnet.testing.LinuxRawFrames.withUdpChecksum;
import static io.tapnet.testing.LinuxTestNetwork.H1;
import static io.tapnet.testing.LinuxTestNetwork.PC1;
import static io.tapnet.testing.LinuxTestNetwork.PC2;
import static io.tapnet.testing.LinuxTestNetwork.R1_ETH0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.link.MacTable;
import io.tapnet.testing.LinuxRawFrames;
import io.tapnet.testing.LinuxRawFrames.Batch;
import io.tapnet.testing.LinuxRawFrames.Ipv4;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.Topology;
import io.tapnet.topology.TopologyLoader;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.MacAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * Hostile and broken frames from a real kernel: pc1 writes hand-made frames through an
 * {@code AF_PACKET} socket on its TAP, and each kind must land in exactly the drop counter made for it
 * (RFC 1213 names where there is one), never in an exception, and never stop the network: after every
 * batch the kernel's ping still crosses the routers.
 *
 * <p>Topology: pc1 - s1 - r1 - r2 - r3 - pc2, with the Java host h1 on r2. Frames are paced (a fraction
 * of a millisecond apart) so that no queue overflows and the counts are exact; the tests check that no
 * frame was dropped for lack of room, which would make a count wrong for the wrong reason.
 *
 * <p>Frames shorter than an Ethernet header cannot be sent this way: the kernel refuses them
 * ({@code EINVAL}) before they reach the TAP. Ethernet truncation is exercised with a VLAN tag whose
 * four bytes are cut off.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class MalformedFramesIntoTapTest {

    /**
     * Counters that only move when something is wrong or refused; each test says which ones may. A
     * name this build's stack does not have is skipped.
     */
    private static final List<String> DROP_COUNTERS = List.of(
            "EthTruncated", "EthNotForUs", "EthUnknownType", "EthTagged", "ArpMalformed", "ArpUnsupported",
            "IpInTruncated", "IpInBadChecksum", "IpInHdrErrors", "IpInAddrErrors", "IpInUnknownProtos",
            "IpOutNoRoutes", "IpReasmFails", "IpFragFails", "IcmpInErrors", "IcmpOutTimeExcds",
            "IcmpOutDestUnreachs", "IcmpRateLimited", "UdpNoPorts", "UdpInErrors", "TcpNoListener", "FilterDrops");
    private static final List<String> STACKS = List.of("r1", "r2", "r3", "h1");
    private static final double PAUSE_SECONDS = 0.0002;

    @TempDir
    static Path scratch;

    private final LinuxTestNetwork names = new LinuxTestNetwork();
    private Network network;
    private byte[] pc1Mac;
    private byte[] r1Mac;

    @BeforeAll
    void buildNetwork() throws IOException {
        RootRequirement.assumeRoot();
        Topology topology = TopologyLoader.parse(names.mixedYaml("malformed", true), "malformed.yaml");
        network = NetworkBuilder.of(topology).build();
        pc1Mac = LinuxRawFrames.mac(names.mac(1, 0));
        r1Mac = LinuxRawFrames.mac(names.mac(2, 0));
        // Resolve every neighbour once, so no frame below waits for ARP.
        assertKernelPing(1);
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

    @AfterEach
    void networkSurvived() {
        if (network != null) {
            assertEquals(0, network.loop().handlerErrors(), "exceptions escaped a node (see stderr)");
        }
    }

    // ================================================================== IPv4 header

    @Test
    @Order(1)
    void truncatedIpv4HeadersAreCountedAsTruncated() {
        List<Batch> frames = new ArrayList<>();
        byte[] packet = echo(PC1, R1_ETH0).build(icmpEcho(1, 1, 16));
        for (int k = 0; k < 20; k++) { // fewer bytes than the fixed header, down to none
            frames.add(new Batch(10, toR1(ETHERTYPE_IPV4, prefix(packet, k))));
        }
        for (int words = 6; words <= 15; words++) { // IHL says more header than the frame holds
            byte[] withOptions = echo(PC1, R1_ETH0).ihl(words).build(new byte[0]);
            frames.add(new Batch(10, toR1(ETHERTYPE_IPV4, prefix(withOptions, words * 4 - 1))));
        }
        sendAndExpect(frames, Map.of("r1", Map.of("IpInTruncated", 300L)));
    }

    @Test
    @Order(2)
    void badHeaderChecksumsAreDroppedBeforeAnythingElse() {
        byte[] icmp = icmpEcho(2, 1, 16);
        List<Batch> frames = List.of(
                new Batch(200, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).badChecksum().build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).ihl(8).badChecksum().build(icmp))),
                // Addressed through the router: it must not forward (nor answer) a damaged header.
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, PC2).badChecksum().build(icmp))));
        sendAndExpect(frames, Map.of("r1", Map.of("IpInBadChecksum", 400L, "IpForwDatagrams", 0L, "IcmpInEchos", 0L)));
    }

    @Test
    @Order(3)
    void totalLengthsThatLie() {
        byte[] icmp = icmpEcho(3, 1, 16);
        int real = 20 + icmp.length;
        byte[] junk = new byte[30];
        java.util.Arrays.fill(junk, (byte) 0xee);
        // The total length covers exactly the ICMP message; the rest of the frame is padding.
        byte[] padded = concat(echo(PC1, R1_ETH0).totalLength(real).build(icmp), junk);
        List<Batch> frames = List.of(
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).totalLength(real + 1).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).totalLength(real + 100).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).totalLength(65535).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).totalLength(0).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).totalLength(19).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).version(6).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).ihl(4).build(icmp))),
                new Batch(200, toR1(ETHERTYPE_IPV4, padded)));
        sendAndExpect(frames, Map.of("r1", Map.of(
                "IpInTruncated", 300L,
                "IpInHdrErrors", 400L,
                // Shorter than the frame is legal (Ethernet pads): those are answered.
                "IcmpInEchos", 200L,
                "IcmpOutEchoReps", 200L)));
    }

    @Test
    @Order(4)
    void ipOptionsOfEveryLengthAreSkippedNotRejected() {
        List<Batch> frames = new ArrayList<>();
        for (int words = 6; words <= 15; words++) {
            frames.add(new Batch(20, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).ihl(words).build(icmpEcho(4, words, 16)))));
            frames.add(new Batch(10, toR1(ETHERTYPE_IPV4, echo(PC1, H1).ihl(words).build(icmpEcho(5, words, 16)))));
        }
        sendAndExpect(frames, Map.of(
                "r1", Map.of("IcmpInEchos", 200L, "IcmpOutEchoReps", 200L,
                        "IpForwDatagrams", 200L), // 100 requests towards h1, 100 replies back
                "r2", Map.of("IpForwDatagrams", 200L),
                "h1", Map.of("IcmpInEchos", 100L, "IcmpOutEchoReps", 100L)));
    }

    /**
     * Fragments, each datagram with its own identification: complete ones are reassembled and answered
     * (by r1 itself, and by the Java host h1 behind two routers, which forward fragments untouched);
     * overlapping ones (the Teardrop pattern) and a non-final fragment whose length is not a multiple of
     * 8 (RFC 791) fail reassembly. No datagram is left half-assembled: a reassembly timeout would fire
     * 30 s later, in the middle of another test.
     */
    @Test
    @Order(5)
    void fragmentsAreReassembledOrRefused() {
        byte[] icmp = icmpEcho(6, 1, 24); // 32 bytes: fragments of 16 + 16
        List<Batch> frames = new ArrayList<>();
        int id = 0x1000;
        for (String destination : List.of(R1_ETH0, H1)) {
            for (int i = 0; i < 50; i++, id++) {
                frames.add(new Batch(1, toR1(ETHERTYPE_IPV4,
                        echo(PC1, destination).identification(id).fragment(0b001, 0).build(prefix(icmp, 16)))));
                frames.add(new Batch(1, toR1(ETHERTYPE_IPV4,
                        echo(PC1, destination).identification(id).fragment(0b000, 2).build(java.util.Arrays.copyOfRange(icmp, 16, 32)))));
            }
            for (int i = 0; i < 50; i++, id++) { // second fragment starts at byte 8, inside the first one
                frames.add(new Batch(1, toR1(ETHERTYPE_IPV4,
                        echo(PC1, destination).identification(id).fragment(0b001, 0).build(prefix(icmp, 16)))));
                frames.add(new Batch(1, toR1(ETHERTYPE_IPV4,
                        echo(PC1, destination).identification(id).fragment(0b000, 1).build(java.util.Arrays.copyOfRange(icmp, 8, 32)))));
            }
        }
        for (int i = 0; i < 50; i++, id++) { // "more fragments" but 12 bytes of data
            frames.add(new Batch(1, toR1(ETHERTYPE_IPV4,
                    echo(PC1, R1_ETH0).identification(id).fragment(0b001, 0).build(prefix(icmp, 12)))));
        }
        sendAndExpect(frames, Map.of(
                "r1", Map.of("IpReasmOKs", 50L, "IpReasmFails", 100L, "IcmpInEchos", 50L, "IcmpOutEchoReps", 50L,
                        "IpForwDatagrams", 250L), // 200 fragments towards h1, 50 replies back
                "r2", Map.of("IpForwDatagrams", 250L),
                "h1", Map.of("IpReasmOKs", 50L, "IpReasmFails", 50L, "IcmpInEchos", 50L, "IcmpOutEchoReps", 50L)));
    }

    @Test
    @Order(6)
    void ttlZeroAndOne() {
        byte[] icmp = icmpEcho(7, 1, 16);
        List<Batch> frames = List.of(
                // RFC 1812 4.2.2.9: a datagram for the router itself is received whatever its TTL.
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).ttl(0).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).ttl(1).build(icmp))),
                // To be forwarded, they expire at r1: Time Exceeded, within the ICMP rate limit.
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, H1).ttl(0).build(icmp))),
                new Batch(100, toR1(ETHERTYPE_IPV4, echo(PC1, H1).ttl(1).build(icmp))));
        sendAndExpect(frames, Map.of(
                "r1", Map.of("IcmpInEchos", 200L, "IcmpOutEchoReps", 200L, "IpForwDatagrams", 0L,
                        "IcmpOutTimeExcds+IcmpRateLimited", 200L),
                "h1", Map.of("IcmpInEchos", 0L)));
    }

    @Test
    @Order(7)
    void martianAndMulticastAddressesAreAddressErrors() {
        byte[] icmp = icmpEcho(8, 1, 16);
        List<Batch> frames = List.of(
                new Batch(50, toR1(ETHERTYPE_IPV4, echo("127.0.0.1", R1_ETH0).build(icmp))),
                new Batch(50, toR1(ETHERTYPE_IPV4, echo("224.0.0.1", R1_ETH0).build(icmp))),
                new Batch(50, toR1(ETHERTYPE_IPV4, echo("255.255.255.255", R1_ETH0).build(icmp))),
                new Batch(50, toR1(ETHERTYPE_IPV4, echo(PC1, "224.0.0.5").build(icmp))));
        sendAndExpect(frames, Map.of("r1", Map.of("IpInAddrErrors", 200L, "IcmpInEchos", 0L)));
    }

    // ================================================================== Ethernet and ARP

    @Test
    @Order(8)
    void unknownEtherTypesTagsAndCutTags() {
        byte[] payload = new byte[46];
        List<Batch> frames = new ArrayList<>();
        for (int type : new int[] {0x86dd, 0x88b5, 0x1234, 0xffff, 0x0026, 0x05dc}) { // IPv6, local, junk, 802.3 lengths
            frames.add(new Batch(50, toR1(type, payload)));
        }
        frames.add(new Batch(50, toR1(0x8100, concat(new byte[] {0, 5, 8, 0}, echo(PC1, R1_ETH0).build(icmpEcho(9, 1, 16))))));
        for (int k = 0; k < 4; k++) { // a VLAN tag cut short: the Ethernet header itself is truncated
            frames.add(new Batch(25, toR1(0x8100, new byte[k])));
        }
        sendAndExpect(frames, Map.of("r1", Map.of("EthUnknownType", 300L, "EthTagged", 50L, "EthTruncated", 100L)));
    }

    @Test
    @Order(9)
    void brokenArpIsCountedAndLearnsNothing() {
        byte[] unsupported = arpRequest(pc1Mac, PC1, R1_ETH0);
        unsupported[1] = 6; // hardware type IEEE 802 instead of Ethernet
        List<Batch> frames = List.of(
                new Batch(50, toR1(ETHERTYPE_ARP, prefix(arpRequest(pc1Mac, PC1, R1_ETH0), 20))),
                new Batch(50, toR1(ETHERTYPE_ARP, unsupported)));
        sendAndExpect(frames, Map.of("r1", Map.of("ArpMalformed", 50L, "ArpUnsupported", 50L)));
    }

    @Test
    @Order(10)
    void broadcastAndMulticastSourceMacsAreNeverLearned() {
        byte[] broadcast = LinuxRawFrames.mac("ff:ff:ff:ff:ff:ff");
        byte[] multicast = LinuxRawFrames.mac("01:00:5e:00:00:01");
        byte[] icmp = icmpEcho(10, 1, 16);
        List<Batch> frames = List.of(
                new Batch(100, ethernet(r1Mac, broadcast, ETHERTYPE_IPV4, echo(PC1, R1_ETH0).build(icmp))),
                new Batch(100, ethernet(r1Mac, multicast, ETHERTYPE_IPV4, echo(PC1, R1_ETH0).build(icmp))),
                // An ARP request that claims pc1's address lives at the broadcast MAC.
                new Batch(50, ethernet(broadcast, broadcast, ETHERTYPE_ARP, arpRequest(broadcast, PC1, R1_ETH0))));
        // The IP layer does not care about the source MAC: the requests are answered (to pc1's ARP'd MAC).
        sendAndExpect(frames, Map.of("r1", Map.of("IcmpInEchos", 200L, "IcmpOutEchoReps", 200L)));

        long pc1 = MacAddress.parse(names.mac(1, 0));
        int pc1Address = Ipv4Address.parse(PC1);
        List<MacTable.Entry> learned = network.call(() -> network.switchNamed("s1").table().entries(network.loop().now()));
        assertTrue(learned.stream().noneMatch(e -> MacAddress.isMulticast(e.mac())), "s1 learned a group address: " + learned);
        assertTrue(learned.stream().anyMatch(e -> e.mac() == pc1), "s1 forgot pc1: " + learned);
        long r1Knows = network.call(() -> network.stack("r1").iface("eth0").arp().lookup(pc1Address));
        assertEquals(pc1, r1Knows, "r1's ARP entry for pc1 was overwritten with " + MacAddress.format(r1Knows));
    }

    // ================================================================== transport headers

    @Test
    @Order(11)
    void truncatedAndCorruptIcmpIsAnIcmpError() {
        byte[] good = icmpEcho(11, 1, 16);
        byte[] corrupt = good.clone();
        corrupt[10] ^= 0x55;
        List<Batch> frames = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            frames.add(new Batch(20, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).build(prefix(good, k)))));
        }
        frames.add(new Batch(40, toR1(ETHERTYPE_IPV4, echo(PC1, R1_ETH0).build(corrupt))));
        sendAndExpect(frames, Map.of("r1", Map.of("IcmpInErrors", 200L, "IcmpInEchos", 0L, "IcmpOutEchoReps", 0L)));
    }

    /**
     * The control for the next test: a well-formed datagram to a closed port gets Port Unreachable,
     * and the node's counters (what {@code r1 counters} prints) say so.
     */
    @Test
    @Order(12)
    void udpToAClosedPortIsAnsweredWithPortUnreachable() {
        byte[] datagram = withUdpChecksum(udp(40000, 33434, 8 + 16, new byte[16]), PC1, R1_ETH0, true);
        List<Batch> frames = List.of(
                new Batch(50, toR1(ETHERTYPE_IPV4, new Ipv4(PROTO_UDP, PC1, R1_ETH0).build(datagram))),
                new Batch(50, toR1(ETHERTYPE_IPV4, new Ipv4(PROTO_UDP, PC1, R1_ETH0)
                        .build(udp(40000, 33435, 8 + 16, new byte[16]))))); // checksum 0: none (RFC 768)
        sendAndExpect(frames, Map.of("r1", Map.of("UdpNoPorts", 100L, "IcmpOutDestUnreachs+IcmpRateLimited", 100L)));
    }

    /**
     * A UDP datagram whose header is cut short, whose length field disagrees with the IP payload, or
     * whose checksum is wrong is malformed (RFC 768, RFC 1122 4.1.3.4): Linux counts it in UDP InErrors
     * and answers nothing. A Port Unreachable quoting a broken datagram is an answer to garbage. The
     * drop must show in the node's counters, or a user watching {@code r1 counters} sees datagrams
     * delivered to UDP and then nothing.
     */
    @Test
    @Order(13)
    void malformedUdpIsAnErrorAndNotAnswered() {
        List<Batch> frames = new ArrayList<>();
        byte[] datagram = udp(40000, 33434, 8 + 16, new byte[16]);
        for (int k = 0; k < 8; k++) {
            frames.add(new Batch(20, toR1(ETHERTYPE_IPV4, new Ipv4(PROTO_UDP, PC1, R1_ETH0).build(prefix(datagram, k)))));
        }
        frames.add(new Batch(45, toR1(ETHERTYPE_IPV4, new Ipv4(PROTO_UDP, PC1, R1_ETH0)
                .build(udp(40000, 33434, 200, new byte[16]))))); // length field beyond the IP payload
        frames.add(new Batch(45, toR1(ETHERTYPE_IPV4, new Ipv4(PROTO_UDP, PC1, R1_ETH0)
                .build(udp(40000, 33434, 4, new byte[16]))))); // length field below the UDP header
        frames.add(new Batch(50, toR1(ETHERTYPE_IPV4, new Ipv4(PROTO_UDP, PC1, R1_ETH0)
                .build(withUdpChecksum(udp(40000, 33434, 8 + 16, new byte[16]), PC1, R1_ETH0, false)))));
        sendAndExpect(frames, Map.of("r1", Map.of("UdpInErrors", 300L, "UdpNoPorts", 0L,
                "IcmpOutDestUnreachs", 0L, "IcmpRateLimited", 0L)));
    }

    @Test
    @Order(14)
    void unknownIpProtocolGetsProtocolUnreachable() {
        List<Batch> frames = List.of(new Batch(100,
                toR1(ETHERTYPE_IPV4, new Ipv4(253, PC1, R1_ETH0).build(new byte[24]))));
        sendAndExpect(frames, Map.of("r1", Map.of("IpInUnknownProtos", 100L,
                "IcmpOutDestUnreachs+IcmpRateLimited", 100L)));
    }

    // ================================================================== afterwards

    @Test
    @Order(99)
    void kernelPingStillWorksEndToEnd() {
        assertKernelPing(3);
        assertEquals(0, network.loop().handlerErrors());
    }

    // ================================================================== helpers

    private static Ipv4 echo(String source, String destination) {
        return new Ipv4(PROTO_ICMP, source, destination);
    }

    private byte[] toR1(int etherType, byte[] payload) {
        return ethernet(r1Mac, pc1Mac, etherType, payload);
    }

    /** An ARP request (RFC 826) from {@code senderMac}/{@code senderIp} for {@code targetIp}. */
    private static byte[] arpRequest(byte[] senderMac, String senderIp, String targetIp) {
        return concat(new byte[] {0, 1, 8, 0, 6, 4, 0, 1}, senderMac, LinuxRawFrames.ip(senderIp),
                new byte[6], LinuxRawFrames.ip(targetIp));
    }

    private void assertKernelPing(int count) {
        for (String target : List.of(PC2, H1)) {
            LinuxTestNetwork.PingOutcome p = LinuxTestNetwork.ping(names.ns1(), count, target);
            assertEquals(count, p.received(), "pc1 -> " + target + ":\n" + p.output());
        }
    }

    private Map<String, Map<String, Long>> counters() {
        return network.call(() -> {
            Map<String, Map<String, Long>> all = new LinkedHashMap<>();
            for (String s : STACKS) {
                all.put(s, network.stack(s).counters().snapshot());
            }
            return all;
        });
    }

    private static long delta(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after,
                              String node, String counters) {
        long sum = 0;
        for (String c : counters.split("\\+")) {
            sum += after.get(node).getOrDefault(c, 0L) - before.get(node).getOrDefault(c, 0L);
        }
        return sum;
    }

    /**
     * Sends the frames from pc1, waits until the expected counters have moved, then checks that each
     * moved by exactly the expected amount and that no other drop counter of any stack moved at all.
     * Keys may be sums ({@code "A+B"}), for ICMP errors split by the rate limit.
     */
    private void sendAndExpect(List<Batch> frames, Map<String, Map<String, Long>> expected) {
        int total = frames.stream().mapToInt(Batch::copies).sum();
        Map<String, Map<String, Long>> before = counters();
        long inboundDropsBefore = network.loop().inboundDrops();

        LinuxRawFrames.SendResult sent = LinuxRawFrames.send(names.ns1(), "eth0", frames, PAUSE_SECONDS, scratch);
        assertEquals(0, sent.errors(), sent.output());
        assertEquals(total, sent.sent(), sent.output());

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, Map<String, Long>> after = counters();
        while (!reached(before, after, expected) && System.nanoTime() < deadline) {
            sleep(50);
            after = counters();
        }
        sleep(300); // anything still in flight would show up as an excess below
        after = counters();

        String context = describe(before, after) + "\nsent " + total + " frames; kernel's view of pc1:eth0:\n"
                + LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(10), "ip", "-s", "link", "show", "eth0").stdout();
        assertEquals(0, network.loop().inboundDrops() - inboundDropsBefore, "tapnet's inbound queue overflowed\n" + context);
        List<String> wrong = new ArrayList<>();
        for (String node : STACKS) {
            Map<String, Long> want = expected.getOrDefault(node, Map.of());
            List<String> summed = want.keySet().stream().filter(k -> k.contains("+"))
                    .flatMap(k -> List.of(k.split("\\+")).stream()).toList();
            for (Map.Entry<String, Long> e : want.entrySet()) {
                long got = delta(before, after, node, e.getKey());
                if (got != e.getValue()) {
                    wrong.add(node + " " + e.getKey() + ": expected +" + e.getValue() + ", got +" + got);
                }
            }
            for (String c : DROP_COUNTERS) {
                if (!want.containsKey(c) && !summed.contains(c)) {
                    long got = delta(before, after, node, c);
                    if (got != 0) {
                        wrong.add(node + " " + c + ": expected no change, got +" + got);
                    }
                }
            }
        }
        assertEquals(List.of(), wrong, context);
        assertFalse(network.isClosed());
        // The network carries ordinary traffic after every batch.
        assertKernelPing(1);
    }

    private static boolean reached(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after,
                                   Map<String, Map<String, Long>> expected) {
        for (Map.Entry<String, Map<String, Long>> n : expected.entrySet()) {
            for (Map.Entry<String, Long> e : n.getValue().entrySet()) {
                if (delta(before, after, n.getKey(), e.getKey()) < e.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String describe(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after) {
        StringBuilder sb = new StringBuilder("counter changes:");
        for (String node : after.keySet()) {
            for (String c : after.get(node).keySet()) {
                long d = after.get(node).get(c) - before.get(node).get(c);
                if (d != 0) {
                    sb.append("\n  ").append(node).append(' ').append(c).append(" +").append(d);
                }
            }
        }
        return sb.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
