package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IcmpTest {
    private static final int AT = Fixtures.L4_IN_FRAME;
    private static final int MESSAGE = 64;
    private static final IcmpHeader ECHO = new IcmpHeader(IcmpView.TYPE_ECHO_REQUEST, 0, 0x1c460001L);

    private final IcmpView view = new IcmpView();

    private static ByteBuffer echoFrame() {
        return Hex.direct(Fixtures.ICMP_ECHO_REQUEST_FRAME, 0);
    }

    private static String fixtureMessage() {
        return Hex.normalize(Fixtures.ICMP_ECHO_REQUEST_FRAME).substring(2 * AT);
    }

    @Test
    void readsFieldsFromTheFixture() {
        assertEquals(ParseStatus.OK, view.wrap(echoFrame(), AT, MESSAGE));
        assertEquals(IcmpView.TYPE_ECHO_REQUEST, view.type());
        assertEquals(0, view.code());
        assertEquals(0x86ad, view.checksum());
        assertEquals(0x1c46, view.identifier());
        assertEquals(1, view.sequenceNumber());
        assertEquals(0x1c460001L, view.restOfHeader());
        assertEquals(8, view.headerLength());
        assertEquals(AT + 8, view.payloadOffset());
        assertEquals(56, view.payloadLength());
    }

    @Test
    void writesFieldsWithSetters() {
        ByteBuffer b = Hex.junk(70);
        b.put(3 + 8, Hex.bytes(Fixtures.ICMP_ECHO_DATA));
        view.wrap(b, 3, MESSAGE);
        view.type(IcmpView.TYPE_ECHO_REQUEST);
        view.code(0);
        view.identifier(0x1c46);
        view.sequenceNumber(1);
        view.fillChecksum();
        assertEquals(fixtureMessage(), Hex.of(b, 3, MESSAGE));
        assertEquals(ParseStatus.OK, view.wrap(b, 3, MESSAGE));

        view.restOfHeader(0xfffffffeL);
        assertEquals("fffffffe", Hex.of(b, 3 + 4, 4));
        view.nextHopMtu(1400);
        assertEquals(0xffff0578L, view.restOfHeader());
        view.checksum(0xbeef);
        assertEquals("beef", Hex.of(b, 3 + 2, 2));
    }

    @Test
    void parsesIntoTheRecord() {
        view.wrap(echoFrame(), AT, MESSAGE);
        IcmpHeader h = IcmpHeader.parse(view);
        assertEquals(ECHO, h);
        assertEquals(0x1c46, h.identifier());
        assertEquals(1, h.sequenceNumber());
    }

    @Test
    void emitsTheFixtureBytes() {
        ByteBuffer b = Hex.junk(80);
        assertEquals(8, IcmpHeader.echoRequest(0x1c46, 1).emit(b, 9));
        assertEquals(ParseStatus.OK, view.wrap(b, 9, 8)); // header-only checksum is complete
        b.put(9 + 8, Hex.bytes(Fixtures.ICMP_ECHO_DATA));
        view.wrap(b, 9, MESSAGE);
        view.fillChecksum(); // payload added: the caller refills
        assertEquals(fixtureMessage(), Hex.of(b, 9, MESSAGE));
    }

    @Test
    void parseOfEmitIsIdentity() {
        Random random = new Random(792);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocateDirect(32);
        for (int i = 0; i < 5000; i++) {
            IcmpHeader h = headers.icmp();
            int off = random.nextInt(16);
            assertEquals(ParseStatus.OK, view.wrap(b, off, h.emit(b, off)), h.toString());
            assertEquals(h, IcmpHeader.parse(view));
        }
    }

    @Test
    void errorMessagesCarryTheirFields() {
        ByteBuffer b = ByteBuffer.allocate(8);
        IcmpHeader.destinationUnreachable(IcmpView.CODE_FRAGMENTATION_NEEDED, 1400).emit(b, 0);
        assertEquals(ParseStatus.OK, view.wrap(b, 0, 8));
        assertEquals(IcmpView.TYPE_DEST_UNREACHABLE, view.type());
        assertEquals(IcmpView.CODE_FRAGMENTATION_NEEDED, view.code());
        assertEquals(1400, view.nextHopMtu());
        assertEquals("0304", Hex.of(b, 0, 2));
        assertEquals("00000578", Hex.of(b, 4, 4));

        IcmpHeader.timeExceeded().emit(b, 0);
        assertEquals(ParseStatus.OK, view.wrap(b, 0, 8));
        assertEquals("0b00f4ff00000000", Hex.of(b, 0, 8));
        assertEquals(new IcmpHeader(0, 0, 0x00070009L), IcmpHeader.echoReply(7, 9));
    }

    @Test
    void badChecksumAndShortMessages() {
        ByteBuffer b = echoFrame();
        b.put(b.limit() - 17, (byte) 0); // a payload byte: the checksum covers the data too
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(b, AT, MESSAGE));
        assertEquals(0x1c46, view.identifier()); // still readable
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(echoFrame(), AT, MESSAGE - 1));
        assertEquals(ParseStatus.TRUNCATED, view.wrap(echoFrame(), AT, 7));
        assertEquals(0, view.type());
    }

    @Test
    void recordRejectsInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new IcmpHeader(256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpHeader(0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new IcmpHeader(0, 0, 0x100000000L));
        assertThrows(IllegalArgumentException.class, () -> IcmpHeader.echoRequest(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> IcmpHeader.destinationUnreachable(4, 70000));
    }
}
