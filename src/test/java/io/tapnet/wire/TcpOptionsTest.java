package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TcpOptionsTest {
    private final TcpOptions options = new TcpOptions();

    private int parse(String hex) {
        ByteBuffer b = Hex.direct(hex, 3);
        return options.parse(b, 3, Hex.bytes(hex).length);
    }

    @Test
    void emptyOptionsAreAllAbsent() {
        assertEquals(ParseStatus.OK, parse(""));
        assertEquals(-1, options.mss());
        assertEquals(-1, options.windowScale());
        assertFalse(options.sackPermitted());
        assertEquals(0, options.sackBlockCount());
        assertFalse(options.hasTimestamps());
    }

    @Test
    void parseForgetsThePreviousSegment() {
        assertEquals(ParseStatus.OK, parse("020405b4 0402 080a 00000001 00000002 01 030307"));
        assertEquals(ParseStatus.OK, parse("01010101"));
        assertEquals(-1, options.mss());
        assertEquals(-1, options.windowScale());
        assertFalse(options.sackPermitted());
        assertFalse(options.hasTimestamps());
    }

    @Test
    void nopPaddingIsSkipped() {
        // What Linux puts on every established segment: NOP NOP Timestamps.
        assertEquals(ParseStatus.OK, parse("0101080a 0001e240 0a1b2c3d"));
        assertTrue(options.hasTimestamps());
        assertEquals(123456, options.tsVal());
        assertEquals(0x0a1b2c3dL, options.tsEcr());
    }

    @Test
    void endOfOptionListStopsParsing() {
        // Anything after EOL is padding, even if it would be malformed as options.
        assertEquals(ParseStatus.OK, parse("020405b4 00 ff00ff"));
        assertEquals(1460, options.mss());
        assertEquals(ParseStatus.OK, parse("00 020405b4"));
        assertEquals(-1, options.mss());
    }

    @Test
    void unknownKindsAreSkippedByTheirLength() {
        // MPTCP (30), TCP Fast Open cookie (34), experimental (254), TCP-AO (29) around known options.
        assertEquals(ParseStatus.OK, parse("1e04 2001 020405b4 220a 0102030405060708 fe06 f989 0000 1d03 ff 030302 01"));
        assertEquals(1460, options.mss());
        assertEquals(2, options.windowScale());
    }

    @Test
    void sackBlocksAreReadUpToFour() {
        assertEquals(ParseStatus.OK, parse("0101 050a 00000064 000000c8"));
        assertEquals(1, options.sackBlockCount());
        assertEquals(100, options.sackLeft(0));
        assertEquals(200, options.sackRight(0));
        assertEquals(ParseStatus.OK, parse("0101 0522 00000001 00000002 00000003 00000004 00000005 00000006 fffffffe ffffffff"));
        assertEquals(4, options.sackBlockCount());
        assertEquals(5, options.sackLeft(2));
        assertEquals(6, options.sackRight(2));
        assertEquals(0xfffffffeL, options.sackLeft(3));
        assertEquals(0xffffffffL, options.sackRight(3));
        assertThrows(IndexOutOfBoundsException.class, () -> options.sackLeft(4));
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a trusted length 0 would loop forever rather than fail
    void badLengthsAreIllegalNotExceptions() {
        String[] malformed = {
            "0200",                 // length 0: would loop forever if trusted
            "0201",                 // length 1: shorter than kind + length
            "02",                   // length byte missing
            "020405",               // MSS cut by the end of the options
            "020505b400",           // MSS with length 5
            "0302",                 // window scale with length 2
            "030407 00",            // window scale with length 4
            "0403",                 // SACK-permitted with length 3
            "0502",                 // SACK with no blocks
            "0509 0000000100000002 00", // SACK not a whole number of blocks
            "050a 00000001",        // SACK block past the end
            "052a" + "00".repeat(40), // 5 SACK blocks cannot be in a real header
            "0808 0000000100000002", // timestamps with length 8
            "fe",                   // unknown kind without a length
            "fe00 020405b4",        // unknown kind with length 0: skipping by it would never advance
            "fe01 020405b4",        // unknown kind with length 1
            "fe09 0000",            // unknown kind longer than the options
        };
        for (String hex : malformed) {
            assertEquals(ParseStatus.ILLEGAL, parse(hex), hex);
        }
    }

    @Test
    void rangeOutsideTheBufferIsTruncated() {
        ByteBuffer b = ByteBuffer.allocate(10);
        assertEquals(ParseStatus.TRUNCATED, options.parse(b, 4, 7));
        assertEquals(ParseStatus.TRUNCATED, options.parse(b, -1, 2));
        assertEquals(ParseStatus.TRUNCATED, options.parse(b, 0, -1));
        assertEquals(ParseStatus.OK, options.parse(b, 4, 6)); // six EOLs
    }

    @Test
    void writerEmitsEachOptionAndPads() {
        ByteBuffer b = Hex.junk(64);
        int p = 2;
        p += TcpOptionsWriter.writeMss(b, p, 1460);
        p += TcpOptionsWriter.writeWindowScale(b, p, 14);
        p += TcpOptionsWriter.writeNop(b, p);
        p += TcpOptionsWriter.writeSackPermitted(b, p);
        p += TcpOptionsWriter.writeTimestamps(b, p, 0xfffffffeL, 1);
        p += TcpOptionsWriter.writeSack(b, p, new long[] {1, 2, 0xffffffffL, 0}, 2);
        assertEquals(2 + 4 + 3 + 1 + 2 + 10 + 18, p);
        int pad = TcpOptionsWriter.padToWord(b, p, p - 2);
        assertEquals(2, pad);
        assertEquals("020405b4 03030e 01 0402 080afffffffe00000001 0512 00000001 00000002 ffffffff 00000000 0000"
                .replace(" ", ""), Hex.of(b, 2, p + pad - 2));
        assertEquals("a5", Hex.of(b, p + pad, 1));
        assertEquals(0, TcpOptionsWriter.padToWord(b, p, 40));
        assertEquals(3, TcpOptionsWriter.padToWord(b, p, 1));

        assertEquals(ParseStatus.OK, options.parse(b, 2, p + pad - 2));
        assertEquals(1460, options.mss());
        assertEquals(14, options.windowScale());
        assertTrue(options.sackPermitted());
        assertEquals(0xfffffffeL, options.tsVal());
        assertEquals(1, options.tsEcr());
        assertEquals(2, options.sackBlockCount());
        assertEquals(0xffffffffL, options.sackLeft(1));
    }

    @Test
    void valueEmitsTheLinuxLayout() {
        ByteBuffer b = ByteBuffer.allocate(40);
        // Established segment with SACK: NOP NOP TS, NOP NOP SACK.
        TcpOptionsValue ack = new TcpOptionsValue(-1, -1, false, List.of(new SackBlock(100, 200)), 5, 6);
        assertEquals(24, ack.emit(b, 0));
        assertEquals("0101080a0000000500000006 0101050a00000064000000c8".replace(" ", ""), Hex.of(b, 0, 24));
        // SYN without timestamps: MSS, NOP NOP SACK-permitted, NOP WS.
        TcpOptionsValue syn = new TcpOptionsValue(1460, 7, true, List.of(), -1, -1);
        assertEquals(12, syn.length());
        assertEquals(12, syn.emit(b, 0));
        assertEquals("020405b4 01010402 01030307".replace(" ", ""), Hex.of(b, 0, 12));
        assertEquals(0, TcpOptionsValue.NONE.emit(b, 0));
    }

    @Test
    void valueRejectsWhatCannotBeSent() {
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(0x10000, -1, false, List.of(), -1, -1));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(-2, -1, false, List.of(), -1, -1));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(-1, 256, false, List.of(), -1, -1));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(-1, -1, false, List.of(), 5, -1));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(-1, -1, false, List.of(), 1L << 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(-1, -1, false, null, -1, -1));
        List<SackBlock> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(new SackBlock(i, i + 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new TcpOptionsValue(-1, -1, false, five, -1, -1));
        // Timestamps and 3 SACK blocks take 12 + 28 = 40: fits; MSS on top does not.
        List<SackBlock> three = five.subList(0, 3);
        assertEquals(40, new TcpOptionsValue(-1, -1, false, three, 1, 2).length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TcpOptionsValue(536, -1, false, three, 1, 2));
        assertTrue(e.getMessage().contains("44"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SackBlock(-1, 0));
    }

    @Test
    void valueParseOfEmitIsIdentity() {
        Random random = new Random(7323);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocate(48);
        for (int i = 0; i < 5000; i++) {
            TcpOptionsValue v = headers.tcpOptions();
            int off = random.nextInt(8);
            int written = v.emit(b, off);
            assertEquals(v.length(), written);
            assertEquals(0, written % 4, v.toString());
            assertEquals(ParseStatus.OK, options.parse(b, off, written), v.toString());
            assertEquals(v, TcpOptionsValue.parse(options));
        }
    }
}
