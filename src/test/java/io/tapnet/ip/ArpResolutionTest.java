package io.tapnet.ip;

import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.link.ArpCache;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.testing.Frames;
import io.tapnet.testing.StepHarness;
import io.tapnet.wire.ArpPacket;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** ARP (RFC 826, RFC 1122 2.3.2) as an {@link Ipv4Stack} interface does it, seen from the wire. */
class ArpResolutionTest {
    static final long HOST_MAC = 0x02_00_00_00_01_0aL;
    static final long PEER_MAC = 0x02_00_00_00_01_14L;
    static final long OTHER_MAC = 0x02_00_00_00_01_1eL;
    static final long R0_MAC = 0x02_00_00_00_00_01L;
    static final long R1_MAC = 0x02_00_00_00_00_02L;
    static final long FAR_MAC = 0x02_00_00_00_02_63L;
    static final int HOST = ip("10.0.1.10");
    static final int PEER = ip("10.0.1.20");
    static final int OTHER = ip("10.0.1.30");
    static final int R0 = ip("10.0.1.1");
    static final int R1 = ip("10.0.2.1");
    static final int MISSING = ip("10.0.2.99");
    static final long SECOND = 1_000_000_000L;

    final EventLoop loop = EventLoop.virtual();

    /** A Java host on 10.0.1.0/24 with its gratuitous ARP already taken off the wire. */
    record Host(Ipv4Stack stack, IpInterface eth0, StepHarness wire) {
    }

    Host host() {
        Ipv4Stack s = new Ipv4Stack(loop, "h1", false);
        IpInterface eth0 = s.addInterface("eth0", HOST_MAC, HOST, 24, 1500);
        StepHarness wire = StepHarness.attach(eth0.port());
        wire.expect(Frames.gratuitousArp(HOST_MAC, HOST));
        return new Host(s, eth0, wire);
    }

    /** A router between 10.0.1.0/24 (eth0) and 10.0.2.0/24 (eth1) that knows host 10.0.1.10. */
    record Router(Ipv4Stack stack, StepHarness lan, StepHarness far) {
    }

    Router router() {
        Ipv4Stack r = new Ipv4Stack(loop, "r1", true);
        IpInterface e0 = r.addInterface("eth0", R0_MAC, R0, 24, 1500);
        IpInterface e1 = r.addInterface("eth1", R1_MAC, R1, 24, 1500);
        StepHarness lan = StepHarness.attach(e0.port());
        StepHarness far = StepHarness.attach(e1.port());
        lan.expect(Frames.gratuitousArp(R0_MAC, R0));
        far.expect(Frames.gratuitousArp(R1_MAC, R1));
        lan.receive(Frames.arpRequest(HOST_MAC, HOST, R0));
        lan.expect(Frames.arpReply(R0_MAC, R0, HOST_MAC, HOST));
        return new Router(r, lan, far);
    }

    /** Hands the stack a locally built UDP datagram to {@code destination}, as a socket would. */
    static void sendUdp(Ipv4Stack stack, int source, int destination, int identification) {
        byte[] l4 = Frames.udp(source, destination, 40000, 9, new byte[] {1, 2, 3, 4});
        byte[] frame = Frames.ipv4(0, 0, Frames.header(Ipv4View.PROTO_UDP, source, destination, l4.length,
                identification, 64, false), l4);
        Frame f = stack.loop().pool().acquire();
        f.setLength(Frames.ETH + Ipv4View.MIN_HEADER + l4.length);
        f.buffer().put(f.offset(), frame, 0, f.length());
        assertEquals(Ipv4Stack.SENT, stack.send(f));
    }

    static byte[] udpFrame(long dstMac, long srcMac, int source, int destination, int identification) {
        byte[] l4 = Frames.udp(source, destination, 40000, 9, new byte[] {1, 2, 3, 4});
        return Frames.ipv4(dstMac, srcMac, Frames.header(Ipv4View.PROTO_UDP, source, destination, l4.length,
                identification, 64, false), l4);
    }

    static byte[] arpRequestFrom(long mac, int address, int target) {
        return Frames.arp(MacAddress.BROADCAST, mac, ArpPacket.request(mac, address, target));
    }

