package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every prefix of every fixture: a definite status, never an exception, never a stale read. */
class TruncationTest {

    /** The fixture frame in a buffer whose limit ends exactly at {@code end}, so nothing past it is readable. */
    private static ByteBuffer cut(String frame, int end) {
        ByteBuffer b = ByteBuffer.allocate(end);
        b.put(0, Hex.bytes(frame), 0, end);
        return b;
    }

    @Test
    void ethernet() {
        EthernetView v = new EthernetView();
        for (int len = 0; len <= 60; len++) {
            int untagged = v.wrap(cut(Fixtures.ARP_REQUEST_FRAME, len), 0, len);
            assertEquals(len < 14 ? ParseStatus.TRUNCATED : ParseStatus.OK, untagged, "untagged len " + len);
            int tagged = v.wrap(cut(Fixtures.VLAN_ARP_REQUEST_FRAME, len), 0, len);
            assertEquals(len < 18 ? ParseStatus.TRUNCATED : ParseStatus.OK, tagged, "tagged len " + len);
            assertEquals(len >= 18, v.isAttached());
            assertEquals(len < 18 ? -1 : 100, v.vlanId());
            assertEquals(len < 18 ? 0 : 0x525400123456L, v.source());
        }
    }

    @Test
    void arp() {
        ArpView v = new ArpView();
        for (int len = 0; len <= 46; len++) {
            int status = v.wrap(cut(Fixtures.ARP_REQUEST_FRAME, 14 + len), 14, len);
            assertEquals(len < 28 ? ParseStatus.TRUNCATED : ParseStatus.OK, status, "len " + len);
            assertEquals(len < 28 ? 0 : Fixtures.HOST2_IP, v.targetProtocolAddress());
        }
    }

    @Test
    void ipv4() {
        Ipv4View v = new Ipv4View();
        for (int len = 0; len <= 84; len++) {
            int status = v.wrap(cut(Fixtures.ICMP_ECHO_REQUEST_FRAME, 14 + len), 14, len);
            // Below 20 the header is cut; from 20 to 83 Total Length (84) promises more than is there.
            assertEquals(len < 84 ? ParseStatus.TRUNCATED : ParseStatus.OK, status, "len " + len);
            assertEquals(len >= 20, v.isAttached());
            assertEquals(len < 20 ? 0 : 64, v.ttl());
            assertTrue(v.payloadLength() >= 0);
            v.fillChecksum();
            v.decrementTtl();
        }
    }

    @Test
    void icmp() {
        IcmpView v = new IcmpView();
        for (int len = 0; len <= 64; len++) {
            int status = v.wrap(cut(Fixtures.ICMP_ECHO_REQUEST_FRAME, 34 + len), 34, len);
            // The checksum covers the whole message, so a cut one fails it.
            int expected = len < 8 ? ParseStatus.TRUNCATED : len < 64 ? ParseStatus.BAD_CHECKSUM : ParseStatus.OK;
            assertEquals(expected, status, "len " + len);
            assertEquals(len < 8 ? 0 : 0x1c46, v.identifier());
        }
    }

    @Test
    void udp() {
        UdpView v = new UdpView();
        for (int len = 0; len <= 37; len++) {
            ByteBuffer b = cut(Fixtures.UDP_DNS_QUERY_FRAME, 34 + len);
            int status = v.wrap(b, 34, len, Fixtures.HOST1_IP, Fixtures.DNS_IP);
            assertEquals(len < 37 ? ParseStatus.TRUNCATED : ParseStatus.OK, status, "len " + len);
            assertEquals(len < 8 ? 0 : 53, v.destinationPort());
            v.fillChecksum(Fixtures.HOST1_IP, Fixtures.DNS_IP); // clamps to the wrapped bytes
        }
    }

