package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UdpTest {
    private static final int AT = Fixtures.L4_IN_FRAME;
    private static final int DATAGRAM = 37;
    private static final int SRC = Fixtures.HOST1_IP;
    private static final int DST = Fixtures.DNS_IP;
    private static final UdpHeader QUERY = new UdpHeader(54321, 53, 37);

    private final UdpView view = new UdpView();

    private static ByteBuffer dnsFrame() {
        return Hex.direct(Fixtures.UDP_DNS_QUERY_FRAME, 0);
    }

    private static String fixtureDatagram() {
        return Hex.normalize(Fixtures.UDP_DNS_QUERY_FRAME).substring(2 * AT);
    }

    @Test
    void readsFieldsFromTheFixture() {
        assertEquals(ParseStatus.OK, view.wrap(dnsFrame(), AT, DATAGRAM, SRC, DST));
        assertEquals(54321, view.sourcePort());
        assertEquals(53, view.destinationPort());
        assertEquals(37, view.length());
        assertEquals(0x3566, view.checksum());
        assertEquals(8, view.headerLength());
        assertEquals(AT + 8, view.payloadOffset());
        assertEquals(29, view.payloadLength());
        assertTrue(view.isChecksumValid(SRC, DST));
    }

    @Test
    void writesFieldsWithSetters() {
        ByteBuffer b = Hex.junk(50);
        b.put(4 + 8, Hex.bytes(Fixtures.DNS_QUERY));
        view.wrap(b, 4, DATAGRAM);
        view.sourcePort(54321);
        view.destinationPort(53);
        view.length(37);
        view.fillChecksum(SRC, DST);
        assertEquals(fixtureDatagram(), Hex.of(b, 4, DATAGRAM));
        view.checksum(0);
        assertEquals("0000", Hex.of(b, 4 + 6, 2));
    }

    @Test
    void parsesIntoTheRecord() {
        view.wrap(dnsFrame(), AT, DATAGRAM);
        assertEquals(QUERY, UdpHeader.parse(view));
    }

    @Test
    void emitsTheFixtureBytes() {
        ByteBuffer b = Hex.junk(60);
        assertEquals(8, UdpHeader.of(54321, 53, 29).emit(b, 11));
        assertEquals("d431003500250000", Hex.of(b, 11, 8)); // no checksum yet: 0 means "none"
        b.put(11 + 8, Hex.bytes(Fixtures.DNS_QUERY));
        assertEquals(ParseStatus.OK, view.wrap(b, 11, DATAGRAM, SRC, DST));
        view.fillChecksum(SRC, DST);
        assertEquals(fixtureDatagram(), Hex.of(b, 11, DATAGRAM));
    }

    @Test
    void parseOfEmitIsIdentity() {
        Random random = new Random(768);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocateDirect(8 + 65535);
        for (int i = 0; i < 5000; i++) {
            UdpHeader h = headers.udp();
            int off = random.nextInt(8);
            h.emit(b, off);
            assertEquals(ParseStatus.OK, view.wrap(b, off, h.length()), h.toString());
            assertEquals(h, UdpHeader.parse(view));
        }
    }

    @Test
    void checksumVerificationAndItsAbsence() {
        ByteBuffer b = dnsFrame();
        b.put(AT + 20, (byte) 'E');
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(b, AT, DATAGRAM, SRC, DST));
        assertEquals(ParseStatus.OK, view.wrap(b, AT, DATAGRAM)); // the 3-argument wrap does not verify
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(dnsFrame(), AT, DATAGRAM, SRC, DST + 1)); // pseudo-header
        view.wrap(b, AT, DATAGRAM);
        view.checksum(0);
        assertEquals(ParseStatus.OK, view.wrap(b, AT, DATAGRAM, SRC, DST)); // 0: sender computed none
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        ByteBuffer b = ByteBuffer.allocate(DATAGRAM);
        b.put(0, Hex.bytes(fixtureDatagram()));
        view.wrap(b, 0, DATAGRAM);
        // Pick the source port that makes the sum come out at 0xffff, so the folded checksum is 0.
        view.sourcePort(0);
        view.checksum(0);
        int sum = ~InternetChecksum.fold(InternetChecksum.sum(b, 0, DATAGRAM,
                InternetChecksum.pseudoHeaderSum(SRC, DST, Ipv4View.PROTO_UDP, DATAGRAM))) & 0xffff;
        view.sourcePort(0xffff - sum);
        view.fillChecksum(SRC, DST);
        assertEquals(0xffff, view.checksum());
        assertEquals(ParseStatus.OK, view.wrap(b, 0, DATAGRAM, SRC, DST));
    }

    @Test
    void lengthFieldIsChecked() {
        ByteBuffer b = dnsFrame();
        view.wrap(b, AT, DATAGRAM);
        view.length(7);
        assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, DATAGRAM));
        view.length(38);
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, DATAGRAM));
        view.length(30); // shorter than the buffer: trailing bytes are padding, not payload
        assertEquals(ParseStatus.OK, view.wrap(b, AT, DATAGRAM));
        assertEquals(22, view.payloadLength());
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, 7));
    }

    @Test
    void recordRejectsInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new UdpHeader(-1, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> new UdpHeader(0, 0x10000, 8));
        assertThrows(IllegalArgumentException.class, () -> new UdpHeader(0, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> new UdpHeader(0, 0, 0x10000));
    }
}