    @Test
    void answersARequestForItsAddressWithTheExactReply() {
        Host h = host();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST));
        h.wire.expect(Frames.fromHex("""
                020000000114 02000000010a 0806
                0001 0800 06 04 0002
                02000000010a 0a00010a
                020000000114 0a000114
                000000000000000000000000000000000000
                """));
        h.wire.expectNothing();
        assertEquals(PEER_MAC, h.eth0.arp().lookup(PEER), "the asker is learned (RFC 826: we are the target)");
        assertEquals(1, h.stack.counters().get("ArpRequestsAnswered"));
    }

    /** The same exchange in the step language's script form, as a table-driven test would write it. */
    @Test
    void answersARequestScripted() {
        Host h = host();
        h.wire.script("""
                # who has 10.0.1.10? tell 10.0.1.20
                receive ffffffffffff 020000000114 0806 0001 0800 0604 0001 020000000114 0a000114 000000000000 0a00010a
                        000000000000000000000000000000000000
                expect  020000000114 02000000010a 0806 0001 0800 0604 0002 02000000010a 0a00010a 020000000114 0a000114
                        000000000000000000000000000000000000
                advance 59s
                expect nothing
                """);
        assertEquals(ArpCache.State.REACHABLE, h.eth0.arp().neighbors().get(0).state());
        h.wire.script("advance 1s");
        assertEquals(ArpCache.State.STALE, h.eth0.arp().neighbors().get(0).state(), "60 s after it was learned");
    }

    @Test
    void ignoresRequestsForOtherAddressesAndDoesNotLearnTheirSenders() {
        Host h = host();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, ip("10.0.1.99")));
        h.wire.expectNothing();
        assertEquals(-1, h.eth0.arp().lookup(PEER));
        assertEquals(0, h.eth0.arp().size());
        assertEquals(0, h.stack.counters().get("ArpRequestsAnswered"));
    }

    @Test
    void aRequestForSomeoneElseStillRefreshesAKnownSender() {
        Host h = host();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        h.wire.receive(Frames.arpRequest(OTHER_MAC, PEER, ip("10.0.1.99"))); // PEER moved to a new NIC
        h.wire.expectNothing();
        assertEquals(OTHER_MAC, h.eth0.arp().lookup(PEER), "RFC 826 merge: an existing entry is updated");
    }

    @Test
    void resolvesWithABroadcastRequestAndLearnsFromTheReply() {
        Host h = host();
        sendUdp(h.stack, HOST, PEER, 7);
        h.wire.expect(Frames.arpRequest(HOST_MAC, HOST, PEER));
        h.wire.expectNothing();
        h.wire.receive(Frames.arpReply(PEER_MAC, PEER, HOST_MAC, HOST));
        h.wire.expect(udpFrame(PEER_MAC, HOST_MAC, HOST, PEER, 7)); // the queued datagram, now addressed
        h.wire.expectNothing();
        assertEquals(PEER_MAC, h.eth0.arp().lookup(PEER));
        // Resolved: the next datagram goes straight out.
        sendUdp(h.stack, HOST, PEER, 8);
        h.wire.expect(udpFrame(PEER_MAC, HOST_MAC, HOST, PEER, 8)).expectNothing();
        assertEquals(1, h.eth0.arp().requestsSent());
    }

    @Test
    void sendsAGratuitousArpWhenItsLinkComesUp() {
        Host h = host(); // the first one was taken when the cable was plugged in
        h.wire.link().setUp(false);
        h.wire.expectNothing();
        h.wire.link().setUp(true);
        h.wire.expect(Frames.gratuitousArp(HOST_MAC, HOST)).expectNothing();
        h.eth0.port().setAdminUp(false);
        h.eth0.port().setAdminUp(true);
        h.wire.expect(Frames.gratuitousArp(HOST_MAC, HOST)).expectNothing();
        assertEquals(List.of(true, false, true), h.wire.carrierChanges().subList(0, 3));
    }

    @Test
    void losingCarrierForgetsTheNeighbours() {
        Host h = host();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        assertEquals(1, h.eth0.arp().size());
        h.wire.link().setUp(false);
        assertEquals(0, h.eth0.arp().size());
        assertEquals(-1, h.eth0.arp().lookup(PEER));
    }

    @Test
    void retriesThreeTimesASecondApartThenTheRouterSendsHostUnreachable() {
        Router r = router();
        byte[] request = Frames.echoRequest(R0_MAC, HOST_MAC, HOST, MISSING, 64, 0x1234, 1, 56);
        r.lan.receive(request);
        byte[] arpRequest = Frames.arpRequest(R1_MAC, R1, MISSING);
        r.far.expect(arpRequest).expectNothing();
        r.far.advance(Duration.ofMillis(999)).expectNothing();
        r.far.advance(Duration.ofMillis(1)).expect(arpRequest).expectNothing();
        r.far.advance(Duration.ofSeconds(1)).expect(arpRequest).expectNothing();
        r.lan.expectNothing();
        r.far.advance(Duration.ofMillis(999)).expectNothing();
        r.lan.expectNothing();
        r.far.advanceNanos(1_000_000);
        r.far.expectNothing();

        // Host unreachable (RFC 1812 4.3.3.1) from the interface facing the source, quoting the
        // datagram as it was when it waited for ARP: TTL already decremented to 63.
        byte[] error = r.lan.expect();
        r.lan.expectNothing();
        byte[] quoted = Frames.slice(Frames.withTtl(request, 63), Frames.ETH, 84);
        byte[] icmp = Frames.icmp(IcmpHeader.destinationUnreachable(IcmpView.CODE_HOST_UNREACHABLE, 0), quoted);
        int id = Frames.ipOf(error).identification();
        byte[] expected = Frames.ipv4(HOST_MAC, R0_MAC, Frames.header(Ipv4View.PROTO_ICMP, R0, HOST, icmp.length, id,
                64, false), icmp);
        assertEquals(Frames.hex(expected), Frames.hex(error));

        assertEquals(3, r.stack.iface("eth1").arp().requestsSent());
        assertEquals(1, r.stack.iface("eth1").arp().failures());
        assertEquals(0, r.stack.iface("eth1").arp().size());
        assertEquals(1, r.stack.counters().get("IcmpOutDestUnreachs"));
        // Nothing more happens: no further requests, no timers left for this neighbour.
        r.far.advance(Duration.ofSeconds(10)).expectNothing();
        r.lan.expectNothing();
    }

    @Test
    void aLocalPingToAnAbsentNeighbourReportsDestinationHostUnreachable() {
        Host h = host();
        int absent = ip("10.0.1.99");
        List<String> out = new ArrayList<>();
        Ping ping = new Ping(h.stack, absent, "10.0.1.99", 1, SECOND, 5 * SECOND, 56, 64, out::add);
        CompletableFuture<PingResult> result = ping.start();
        byte[] arpRequest = Frames.arpRequest(HOST_MAC, HOST, absent);
        h.wire.expect(arpRequest);
        h.wire.advance(Duration.ofSeconds(1)).expect(arpRequest);
        h.wire.advance(Duration.ofSeconds(1)).expect(arpRequest);
        assertTrue(!result.isDone());
        h.wire.advance(Duration.ofSeconds(1)).expectNothing();
        assertTrue(result.isDone(), "the error settles the only probe");
        assertEquals(new PingResult(1, 0, 1, 0, List.of()), result.join());
        assertEquals(List.of(
                "PING 10.0.1.99 (10.0.1.99) 56(84) bytes of data.",
                "From 10.0.1.10 icmp_seq=1 Destination Host Unreachable",
                "",
                "--- 10.0.1.99 ping statistics ---",
                "1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms"), out);
        assertEquals(3 * SECOND, loop.now());
    }

    @Test
    void holdsAtMostQueuePerEntryPacketsAndKeepsTheNewest() {
        Router r = router();
        int n = ArpCache.QUEUE_PER_ENTRY + 4;
        List<byte[]> sent = new ArrayList<>();
        for (int seq = 1; seq <= n; seq++) {
            byte[] f = Frames.echoRequest(R0_MAC, HOST_MAC, HOST, MISSING, 64, 0x4242, seq, 56);
            sent.add(f);
            r.lan.receive(f);
        }
        r.far.expect(Frames.arpRequest(R1_MAC, R1, MISSING)).expectNothing();
        assertEquals(4, r.stack.iface("eth1").arp().queueDrops());
        r.far.receive(Frames.arpReply(FAR_MAC, MISSING, R1_MAC, R1));
        for (int seq = n - ArpCache.QUEUE_PER_ENTRY + 1; seq <= n; seq++) {
            byte[] forwarded = Frames.withMacs(Frames.withTtl(sent.get(seq - 1), 63), FAR_MAC, R1_MAC);
            r.far.expect(forwarded);
        }
        r.far.expectNothing();
        r.lan.expectNothing();
        assertEquals(0, loop.pool().allocated() - loop.pool().retained(), "the dropped packets went back to the pool");
    }

    /**
     * Neighbour aging as Linux does it: an entry unconfirmed for {@code reachableNanos} goes stale; an
     * idle stale entry is forgotten after {@link ArpCache#STALE_NANOS} more, after which
     * {@code lookup} returns -1, {@code neighbors()} is empty and the next datagram resolves afresh.
     */
    @Test
    void idleEntriesGoStaleAfterTheReachableTimeThenAgeOut() {
        Host h = host();
        ArpCache cache = h.eth0.arp();
        long reachable = cache.reachableNanos();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        assertEquals(PEER_MAC, cache.lookup(PEER));
        assertEquals(List.of(new ArpCache.Neighbor(PEER, PEER_MAC, ArpCache.State.REACHABLE, reachable)), cache.neighbors());

        h.wire.advanceNanos(reachable - 1);
        assertEquals(List.of(new ArpCache.Neighbor(PEER, PEER_MAC, ArpCache.State.REACHABLE, 1)), cache.neighbors());
        h.wire.advanceNanos(1);
        assertEquals(List.of(new ArpCache.Neighbor(PEER, PEER_MAC, ArpCache.State.STALE, ArpCache.STALE_NANOS)),
                cache.neighbors());
        h.wire.advanceNanos(ArpCache.STALE_NANOS - 1);
        assertEquals(1, cache.neighbors().size());
        h.wire.advanceNanos(1);
        assertEquals(List.of(), cache.neighbors());
        assertEquals(0, cache.size(), "the expiry timer removed the entry");
        assertEquals(-1, cache.lookup(PEER));
        h.wire.expectNothing(); // an idle entry is never probed

        // The next datagram has to resolve the address afresh.
        sendUdp(h.stack, HOST, PEER, 9);
        h.wire.expect(Frames.arpRequest(HOST_MAC, HOST, PEER)).expectNothing();
    }

    /** A stale entry in use keeps carrying traffic while it is re-confirmed, without a gap. */
    @Test
    void aStaleEntryInUseIsReconfirmedWithoutAGap() {
        Host h = host();
        ArpCache cache = h.eth0.arp();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        h.wire.advanceNanos(cache.reachableNanos());
        sendUdp(h.stack, HOST, PEER, 10);
        h.wire.expect(Frames.arpRequest(HOST_MAC, HOST, PEER));
        h.wire.expect(udpFrame(PEER_MAC, HOST_MAC, HOST, PEER, 10)).expectNothing();
        h.wire.receive(Frames.arpReply(PEER_MAC, PEER, HOST_MAC, HOST));
        assertEquals(List.of(new ArpCache.Neighbor(PEER, PEER_MAC, ArpCache.State.REACHABLE, cache.reachableNanos())),
                cache.neighbors());
        h.wire.advance(Duration.ofSeconds(5)).expectNothing();
    }

    /** A stale neighbour in use that stopped answering is dropped after the usual three requests. */
    @Test
    void aStaleEntryThatIsNotReconfirmedIsDroppedAfterThreeRequests() {
        Host h = host();
        ArpCache cache = h.eth0.arp();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        h.wire.advanceNanos(cache.reachableNanos());
        sendUdp(h.stack, HOST, PEER, 11);
        byte[] probe = Frames.arpRequest(HOST_MAC, HOST, PEER);
        h.wire.expect(probe).expect(udpFrame(PEER_MAC, HOST_MAC, HOST, PEER, 11));
        h.wire.advance(Duration.ofSeconds(1)).expect(probe);
        h.wire.advance(Duration.ofSeconds(1)).expect(probe).expectNothing();
        h.wire.advance(Duration.ofSeconds(1)).expectNothing();
        assertEquals(List.of(), cache.neighbors());
        assertEquals(-1, cache.lookup(PEER));
        assertEquals(1, cache.failures());
    }

    @Test
    void aReplyRefreshesTheReachableTime() {
        Host h = host();
        ArpCache cache = h.eth0.arp();
        h.wire.receive(Frames.arpRequest(PEER_MAC, PEER, HOST)).expect();
        h.wire.advance(Duration.ofSeconds(50));
        h.wire.receive(Frames.arpReply(PEER_MAC, PEER, HOST_MAC, HOST));
        h.wire.advance(Duration.ofSeconds(50));
        assertEquals(ArpCache.State.REACHABLE, cache.neighbors().get(0).state(), "confirmed 50 s ago, reachable for 60 s");
        h.wire.advance(Duration.ofSeconds(10));
        assertEquals(ArpCache.State.STALE, cache.neighbors().get(0).state());
    }

    @Test
    void doesNotLetAPeerClaimOurOwnAddress() {
        Host h = host();
        h.wire.receive(Frames.gratuitousArp(PEER_MAC, HOST));
        h.wire.receive(Frames.arpReply(PEER_MAC, HOST, HOST_MAC, HOST));
        assertEquals(-1, h.eth0.arp().lookup(HOST));
        assertEquals(0, h.eth0.arp().size());
    }

    @Test
    void ignoresArpForOtherHardwareOrProtocolTypes() {
        Host h = host();
        byte[] f = Frames.arpRequest(PEER_MAC, PEER, HOST);
        f[Frames.ETH + 1] = 6; // htype 6: IEEE 802 networks
        h.wire.receive(f).expectNothing();
        assertEquals(1, h.stack.counters().get("ArpUnsupported"));
        byte[] g = Frames.arpRequest(PEER_MAC, PEER, HOST);
        g[Frames.ETH + 7] = 9; // opcode 9: not a request nor a reply
        h.wire.receive(g).expectNothing();
        assertEquals(1, h.stack.counters().get("ArpMalformed"));
    }
}
