package io.tapnet.ip.filter;

import static io.tapnet.ip.filter.FilterRig.E0;
import static io.tapnet.ip.filter.FilterRig.E1;
import static io.tapnet.ip.filter.FilterRig.H1;
import static io.tapnet.ip.filter.FilterRig.H2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.testing.Frames;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Source NAT (masquerade) and destination NAT (port forwards) on a router, through test wires in
 * virtual time: what leaves each side, with every checksum checked against a full recomputation.
 */
class NatTest {
    private static final long H3_MAC = 0x02_00_00_00_01_0bL;
    private static final int H3 = Frames.ip("10.0.1.11");

    private static FilterRig masquerading() {
        FilterRig r = FilterRig.router();
        r.firewall.masquerade("eth1");
        return r;
    }

    @Test
    void masqueradeHidesTheInsideSenderAndTranslatesRepliesBack() {
        FilterRig r = masquerading();
        byte[] data = "query".getBytes();
        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 53, data));
        byte[] out = FilterRig.nextIp(r.outside);
        Ipv4View ip = FilterRig.ipOf(out);
        assertEquals(E1, ip.source(), "the outside sees the router's address");
        assertEquals(H2, ip.destination());
        assertEquals(40000, FilterRig.sourcePort(out), "the port is kept when it is free");
        assertTrue(FilterRig.checksumsRecompute(out));

        r.outside.receive(FilterRig.udpFromOutside(H2, E1, 53, 40000, "answer".getBytes()));
        byte[] back = FilterRig.nextIp(r.inside);
        ip = FilterRig.ipOf(back);
        assertEquals(H2, ip.source());
        assertEquals(H1, ip.destination(), "the reply goes to the inside sender");
        assertEquals(40000, FilterRig.destinationPort(back));
        assertTrue(FilterRig.checksumsRecompute(back));
        assertEquals(1, r.firewall.masqueradedConnections());
        Connection c = r.firewall.connTrack().connections(r.now()).get(0);
        assertTrue(c.isSourceNat() && !c.isDestinationNat() && c.seenReply());
    }

    @Test
    void checksumsStayRightForRandomDatagramsIncludingUdpWithoutChecksum() {
        FilterRig r = masquerading();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] data = new byte[random.nextInt(200)];
            random.nextBytes(data);
            int sport = 1024 + random.nextInt(60000);
            byte[] f = FilterRig.udpFromInside(H2, sport, 1 + random.nextInt(65535), data);
            if (i % 10 == 0) {
                ByteBuffer.wrap(f).putShort(Frames.IP + 20 + 6, (short) 0); // RFC 768: no checksum
            }
            r.inside.receive(f);
            byte[] out = FilterRig.nextIp(r.outside);
            assertTrue(FilterRig.checksumsRecompute(out), "datagram " + i);
            if (i % 10 == 0) {
                assertEquals(0, ByteBuffer.wrap(out).getShort(Frames.IP + 20 + 6), "no checksum stays no checksum");
            }
            byte[] tcp = FilterRig.tcpFromInside(H2, sport, 443, random.nextBoolean() ? 0x02 : 0x18);
            r.inside.receive(tcp);
            assertTrue(FilterRig.checksumsRecompute(FilterRig.nextIp(r.outside)), "segment " + i);
        }
    }

    @Test
    void pingIdentifiersAreTranslatedAndTwoInsideHostsWithTheSameIdStayApart() {
        FilterRig r = masquerading();
        r.resolveInside(H3_MAC, H3);
        r.inside.receive(FilterRig.pingFromInside(H2, 0x1234, 1));
        byte[] first = FilterRig.nextIp(r.outside);
        r.inside.receive(Frames.echoRequest(FilterRig.E0_MAC, H3_MAC, H3, H2, 64, 0x1234, 1, 56));
        byte[] second = FilterRig.nextIp(r.outside);
        assertEquals(E1, FilterRig.ipOf(first).source());
        assertEquals(E1, FilterRig.ipOf(second).source());
        assertEquals(0x1234, FilterRig.icmpId(first));
        int secondId = FilterRig.icmpId(second);
        assertNotEquals(0x1234, secondId, "the second host's identifier is changed so replies can be told apart");
        assertTrue(FilterRig.checksumsRecompute(first) && FilterRig.checksumsRecompute(second));

        r.outside.receive(FilterRig.echoReplyFromOutside(H2, E1, secondId, 1));
        byte[] toH3 = FilterRig.nextIp(r.inside);
        assertEquals(H3, FilterRig.ipOf(toH3).destination());
        assertEquals(0x1234, FilterRig.icmpId(toH3));
        assertEquals(H3_MAC, Frames.destinationMac(toH3));
        assertTrue(FilterRig.checksumsRecompute(toH3));
        r.outside.receive(FilterRig.echoReplyFromOutside(H2, E1, 0x1234, 1));
        byte[] toH1 = FilterRig.nextIp(r.inside);
        assertEquals(H1, FilterRig.ipOf(toH1).destination());
        assertEquals(0x1234, FilterRig.icmpId(toH1));
    }

    @Test
    void aTakenSourcePortIsReplacedByAFreeOne() {
        FilterRig r = masquerading();
        r.resolveInside(H3_MAC, H3);
        r.inside.receive(FilterRig.udpFromInside(H2, 5000, 53, new byte[4]));
        assertEquals(5000, FilterRig.sourcePort(FilterRig.nextIp(r.outside)));
        r.inside.receive(Frames.udpFrame(FilterRig.E0_MAC, H3_MAC, H3, H2, 64, 5000, 53, new byte[4]));
        int port = FilterRig.sourcePort(FilterRig.nextIp(r.outside));
        assertNotEquals(5000, port);
        assertTrue(port >= 1024);
        r.outside.receive(FilterRig.udpFromOutside(H2, E1, 53, port, new byte[4]));
        assertEquals(H3, FilterRig.ipOf(FilterRig.nextIp(r.inside)).destination());
    }

    @Test
    void masqueradedConnectionsExpireAndLateRepliesNoLongerGetIn() {
        FilterRig r = FilterRig.router(ConnTrackConfig.DEFAULT.withTimeout("udp", 5 * FilterRig.SECOND));
        r.firewall.masquerade("eth1");
        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 53, new byte[4]));
        FilterRig.nextIp(r.outside);
        assertEquals(1, r.firewall.connTrack().connections(r.now()).size());
        r.advanceSeconds(4);
        assertEquals(1, r.firewall.connTrack().connections(r.now()).size());
        r.advanceSeconds(2);
        assertEquals(List.of(), r.firewall.connTrack().connections(r.now()), "gone after the 5 s UDP timeout");
        // The reply now arrives at the router itself, which has no such port and says so.
        r.outside.receive(FilterRig.udpFromOutside(H2, E1, 53, 40000, new byte[4]));
        FilterRig.noIp(r.inside);
        assertEquals("3/3", FilterRig.icmpTypeCode(FilterRig.nextIp(r.outside)));
    }

    @Test
    void aPortForwardTakesOutsideConnectionsToTheInsideHost() {
        FilterRig r = FilterRig.router();
        r.firewall.portForward(PortForward.parse("udp 5353 -> 10.0.1.10:53"));
        r.outside.receive(FilterRig.udpFromOutside(H2, E1, 33333, 5353, "q".getBytes()));
        byte[] in = FilterRig.nextIp(r.inside);
        Ipv4View ip = FilterRig.ipOf(in);
        assertEquals(H2, ip.source(), "the inside host sees the real client");
        assertEquals(H1, ip.destination());
        assertEquals(53, FilterRig.destinationPort(in));
        assertTrue(FilterRig.checksumsRecompute(in));

        r.inside.receive(FilterRig.udpFromInside(H2, 53, 33333, "a".getBytes()));
        byte[] out = FilterRig.nextIp(r.outside);
        ip = FilterRig.ipOf(out);
        assertEquals(E1, ip.source(), "the reply comes from the router's address and port");
        assertEquals(5353, FilterRig.sourcePort(out));
        assertEquals(33333, FilterRig.destinationPort(out));
        assertTrue(FilterRig.checksumsRecompute(out));
        assertEquals(1, r.firewall.portForwardConnections(0));

        // Also on the router's other address, and for TCP.
        r.firewall.portForward(PortForward.parse("tcp 8080 -> 10.0.1.10:80"));
        r.outside.receive(FilterRig.tcpFromOutside(H2, E0, 40000, 8080, 0x02));
        byte[] syn = FilterRig.nextIp(r.inside);
        assertEquals(80, FilterRig.destinationPort(syn));
        assertTrue(FilterRig.checksumsRecompute(syn));
        // A port that is not forwarded reaches the router itself.
        r.outside.receive(FilterRig.udpFromOutside(H2, E1, 33333, 5354, new byte[1]));
        FilterRig.noIp(r.inside);
        assertEquals("3/3", FilterRig.icmpTypeCode(FilterRig.nextIp(r.outside)));
    }

    @Test
    void aForwardBoundToOneAddressIgnoresTheOthers() {
        FilterRig r = FilterRig.router();
        r.firewall.portForward(PortForward.parse("udp 10.0.2.1:5353 -> 10.0.1.10:53"));
        r.outside.receive(FilterRig.udpFromOutside(H2, E0, 1, 5353, new byte[1]));
        FilterRig.noIp(r.inside);
        r.outside.receive(FilterRig.udpFromOutside(H2, E1, 1, 5353, new byte[1]));
        assertEquals(H1, FilterRig.ipOf(FilterRig.nextIp(r.inside)).destination());
    }

    @Test
    void icmpErrorsAboutATranslatedConnectionAreTranslatedWholeAsRfc5508Asks() {
        FilterRig r = masquerading();
        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 33434, new byte[16]));
        byte[] sent = FilterRig.nextIp(r.outside);
        // h2 answers with port unreachable, quoting what it received (RFC 792: header and 8 bytes).
        byte[] quote = Arrays.copyOfRange(sent, Frames.IP, Frames.IP + 28);
        byte[] icmp = Frames.icmp(IcmpHeader.destinationUnreachable(IcmpView.CODE_PORT_UNREACHABLE, 0), quote);
        r.outside.receive(Frames.ipv4(FilterRig.E1_MAC, FilterRig.H2_MAC,
                Frames.header(Ipv4View.PROTO_ICMP, H2, E1, icmp.length, 9, 64, false), icmp));
        byte[] error = FilterRig.nextIp(r.inside);
        Ipv4View outer = FilterRig.ipOf(error);
        assertEquals(H2, outer.source());
        assertEquals(H1, outer.destination(), "the error goes to the inside sender");
        assertTrue(FilterRig.checksumsRecompute(error));
        IcmpView v = Frames.icmpOf(error);
        ByteBuffer b = ByteBuffer.wrap(error);
        int inner = v.payloadOffset();
        assertEquals(0, InternetChecksum.compute(b, inner, 20), "the quoted header's checksum is right");
        assertEquals(H1, b.getInt(inner + 12), "the quote shows the datagram as h1 sent it");
        assertEquals(H2, b.getInt(inner + 16));
        assertEquals(40000, b.getShort(inner + 20) & 0xffff);
        assertEquals(33434, b.getShort(inner + 22) & 0xffff);
        Connection c = r.firewall.connTrack().connections(r.now()).get(0);
        assertEquals(1, c.packets(false));
        assertEquals(0, c.packets(true), "an error about a connection does not count as its reply");
    }

    @Test
    void aTracerouteErrorFromBeyondReachesTheInsideHostOfAPing() {
        FilterRig r = masquerading();
        r.resolveInside(H3_MAC, H3);
        // Two inside hosts with the same identifier, so the second one's is translated.
        r.inside.receive(FilterRig.pingFromInside(H2, 0x77, 1));
        FilterRig.nextIp(r.outside);
        r.inside.receive(Frames.echoRequest(FilterRig.E0_MAC, H3_MAC, H3, H2, 64, 0x77, 1, 56));
        byte[] sent = FilterRig.nextIp(r.outside);
        int id = FilterRig.icmpId(sent);
        byte[] quote = Arrays.copyOfRange(sent, Frames.IP, Frames.IP + 28);
        byte[] icmp = Frames.icmp(IcmpHeader.timeExceeded(), quote);
        int beyond = Frames.ip("10.0.2.254");
        r.outside.receive(Frames.ipv4(FilterRig.E1_MAC, FilterRig.H2_MAC,
                Frames.header(Ipv4View.PROTO_ICMP, beyond, E1, icmp.length, 9, 64, false), icmp));
        byte[] error = FilterRig.nextIp(r.inside);
        assertEquals(beyond, FilterRig.ipOf(error).source());
        assertEquals(H3, FilterRig.ipOf(error).destination());
        assertEquals("11/0", FilterRig.icmpTypeCode(error));
        ByteBuffer b = ByteBuffer.wrap(error);
        int innerAt = Frames.icmpOf(error).payloadOffset();
        assertEquals(H3, b.getInt(innerAt + 12));
        assertEquals(0x77, b.getShort(innerAt + 20 + 4) & 0xffff, "the identifier h3 used");
        assertNotEquals(0x77, id);
        assertTrue(FilterRig.checksumsRecompute(error));
    }

    @Test
    void untrackableDatagramsDoNotLeakThroughAMasqueradingInterface() {
        FilterRig r = masquerading();
        byte[] f = FilterRig.udpFromInside(H2, 1, 2, new byte[8]);
        byte[][] pieces = AclTest.fragments(FilterRig.udpFromInside(H2, 1, 2, new byte[100]), 0x99);
        r.inside.receive(pieces[1]); // a later fragment whose first never came
        FilterRig.noIp(r.outside);
        assertEquals(1, r.firewall.invalidDrops());
        r.inside.receive(pieces[0]).receive(pieces[1]);
        List<byte[]> out = FilterRig.ipFrames(r.outside);
        assertEquals(2, out.size());
        for (byte[] o : out) {
            assertEquals(E1, FilterRig.ipOf(o).source(), "both fragments are translated");
        }
        r.inside.receive(f);
        assertEquals(E1, FilterRig.ipOf(FilterRig.nextIp(r.outside)).source());
    }
}