    @Test
    void tcp() {
        TcpView v = new TcpView();
        TcpOptions options = new TcpOptions();
        for (int len = 0; len <= 40; len++) {
            ByteBuffer b = cut(Fixtures.TCP_SYN_FRAME, 34 + len);
            int status = v.wrap(b, 34, len, Fixtures.HOST1_IP, Fixtures.HOST2_IP);
            // From 20 bytes on the fixed header is there but Data Offset (40 bytes) reaches past the segment.
            int expected = len < 20 ? ParseStatus.TRUNCATED : len < 40 ? ParseStatus.ILLEGAL : ParseStatus.OK;
            assertEquals(expected, status, "len " + len);
            assertEquals(Math.max(0, len - 20), v.optionsLength());
            int optionsStatus = v.parseOptions(options);
            assertTrue(optionsStatus == ParseStatus.OK || optionsStatus == ParseStatus.ILLEGAL);
            v.fillChecksum(Fixtures.HOST1_IP, Fixtures.HOST2_IP, 40);
        }
    }

    @Test
    void tcpOptionsCutAnywhere() {
        // Cuts on an option boundary parse; cuts inside an option are ILLEGAL.
        Set<Integer> boundaries = Set.of(0, 4, 6, 16, 17, 20);
        byte[] syn = Hex.bytes(Fixtures.TCP_SYN_FRAME);
        TcpOptions options = new TcpOptions();
        for (int len = 0; len <= 20; len++) {
            ByteBuffer b = ByteBuffer.allocate(len);
            b.put(0, syn, 54, len);
            int expected = boundaries.contains(len) ? ParseStatus.OK : ParseStatus.ILLEGAL;
            assertEquals(expected, options.parse(b, 0, len), "len " + len);
        }
    }

    @Test
    void rangesPastTheBufferLimitAreTruncated() {
        ByteBuffer b = Hex.direct(Fixtures.TCP_SYN_FRAME, 0);
        b.limit(74);
        assertEquals(ParseStatus.TRUNCATED, new EthernetView().wrap(b, 0, 75));
        assertEquals(ParseStatus.TRUNCATED, new ArpView().wrap(b, 60, 28));
        assertEquals(ParseStatus.TRUNCATED, new Ipv4View().wrap(b, 14, 61));
        assertEquals(ParseStatus.TRUNCATED, new IcmpView().wrap(b, 70, 8));
        assertEquals(ParseStatus.TRUNCATED, new UdpView().wrap(b, 70, 8));
        assertEquals(ParseStatus.TRUNCATED, new TcpView().wrap(b, 34, 41));
        assertEquals(ParseStatus.TRUNCATED, new TcpView().wrap(b, -1, 40));
        assertEquals(ParseStatus.TRUNCATED, new Ipv4View().wrap(b, Integer.MAX_VALUE, 20));
        assertEquals(ParseStatus.OK, new TcpView().wrap(b, 34, 40));
    }

    @Test
    void aFailedWrapNeverShowsThePreviousPacket() {
        Ipv4View v = new Ipv4View();
        ByteBuffer frame = Hex.direct(Fixtures.ICMP_ECHO_REQUEST_FRAME, 0);
        assertEquals(ParseStatus.OK, v.wrap(frame, 14, 84));
        assertEquals(Fixtures.HOST1_IP, v.source());
        assertEquals(ParseStatus.TRUNCATED, v.wrap(frame, 14, 19));
        assertFalse(v.isAttached());
        assertEquals(0, v.source());
        assertEquals(0, v.wrappedLength());
        v.source(Fixtures.HOST2_IP); // setters on a detached view write the scratch header, not the frame
        assertEquals(ParseStatus.TRUNCATED, v.wrap(frame, 14, 3));
        assertEquals(0, v.source());
        assertEquals(Fixtures.HOST1_IP, frame.getInt(14 + Ipv4View.SOURCE_OFFSET));
        assertEquals(0, frame.position());
        assertEquals(frame.capacity(), frame.limit());
    }
}
