package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpTest {
    private static final int AT = Fixtures.L4_IN_FRAME;
    private static final int SEGMENT = 40;
    private static final int SRC = Fixtures.HOST1_IP;
    private static final int DST = Fixtures.HOST2_IP;
    private static final TcpHeader SYN = new TcpHeader(43210, 80, 0x9c8d2f01L, 0, TcpView.SYN, 64240, 0,
            TcpOptionsValue.syn(1460, 7, 0x0a1b2c3dL));

    private final TcpView view = new TcpView();
    private final TcpOptions options = new TcpOptions();

    private static ByteBuffer synFrame() {
        return Hex.direct(Fixtures.TCP_SYN_FRAME, 0);
    }

    private static String fixtureSegment() {
        return Hex.normalize(Fixtures.TCP_SYN_FRAME).substring(2 * AT);
    }

    @Test
    void readsFieldsFromTheFixture() {
        assertEquals(ParseStatus.OK, view.wrap(synFrame(), AT, SEGMENT, SRC, DST));
        assertEquals(43210, view.sourcePort());
        assertEquals(80, view.destinationPort());
        assertEquals(0x9c8d2f01L, view.sequenceNumber());
        assertEquals(0, view.acknowledgmentNumber());
        assertEquals(10, view.dataOffset());
        assertEquals(40, view.headerLength());
        assertEquals(TcpView.SYN, view.flags());
        assertEquals(64240, view.window());
        assertEquals(0x8e0b, view.checksum());
        assertEquals(0, view.urgentPointer());
        assertEquals(AT + 20, view.optionsOffset());
        assertEquals(20, view.optionsLength());
        assertEquals(AT + 40, view.payloadOffset());
        assertEquals(0, view.payloadLength());

        assertEquals(ParseStatus.OK, view.parseOptions(options));
        assertEquals(1460, options.mss());
        assertEquals(7, options.windowScale());
        assertTrue(options.sackPermitted());
        assertEquals(0, options.sackBlockCount());
        assertTrue(options.hasTimestamps());
        assertEquals(0x0a1b2c3dL, options.tsVal());
        assertEquals(0, options.tsEcr());
    }

    @Test
    void writesFieldsWithSetters() {
        ByteBuffer b = Hex.junk(48);
        view.wrap(b, 6, SEGMENT);
        view.sourcePort(43210);
        view.destinationPort(80);
        view.sequenceNumber(0x9c8d2f01L);
        view.acknowledgmentNumber(0);
        b.put(6 + TcpView.DATA_OFFSET_OFFSET, (byte) 0);
        view.dataOffset(10);
        view.flags(TcpView.SYN);
        view.window(64240);
        view.urgentPointer(0);
        int p = view.optionsOffset();
        p += TcpOptionsWriter.writeMss(b, p, 1460);
        p += TcpOptionsWriter.writeSackPermitted(b, p);
        p += TcpOptionsWriter.writeTimestamps(b, p, 0x0a1b2c3dL, 0);
        p += TcpOptionsWriter.writeNop(b, p);
        p += TcpOptionsWriter.writeWindowScale(b, p, 7);
        assertEquals(0, TcpOptionsWriter.padToWord(b, p, p - view.optionsOffset()));
        assertEquals(6 + SEGMENT, p);
        view.fillChecksum(SRC, DST, SEGMENT);
        assertEquals(fixtureSegment(), Hex.of(b, 6, SEGMENT));
    }

    @Test
    void parsesIntoTheRecord() {
        view.wrap(synFrame(), AT, SEGMENT);
        assertEquals(SYN, TcpHeader.parse(view));
    }

    @Test
    void emitsTheFixtureBytes() {
        ByteBuffer b = Hex.junk(60);
        assertEquals(40, SYN.emit(b, 1));
        assertEquals("0000", Hex.of(b, 1 + TcpView.CHECKSUM_OFFSET, 2));
        assertEquals(ParseStatus.OK, view.wrap(b, 1, SEGMENT));
        view.fillChecksum(SRC, DST, SEGMENT);
        assertEquals(fixtureSegment(), Hex.of(b, 1, SEGMENT));
    }

    @Test
    void parseOfEmitIsIdentity() {
        Random random = new Random(9293);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocateDirect(80);
        for (int i = 0; i < 5000; i++) {
            TcpHeader h = headers.tcp();
            int off = random.nextInt(16);
            int written = h.emit(b, off);
            assertEquals(h.headerLength(), written);
            assertEquals(0, written % 4);
            assertEquals(ParseStatus.OK, view.wrap(b, off, written), h.toString());
            assertEquals(h, TcpHeader.parse(view));
        }
    }

    @Test
    void checksumCoversPseudoHeaderHeaderAndData() {
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(synFrame(), AT, SEGMENT, SRC, DST + 1));
        ByteBuffer b = synFrame();
        b.put(AT + TcpView.OPTIONS_OFFSET + 3, (byte) 0xb5); // MSS 1461
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(b, AT, SEGMENT, SRC, DST));
        assertEquals(ParseStatus.OK, view.wrap(b, AT, SEGMENT));

        // With data: a 5-byte (odd) payload after a bare header.
        ByteBuffer d = ByteBuffer.allocate(25);
        new TcpHeader(80, 43210, 1, 2, TcpView.ACK | TcpView.PSH, 502, 0, TcpOptionsValue.NONE).emit(d, 0);
        d.put(20, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        view.wrap(d, 0, 25);
        view.fillChecksum(DST, SRC, 25);
        assertEquals(ParseStatus.OK, view.wrap(d, 0, 25, DST, SRC));
        assertEquals(5, view.payloadLength());
        d.put(24, (byte) 'O');
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(d, 0, 25, DST, SRC));
    }

    @Test
    void dataOffsetIsValidated() {
        ByteBuffer b = synFrame();
        view.wrap(b, AT, SEGMENT);
        view.dataOffset(4);
        assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, SEGMENT));
        assertEquals(0, view.optionsLength());
        view.dataOffset(11); // 44 bytes in a 40-byte segment
        assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, SEGMENT));
        assertEquals(20, view.optionsLength()); // clamped to what was wrapped
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, 19));
        assertFalse(view.isAttached());
    }

    @Test
    void controlBitsAreTheRfcBits() {
        assertEquals(0xff, TcpView.FIN | TcpView.SYN | TcpView.RST | TcpView.PSH | TcpView.ACK | TcpView.URG
                | TcpView.ECE | TcpView.CWR);
        ByteBuffer b = ByteBuffer.allocate(20);
        view.wrap(b, 0, 20);
        view.dataOffset(5);
        b.put(TcpView.DATA_OFFSET_OFFSET, (byte) (b.get(TcpView.DATA_OFFSET_OFFSET) | 0x0f)); // reserved bits
        view.dataOffset(6);
        assertEquals(0x6f, b.get(TcpView.DATA_OFFSET_OFFSET) & 0xff);
        view.flags(TcpView.ACK | TcpView.FIN);
        assertEquals(0x11, b.get(TcpView.FLAGS_OFFSET));
    }

    @Test
    void recordRejectsInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0x10000, 0, 0, 0, 0, 0, 0, TcpOptionsValue.NONE));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 1L << 32, 0, 0, 0, 0, TcpOptionsValue.NONE));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, -1, 0, 0, 0, TcpOptionsValue.NONE));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, 0, 0x100, 0, 0, TcpOptionsValue.NONE));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, 0, 0, 0x10000, 0, TcpOptionsValue.NONE));
        assertThrows(IllegalArgumentException.class, () -> new TcpHeader(0, 0, 0, 0, 0, 0, 0, null));
        // Parsing a view whose options are malformed is an error for the record (not for the view).
        ByteBuffer b = synFrame();
        b.put(AT + TcpView.OPTIONS_OFFSET + 1, (byte) 0); // MSS length 0
        assertEquals(ParseStatus.OK, view.wrap(b, AT, SEGMENT));
        assertThrows(IllegalArgumentException.class, () -> TcpHeader.parse(view));
        assertEquals(List.of(), TcpOptionsValue.NONE.sackBlocks());
    }
}
