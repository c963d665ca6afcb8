package io.tapnet.ip;

import static io.tapnet.ip.TestRouter.H1;
import static io.tapnet.ip.TestRouter.H1_MAC;
import static io.tapnet.ip.TestRouter.H2;
import static io.tapnet.ip.TestRouter.H2_MAC;
import static io.tapnet.ip.TestRouter.R0;
import static io.tapnet.ip.TestRouter.R0_MAC;
import static io.tapnet.ip.TestRouter.R1;
import static io.tapnet.ip.TestRouter.R1_MAC;
import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.EventLoop;
import io.tapnet.testing.Frames;
import io.tapnet.testing.StepHarness;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4Header;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** IPv4 forwarding and the ICMP a router sends (RFC 1812), through test wires on both sides. */
class RouterTest {

    // ------------------------------------------------------------------ packet makers

    /** A random datagram from {@code src} to {@code dst}: echo, UDP, TCP or an unknown protocol, maybe with options. */
    static byte[] randomPacket(Random r, long dstMac, long srcMac, int src, int dst, int ttl, int maxTotal) {
        int kind = r.nextInt(4);
        int optionWords = r.nextInt(10) < 3 ? 1 + r.nextInt(10) : 0;
        int room = maxTotal - Ipv4View.MIN_HEADER - optionWords * 4;
        byte[] l4;
        int protocol;
        switch (kind) {
            case 0 -> {
                protocol = Ipv4View.PROTO_ICMP;
                l4 = Frames.icmp(IcmpHeader.echoRequest(r.nextInt(0x10000), r.nextInt(0x10000)),
                        randomBytes(r, r.nextInt(room - 8)));
            }
            case 1 -> {
                protocol = Ipv4View.PROTO_UDP;
                l4 = Frames.udp(src, dst, r.nextInt(0x10000), r.nextInt(0x10000), randomBytes(r, r.nextInt(room - 8)));
            }
            case 2 -> {
                protocol = Ipv4View.PROTO_TCP;
                l4 = Frames.tcpSyn(src, dst, r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt() & 0xffffffffL);
            }
            default -> {
                protocol = 253; // RFC 3692 experimentation
                l4 = randomBytes(r, r.nextInt(room));
            }
        }
        Ipv4Header h = new Ipv4Header(r.nextInt(64), r.nextInt(4), Ipv4View.MIN_HEADER + l4.length, r.nextInt(0x10000),
                r.nextBoolean() ? Ipv4View.FLAG_DF : 0, 0, ttl, protocol, src, dst);
        byte[] frame = Frames.ipv4(dstMac, srcMac, h, l4);
        return optionWords == 0 ? frame : withNopOptions(frame, optionWords);
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[Math.max(0, n)];
        r.nextBytes(b);
        return b;
    }

    /** Inserts {@code words} 32-bit words of options (NOPs, then End of Option List) after the fixed header. */
    static byte[] withNopOptions(byte[] frame, int words) {
        int add = words * 4;
        byte[] out = new byte[frame.length + add];
        System.arraycopy(frame, 0, out, 0, Frames.IP + 20);
        for (int i = 0; i < add - 1; i++) {
            out[Frames.IP + 20 + i] = 1; // NOP
        }
        out[Frames.IP + 20 + add - 1] = 0; // EOOL
        System.arraycopy(frame, Frames.IP + 20, out, Frames.IP + 20 + add, frame.length - Frames.IP - 20);
        out[Frames.IP] = (byte) (0x40 | (5 + words));
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putShort(Frames.IP + 2, (short) ((b.getShort(Frames.IP + 2) & 0xffff) + add));
        return Frames.fixIpChecksum(out);
    }

    /** The ICMP error frame a router sends to h1 from {@code from}, quoting {@code quoted}. */
    static byte[] errorToH1(byte[] actual, int from, IcmpHeader header, byte[] quoted) {
        byte[] icmp = Frames.icmp(header, quoted);
        int id = Frames.ipOf(actual).identification();
        return Frames.ipv4(H1_MAC, R0_MAC, Frames.header(Ipv4View.PROTO_ICMP, from, H1, icmp.length, id, 64, false), icmp);
    }

    static byte[] datagram(byte[] frame) {
        return Frames.slice(frame, Frames.ETH, Frames.ipOf(frame).totalLength());
    }

    // ------------------------------------------------------------------ forwarding

    @Test
    void forwardsWithTheTtlDecrementedAndAChecksumEqualToAFullRecomputation() {
        TestRouter r = new TestRouter();
        Random random = new Random(20260101);
        for (int i = 0; i < 3000; i++) {
            int ttl = 2 + random.nextInt(254);
            boolean outbound = random.nextBoolean();
            byte[] in = outbound
                    ? randomPacket(random, R0_MAC, H1_MAC, H1, H2, ttl, 1500)
                    : randomPacket(random, R1_MAC, H2_MAC, H2, H1, ttl, 1500);
            byte[] expected = outbound
                    ? Frames.withMacs(Frames.withTtl(in, ttl - 1), H2_MAC, R1_MAC)
                    : Frames.withMacs(Frames.withTtl(in, ttl - 1), H1_MAC, R0_MAC);
            (outbound ? r.lan : r.far).receive(Frames.padded(in));
            byte[] out = (outbound ? r.far : r.lan).expect();
            assertEquals(Frames.hex(expected), Frames.hex(out), "packet " + i);
            assertTrue(Frames.ipChecksumMatchesRecomputation(out), "packet " + i);
        }
        r.lan.expectNothing();
        r.far.expectNothing();
        assertEquals(3000, r.counter("IpForwDatagrams"));
    }

    /**
     * The two checksum values where incremental update (RFC 1624) and full recomputation could
     * disagree: a header whose checksum becomes 0x0000 after the decrement, and one whose checksum
     * was 0x0000 before it.
     */
    @Test
    void theIncrementalChecksumAgreesAtTheZeroEdgeCases() {
        TestRouter r = new TestRouter();
        int afterZero = -1;
        int beforeZero = -1;
        for (int id = 0; id < 0x10000 && (afterZero < 0 || beforeZero < 0); id++) {
            byte[] f = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 65, 1, 1, 8);
            ByteBuffer.wrap(f).putShort(Frames.IP + 4, (short) id);
            if (checksumOf(Frames.withTtl(f, 64)) == 0 && afterZero < 0) {
                afterZero = id;
            }
            if (checksumOf(Frames.withTtl(f, 65)) == 0 && beforeZero < 0) {
                beforeZero = id;
            }
        }
        assertTrue(afterZero >= 0 && beforeZero >= 0, "edge cases exist");
        for (int id : new int[] {afterZero, beforeZero}) {
            byte[] f = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 65, 1, 1, 8);
            ByteBuffer.wrap(f).putShort(Frames.IP + 4, (short) id);
            f = Frames.withTtl(f, 65);
            r.lan.receive(f);
            byte[] out = r.far.expect();
            assertEquals(Frames.hex(Frames.withMacs(Frames.withTtl(f, 64), H2_MAC, R1_MAC)), Frames.hex(out), "id " + id);
        }
    }

    static int checksumOf(byte[] frame) {
        return ByteBuffer.wrap(frame).getShort(Frames.IP + 10) & 0xffff;
    }

    @Test
    void trimsEthernetPaddingAndForwardsTheDatagramOnly() {
        TestRouter r = new TestRouter();
        byte[] tiny = Frames.udpFrame(R0_MAC, H1_MAC, H1, H2, 64, 1000, 2000, new byte[] {42});
        assertEquals(43, tiny.length);
        r.lan.receive(Frames.padded(tiny));
        r.far.expect(Frames.withMacs(Frames.withTtl(tiny, 63), H2_MAC, R1_MAC));
    }

    // ------------------------------------------------------------------ ICMP errors

    @Test
    void ttlOneBecomesTimeExceededQuotingTheWholeSmallDatagram() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 1, 0x77, 3, 56);
        r.lan.receive(in);
        r.far.expectNothing();
        byte[] err = r.lan.expect();
        r.lan.expectNothing();
        // RFC 792: the quote begins with the original IP header and the first 8 bytes of its payload
        // (TTL as received), and RFC 1812 4.3.2.3 asks for as much more as fits in 576 bytes.
        byte[] quote = datagram(in);
        assertEquals(Frames.hex(errorToH1(err, R0, IcmpHeader.timeExceeded(), quote)), Frames.hex(err));
        assertTrue(Frames.ipChecksumMatchesRecomputation(err));
        assertTrue(Frames.icmpChecksumMatchesRecomputation(err));
        assertEquals(1, r.counter("IcmpOutTimeExcds"));
        assertEquals(0, r.counter("IpForwDatagrams"));
    }

    @Test
    void ttlZeroIsTreatedLikeTtlOne() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.udpFrame(R0_MAC, H1_MAC, H1, H2, 0, 5000, 33434, new byte[32]);
        r.lan.receive(in);
        r.far.expectNothing();
        byte[] err = r.lan.expect();
        assertEquals(Frames.hex(errorToH1(err, R0, IcmpHeader.timeExceeded(), datagram(in))), Frames.hex(err));
    }

    @Test
    void theQuoteOfALargeDatagramStopsAt576BytesOfError() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 1, 0x77, 4, 1372); // 1400-byte datagram
        r.lan.receive(in);
        byte[] err = r.lan.expect();
        assertEquals(576, Frames.ipOf(err).totalLength());
        byte[] quote = Frames.slice(in, Frames.ETH, 576 - 28);
        assertEquals(Frames.hex(errorToH1(err, R0, IcmpHeader.timeExceeded(), quote)), Frames.hex(err));
    }

    @Test
    void noRouteBecomesNetUnreachable() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.echoRequest(R0_MAC, H1_MAC, H1, ip("192.168.7.7"), 64, 0x99, 1, 56);
        r.lan.receive(in);
        r.far.expectNothing();
        byte[] err = r.lan.expect();
        assertEquals(Frames.hex(errorToH1(err, R0,
                IcmpHeader.destinationUnreachable(IcmpView.CODE_NET_UNREACHABLE, 0), datagram(in))), Frames.hex(err));
        assertEquals(1, r.counter("IpOutNoRoutes"));
        assertEquals(1, r.counter("IcmpOutDestUnreachs"));
    }

    @Test
    void dontFragmentAndTooBigBecomesFragmentationNeededWithTheNextHopMtu() {
        TestRouter r = new TestRouter(1400);
        byte[] in = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 64, 0x55, 1, 1472); // 1500 bytes, DF
        assertEquals(1500, Frames.ipOf(in).totalLength());
        r.lan.receive(in);
        r.far.expectNothing();
        byte[] err = r.lan.expect();
        byte[] quote = Frames.slice(in, Frames.ETH, 548);
        assertEquals(Frames.hex(errorToH1(err, R0,
                IcmpHeader.destinationUnreachable(IcmpView.CODE_FRAGMENTATION_NEEDED, 1400), quote)), Frames.hex(err));
        assertEquals(1400, Frames.icmpOf(err).nextHopMtu());
        assertEquals(1, r.counter("IpFragFails"));

        // Exactly the MTU goes through.
        byte[] fits = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 64, 0x55, 2, 1372);
        r.lan.receive(fits);
        r.far.expect(Frames.withMacs(Frames.withTtl(fits, 63), H2_MAC, R1_MAC));
        r.lan.expectNothing();
    }

    @Test
    void answersAnEchoRequestToAnyOfItsAddresses() {
        TestRouter r = new TestRouter();
        for (int target : new int[] {R0, R1}) {
            byte[] in = Frames.echoRequest(R0_MAC, H1_MAC, H1, target, 64, 0x3131, 5, 56);
            r.lan.receive(in);
            byte[] reply = r.lan.expect();
            byte[] icmp = Frames.icmp(IcmpHeader.echoReply(0x3131, 5), Frames.pattern(56));
            Ipv4View v = Frames.ipOf(reply);
            byte[] expected = Frames.ipv4(H1_MAC, R0_MAC, new Ipv4Header(0, 0, 84, v.identification(), v.flags(), 0, 64,
                    Ipv4View.PROTO_ICMP, target, H1), icmp);
            assertEquals(Frames.hex(expected), Frames.hex(reply));
            assertTrue(Frames.ipChecksumMatchesRecomputation(reply));
            assertTrue(Frames.icmpChecksumMatchesRecomputation(reply));
            r.far.expectNothing();
        }
        assertEquals(2, r.counter("IcmpOutEchoReps"));
    }

    @Test
    void aDatagramForTheRouterItselfIsDeliveredWhateverItsTtl() {
        TestRouter r = new TestRouter();
        r.lan.receive(Frames.echoRequest(R0_MAC, H1_MAC, H1, R1, 1, 0x3131, 6, 8));
        assertEquals(IcmpView.TYPE_ECHO_REPLY, Frames.icmpOf(r.lan.expect()).type());
        r.lan.expectNothing();
        assertEquals(0, r.counter("IcmpOutTimeExcds"));
    }

    /** RFC 791 3.2 / RFC 1812 5.2.6: without DF, a datagram too big for the next link is fragmented. */
    @Test
    void fragmentsADatagramTooBigForTheNextLinkWhenAllowed() {
        TestRouter r = new TestRouter(1400);
        byte[] data = new byte[1472];
        new Random(5).nextBytes(data);
        byte[] in = Frames.udpFrame(R0_MAC, H1_MAC, H1, H2, 64, 4000, 5000, data); // 1500 bytes, DF clear
        Ipv4View original = Frames.ipOf(in);
        int id = original.identification();
        byte[] payload = Frames.slice(in, Frames.ETH + 20, 1480);
        r.lan.receive(in);
        r.lan.expectNothing();
        byte[] first = r.far.expect();
        byte[] second = r.far.expect();
        r.far.expectNothing();

        Ipv4View a = Frames.ipOf(first);
        Ipv4View b = Frames.ipOf(second);
        assertEquals(1396, a.totalLength(), "1376 data bytes: the most that fits 1400 in multiples of 8");
        assertEquals(Ipv4View.FLAG_MF, a.flags());
        assertEquals(0, a.fragmentOffset());
        assertEquals(20 + 1480 - 1376, b.totalLength());
        assertEquals(0, b.flags());
        assertEquals(1376 / 8, b.fragmentOffset());
        for (byte[] f : List.of(first, second)) {
            Ipv4View v = Frames.ipOf(f);
            assertEquals(id, v.identification());
            assertEquals(63, v.ttl());
            assertEquals(Ipv4View.PROTO_UDP, v.protocol());
            assertEquals(H1, v.source());
            assertEquals(H2, v.destination());
            assertTrue(Frames.ipChecksumMatchesRecomputation(f));
            assertEquals(H2_MAC, Frames.destinationMac(f));
            assertEquals(R1_MAC, Frames.sourceMac(f));
        }
        byte[] joined = new byte[1480];
        System.arraycopy(first, Frames.ETH + 20, joined, 0, 1376);
        System.arraycopy(second, Frames.ETH + 20, joined, 1376, 104);
        assertEquals(Frames.hex(payload), Frames.hex(joined));
        assertEquals(1, r.counter("IpFragOKs"));
        assertEquals(2, r.counter("IpFragCreates"));
    }

    @Test
    void udpToTheRoutersOwnAddressBecomesPortUnreachable() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.udpFrame(R0_MAC, H1_MAC, H1, R0, 64, 40001, 33434, new byte[32]);
        r.lan.receive(in);
        byte[] err = r.lan.expect();
        assertEquals(Frames.hex(errorToH1(err, R0,
                IcmpHeader.destinationUnreachable(IcmpView.CODE_PORT_UNREACHABLE, 0), datagram(in))), Frames.hex(err));
        assertEquals(1, r.counter("UdpNoPorts"));
    }

    /**
     * A port unreachable answers for the address the datagram was sent to, as Linux does (icmp_send
     * takes the source from the original destination when it is local). Otherwise a UDP traceroute
     * to a router's far interface ends at the near one, and the sender cannot match the answer.
     */
    @Test
    void portUnreachableComesFromTheAddressTheDatagramWasSentTo() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.udpFrame(R0_MAC, H1_MAC, H1, R1, 64, 40001, 33434, new byte[32]);
        r.lan.receive(in);
        byte[] err = r.lan.expect();
        assertEquals("10.0.2.1", Ipv4Address.format(Frames.ipOf(err).source()), "source of the port unreachable");
        assertEquals(Frames.hex(errorToH1(err, R1,
                IcmpHeader.destinationUnreachable(IcmpView.CODE_PORT_UNREACHABLE, 0), datagram(in))), Frames.hex(err));
    }

    @Test
    void anUnknownProtocolToTheRouterBecomesProtocolUnreachable() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.ipv4(R0_MAC, H1_MAC, Frames.header(253, H1, R0, 12, 77, 64, false), new byte[12]);
        r.lan.receive(in);
        byte[] err = r.lan.expect();
        assertEquals(Frames.hex(errorToH1(err, R0,
                IcmpHeader.destinationUnreachable(IcmpView.CODE_PROTOCOL_UNREACHABLE, 0), datagram(in))), Frames.hex(err));
        assertEquals(1, r.counter("IpInUnknownProtos"));
    }

    // ------------------------------------------------------------------ when not to send ICMP

    @Test
    void neverSendsAnErrorAboutAnIcmpError() {
        TestRouter r = new TestRouter();
        byte[] inner = datagram(Frames.udpFrame(0, 0, H2, H1, 1, 33434, 40000, new byte[8]));
        for (IcmpHeader error : List.of(IcmpHeader.timeExceeded(),
                IcmpHeader.destinationUnreachable(IcmpView.CODE_PORT_UNREACHABLE, 0),
                IcmpHeader.destinationUnreachable(IcmpView.CODE_FRAGMENTATION_NEEDED, 1400),
                new IcmpHeader(5, 1, 0), // redirect
                new IcmpHeader(12, 0, 0))) { // parameter problem
            byte[] icmp = Frames.icmp(error, inner);
            // TTL 1 in transit, and no route at all: both would otherwise cause an error.
            r.lan.receive(Frames.ipv4(R0_MAC, H1_MAC, Frames.header(1, H1, H2, icmp.length, 1, 1, false), icmp));
            r.lan.receive(Frames.ipv4(R0_MAC, H1_MAC, Frames.header(1, H1, ip("192.168.9.9"), icmp.length, 2, 64, false),
                    icmp));
            r.lan.expectNothing();
            r.far.expectNothing();
        }
        assertEquals(0, r.counter("IcmpOutMsgs"));
        // An echo request is a query, not an error: it does get a time exceeded.
        byte[] echo = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 1, 1, 1, 8);
        r.lan.receive(echo);
        assertEquals(IcmpView.TYPE_TIME_EXCEEDED, Frames.icmpOf(r.lan.expect()).type());
    }

    @Test
    void neverSendsAnErrorAboutAnIpBroadcastOrMulticast() {
        TestRouter r = new TestRouter();
        for (int destination : new int[] {ip("255.255.255.255"), ip("10.0.1.255"), ip("10.0.2.255")}) {
            r.lan.receive(Frames.udpFrame(MacAddress.BROADCAST, H1_MAC, H1, destination, 64, 5000, 9999, new byte[4]));
        }
        r.lan.receive(Frames.udpFrame(0x01_00_5e_01_02_03L, H1_MAC, H1, ip("239.1.2.3"), 1, 5000, 9999, new byte[4]));
        r.lan.expectNothing();
        r.far.expectNothing();
        assertEquals(3, r.counter("UdpNoPorts"), "the broadcasts reached UDP, which has no listener");
        assertEquals(0, r.counter("IcmpOutMsgs"));
    }

    @Test
    void neverSendsAnErrorAboutANonInitialFragmentOrAMartianSource() {
        TestRouter r = new TestRouter();
        byte[] fragment = Frames.ipv4(R0_MAC, H1_MAC, new Ipv4Header(0, 0, 28, 9, 0, 185, 1, 17, H1, H2), new byte[8]);
        r.lan.receive(fragment);
        for (int source : new int[] {ip("255.255.255.255"), ip("224.0.0.5"), ip("127.0.0.1")}) {
            r.lan.receive(Frames.udpFrame(R0_MAC, H1_MAC, source, H2, 1, 5000, 9999, new byte[4]));
        }
        r.lan.expectNothing();
        r.far.expectNothing();
        assertEquals(3, r.counter("IpInAddrErrors"));
        assertEquals(0, r.counter("IcmpOutMsgs"));
    }

    /** RFC 1122 3.2.2 and Linux ({@code skb->pkt_type != PACKET_HOST}): no error about a link-layer broadcast. */
    @Test
    void neverSendsAnErrorAboutALinkLayerBroadcast() {
        TestRouter r = new TestRouter();
        r.lan.receive(Frames.echoRequest(MacAddress.BROADCAST, H1_MAC, H1, H2, 1, 1, 1, 8));
        r.lan.receive(Frames.echoRequest(MacAddress.BROADCAST, H1_MAC, H1, ip("192.168.9.9"), 64, 1, 2, 8));
        r.lan.expectNothing();
        assertEquals(0, r.counter("IcmpOutMsgs"));
    }

    /** RFC 1812 5.3.4: a router MUST NOT forward a unicast datagram it received as a link-layer broadcast. */
    @Test
    void doesNotForwardAUnicastDatagramReceivedAsALinkLayerBroadcast() {
        TestRouter r = new TestRouter();
        r.lan.receive(Frames.echoRequest(MacAddress.BROADCAST, H1_MAC, H1, H2, 64, 1, 1, 8));
        r.lan.receive(Frames.echoRequest(0x01_00_5e_00_00_01L, H1_MAC, H1, H2, 64, 1, 2, 8));
        r.far.expectNothing();
        assertEquals(0, r.counter("IpForwDatagrams"));
    }

    @Test
    void rateLimitsIcmpErrorsWithABurstThenATokenPerMillisecond() {
        TestRouter r = new TestRouter();
        int seq = 0;
        for (int i = 0; i < 100; i++) {
            r.lan.inject(Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 1, 7, ++seq, 8));
        }
        assertEquals(50, r.lan.drain().size(), "the burst");
        assertEquals(50, r.counter("IcmpRateLimited"));

        r.lan.advance(Duration.ofMillis(10));
        for (int i = 0; i < 20; i++) {
            r.lan.inject(Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 1, 7, ++seq, 8));
        }
        assertEquals(10, r.lan.drain().size(), "1000 per second: 10 tokens in 10 ms");
        assertEquals(60, r.counter("IcmpRateLimited"));

        r.lan.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 60; i++) {
            r.lan.inject(Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 1, 7, ++seq, 8));
        }
        assertEquals(50, r.lan.drain().size(), "the bucket refills to the burst, not beyond");
        assertEquals(70, r.counter("IcmpRateLimited"));
        assertEquals(110, r.counter("IcmpOutTimeExcds"));
        // Echo replies are answers, not errors: not limited.
        for (int i = 0; i < 100; i++) {
            r.lan.inject(Frames.echoRequest(R0_MAC, H1_MAC, H1, R0, 64, 7, ++seq, 8));
        }
        assertEquals(100, r.lan.drain().size());
    }

    @Test
    void dropsDatagramsWithABadHeaderChecksumSilently() {
        TestRouter r = new TestRouter();
        byte[] in = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 64, 1, 1, 8);
        in[Frames.IP + 11] ^= 0x01;
        r.lan.receive(in);
        r.lan.expectNothing();
        r.far.expectNothing();
        assertEquals(1, r.counter("IpInBadChecksum"));
    }

    @Test
    void aHostDoesNotForward() {
        EventLoop loop = EventLoop.virtual();
        Ipv4Stack host = new Ipv4Stack(loop, "h", false);
        IpInterface e0 = host.addInterface("eth0", 0x02_00_00_00_00_10L, ip("10.0.1.1"), 24, 1500);
        IpInterface e1 = host.addInterface("eth1", 0x02_00_00_00_00_11L, ip("10.0.2.1"), 24, 1500);
        StepHarness a = StepHarness.attach(e0.port());
        StepHarness b = StepHarness.attach(e1.port());
        a.drain();
        b.drain();
        a.receive(Frames.echoRequest(0x02_00_00_00_00_10L, H1_MAC, H1, H2, 64, 1, 1, 8));
        a.expectNothing();
        b.expectNothing();
        assertEquals(1, host.counters().get("IpInAddrErrors"));
        assertEquals(0, host.counters().get("IcmpOutMsgs"));
    }

    @Test
    void checksumHelperAgreesWithTheWirePackage() {
        // The tests above lean on Frames' recomputation; make sure it is the RFC 1071 sum.
        byte[] f = Frames.echoRequest(R0_MAC, H1_MAC, H1, H2, 64, 1, 1, 8);
        assertEquals(0, InternetChecksum.compute(ByteBuffer.wrap(f), Frames.IP, 20));
        assertTrue(Frames.ipChecksumMatchesRecomputation(f));
        byte[] g = Arrays.copyOf(f, f.length);
        g[Frames.IP + 10] ^= 1;
        assertTrue(!Frames.ipChecksumMatchesRecomputation(g));
    }
}
