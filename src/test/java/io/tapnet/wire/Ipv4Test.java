package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Ipv4Test {
    private static final int AT = Fixtures.IP_IN_FRAME;
    private static final int PACKET = 84;
    private static final Ipv4Header ECHO_HEADER = new Ipv4Header(0, 0, 84, 0x3c1d, Ipv4View.FLAG_DF, 0, 64,
            Ipv4View.PROTO_ICMP, Fixtures.HOST1_IP, Fixtures.HOST2_IP);

    private final Ipv4View view = new Ipv4View();

    private static ByteBuffer echoFrame() {
        return Hex.direct(Fixtures.ICMP_ECHO_REQUEST_FRAME, 0);
    }

    private static String fixtureHeader() {
        return Hex.normalize(Fixtures.ICMP_ECHO_REQUEST_FRAME).substring(2 * AT, 2 * (AT + 20));
    }

    @Test
    void readsFieldsFromTheFixture() {
        assertEquals(ParseStatus.OK, view.wrap(echoFrame(), AT, PACKET));
        assertEquals(4, view.version());
        assertEquals(5, view.ihl());
        assertEquals(20, view.headerLength());
        assertEquals(0, view.optionsLength());
        assertEquals(0, view.dscp());
        assertEquals(0, view.ecn());
        assertEquals(84, view.totalLength());
        assertEquals(0x3c1d, view.identification());
        assertEquals(Ipv4View.FLAG_DF, view.flags());
        assertTrue(view.dontFragment());
        assertFalse(view.moreFragments());
        assertEquals(0, view.fragmentOffset());
        assertFalse(view.isFragment());
        assertEquals(64, view.ttl());
        assertEquals(Ipv4View.PROTO_ICMP, view.protocol());
        assertEquals(0xea89, view.headerChecksum());
        assertEquals(Ipv4Address.parse("10.0.0.1"), view.source());
        assertEquals(Ipv4Address.parse("10.0.0.2"), view.destination());
        assertEquals(Fixtures.L4_IN_FRAME, view.payloadOffset());
        assertEquals(64, view.payloadLength());
        assertTrue(view.isChecksumValid());
    }

    @Test
    void writesFieldsWithSetters() {
        ByteBuffer b = Hex.junk(24);
        view.wrap(b, 2, 20);
        view.version(4);
        view.ihl(5);
        view.dscp(0);
        view.ecn(0);
        view.totalLength(84);
        view.identification(0x3c1d);
        view.flags(0);
        view.fragmentOffset(0);
        view.dontFragment(true);
        view.moreFragments(false);
        view.ttl(64);
        view.protocol(Ipv4View.PROTO_ICMP);
        view.source(Fixtures.HOST1_IP);
        view.destination(Fixtures.HOST2_IP);
        view.fillChecksum();
        assertEquals(fixtureHeader(), Hex.of(b, 2, 20));
        assertEquals("a5a5", Hex.of(b, 0, 2));
        assertEquals("a5a5", Hex.of(b, 22, 2));
        view.headerChecksum(0x1234);
        assertEquals("1234", Hex.of(b, 12, 2));
    }

    @Test
    void subByteSettersLeaveTheirNeighboursAlone() {
        ByteBuffer b = ByteBuffer.allocate(20);
        view.wrap(b, 0, 20);
        view.ihl(15);
        view.version(4);
        assertEquals(0x4f, b.get(0) & 0xff);
        view.dscp(46); // EF (RFC 3246)
        view.ecn(3);
        assertEquals(46, view.dscp());
        assertEquals(3, view.ecn());
        view.ecn(1);
        assertEquals(46, view.dscp());
        assertEquals((46 << 2) | 1, b.get(1) & 0xff);
        view.fragmentOffset(0x1fff);
        view.flags(Ipv4View.FLAG_RESERVED | Ipv4View.FLAG_MF);
        assertEquals(0x1fff, view.fragmentOffset());
        view.dontFragment(true);
        view.moreFragments(false);
        assertEquals(Ipv4View.FLAG_RESERVED | Ipv4View.FLAG_DF, view.flags());
        assertEquals(0x1fff, view.fragmentOffset());
        assertEquals("dfff", Hex.of(b, 6, 2));
        assertTrue(view.isFragment());
        view.fragmentOffset(0);
        assertFalse(view.isFragment());
        view.moreFragments(true);
        assertTrue(view.isFragment());
    }

    @Test
    void parsesIntoTheRecord() {
        view.wrap(echoFrame(), AT, PACKET);
        assertEquals(ECHO_HEADER, Ipv4Header.parse(view));
    }

    @Test
    void emitsTheFixtureBytes() {
        ByteBuffer b = Hex.junk(30);
        assertEquals(20, ECHO_HEADER.emit(b, 5));
        assertEquals(fixtureHeader(), Hex.of(b, 5, 20));
        assertEquals(ECHO_HEADER, Ipv4Header.of(Ipv4View.PROTO_ICMP, Fixtures.HOST1_IP, Fixtures.HOST2_IP, 64, 0x3c1d, 64));
    }

    @Test
    void parseOfEmitIsIdentity() {
        Random random = new Random(791);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocateDirect(8 + 65535);
        for (int i = 0; i < 5000; i++) {
            Ipv4Header h = headers.ipv4();
            int off = random.nextInt(8);
            assertEquals(20, h.emit(b, off));
            assertEquals(ParseStatus.OK, view.wrap(b, off, h.totalLength()), h.toString());
            assertEquals(h, Ipv4Header.parse(view));
        }
    }

    @Test
    void recordRejectsInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(64, 0, 20, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 4, 20, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 19, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 65536, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 20, 0x10000, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 20, 0, 8, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 20, 0, 0, 0x2000, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 20, 0, 0, 0, 256, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 0, 20, 0, 0, 0, 0, -1, 0, 0));
    }

    // --- wrap validation -------------------------------------------------------------------------

    @Test
    void versionOtherThanFourIsIllegal() {
        ByteBuffer b = echoFrame();
        b.put(AT, (byte) 0x65);
        assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, PACKET));
        view.fillChecksum(); // a correct checksum does not make version 6 acceptable
        assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, PACKET));
        assertEquals(6, view.version());
    }

    @Test
    void ihlBelowFiveIsIllegal() {
        for (int ihl = 0; ihl < 5; ihl++) {
            ByteBuffer b = echoFrame();
            b.put(AT, (byte) (0x40 | ihl));
            assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, PACKET), "IHL " + ihl);
            view.fillChecksum(); // sums only the IHL bytes the header claims, without throwing
        }
    }

    @Test
    void ihlReachingPastTheBufferIsTruncated() {
        ByteBuffer b = echoFrame();
        b.put(AT, (byte) 0x4f); // 60-byte header
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, 40));
        assertEquals(60, view.headerLength());
        view.fillChecksum(); // clamps to the 40 wrapped bytes
        assertEquals(0, view.payloadLength());
    }

    @Test
    void totalLengthLongerThanTheBufferIsTruncated() {
        ByteBuffer b = echoFrame();
        view.wrap(b, AT, PACKET);
        view.totalLength(85);
        view.fillChecksum();
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, PACKET));
        assertEquals(ParseStatus.OK, view.wrap(b, AT, PACKET + 1));
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, PACKET - 1));
    }

    @Test
    void totalLengthShorterThanTheHeaderIsIllegal() {
        ByteBuffer b = echoFrame();
        view.wrap(b, AT, PACKET);
        view.totalLength(19);
        view.fillChecksum();
        assertEquals(ParseStatus.ILLEGAL, view.wrap(b, AT, PACKET));
        assertEquals(0, view.payloadLength());
    }

    @Test
    void linkLayerPaddingAfterTotalLengthIsNotPayload() {
        // A 28-byte IPv4+ICMP packet in a minimum Ethernet frame arrives with 18 bytes of padding.
        ByteBuffer b = Hex.junk(46);
        Ipv4Header.of(Ipv4View.PROTO_ICMP, Fixtures.HOST1_IP, Fixtures.HOST2_IP, 8, 1, 64).emit(b, 0);
        assertEquals(ParseStatus.OK, view.wrap(b, 0, 46));
        assertEquals(8, view.payloadLength());
        assertEquals(20, view.payloadOffset());
    }

    @Test
    void badChecksumIsReported() {
        ByteBuffer b = echoFrame();
        b.put(AT + Ipv4View.HEADER_CHECKSUM_OFFSET + 1, (byte) 0x88);
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(b, AT, PACKET));
        assertFalse(view.isChecksumValid());
        b = echoFrame();
        b.put(AT + Ipv4View.SOURCE_OFFSET + 3, (byte) 9);
        assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(b, AT, PACKET));
        view.fillChecksum();
        assertEquals(ParseStatus.OK, view.wrap(b, AT, PACKET));
    }

    @Test
    void optionsAreSkippedWithIhlSixAndSeven() {
        // RFC 2113 Router Alert (94 04 0000), then for IHL 7 a word of NOP NOP NOP EOL.
        String[] options = {"94040000", "94040000 01010100"};
        for (String option : options) {
            int optionBytes = Hex.bytes(option).length;
            int headerLength = 20 + optionBytes;
            String icmp = Hex.normalize(Fixtures.ICMP_ECHO_REQUEST_FRAME).substring(2 * Fixtures.L4_IN_FRAME);
            ByteBuffer b = Hex.direct(fixtureHeader() + option + icmp, 3);
            view.wrap(b, 3, headerLength + 64);
            view.ihl(headerLength / 4);
            view.totalLength(headerLength + 64);
            view.fillChecksum();

            assertEquals(ParseStatus.OK, view.wrap(b, 3, headerLength + 64), option);
            assertEquals(headerLength, view.headerLength());
            assertEquals(optionBytes, view.optionsLength());
            assertEquals(3 + headerLength, view.payloadOffset());
            assertEquals(64, view.payloadLength());
            assertEquals(0x94, b.get(3 + Ipv4View.OPTIONS_OFFSET) & 0xff);

            IcmpView icmpView = new IcmpView();
            assertEquals(ParseStatus.OK, icmpView.wrap(b, view.payloadOffset(), view.payloadLength()));
            assertEquals(0x1c46, icmpView.identifier());

            b.put(3 + Ipv4View.OPTIONS_OFFSET + 2, (byte) 1); // options are covered by the checksum
            assertEquals(ParseStatus.BAD_CHECKSUM, view.wrap(b, 3, headerLength + 64));
        }
    }

    // --- decrementTtl -----------------------------------------------------------------------------

    @Test
    void decrementTtlOnTheFixture() {
        ByteBuffer b = echoFrame();
        view.wrap(b, AT, PACKET);
        assertEquals(63, view.decrementTtl());
        assertEquals(63, view.ttl());
        assertEquals(0xeb89, view.headerChecksum()); // one less 0x0100 in the sum
        assertEquals(ParseStatus.OK, view.wrap(b, AT, PACKET));
        assertEquals(Ipv4View.PROTO_ICMP, view.protocol());
    }

    @Test
    void decrementTtlMatchesFullRecomputation() {
        Random random = new Random(1812);
        RandomHeaders headers = new RandomHeaders(random);
        int[] edgeTtls = {1, 2, 127, 128, 129, 254, 255};
        ByteBuffer b = ByteBuffer.allocate(28);
        ByteBuffer expected = ByteBuffer.allocate(28);
        Ipv4View reference = new Ipv4View();
        for (int i = 0; i < 20000; i++) {
            int ihl = 5 + random.nextInt(3);
            Ipv4Header h = headers.ipv4();
            h.emit(b, 0);
            for (int k = 20; k < 4 * ihl; k++) {
                b.put(k, (byte) random.nextInt());
            }
            view.wrap(b, 0, 4 * ihl);
            view.ihl(ihl);
            int ttl = random.nextBoolean() ? edgeTtls[random.nextInt(edgeTtls.length)] : 1 + random.nextInt(255);
            view.ttl(ttl);
            view.fillChecksum();
            expected.put(0, b, 0, 28);

            assertEquals(ttl - 1, view.decrementTtl());

            reference.wrap(expected, 0, 4 * ihl);
            reference.ttl(ttl - 1);
            reference.fillChecksum();
            assertEquals(Hex.of(expected, 0, 4 * ihl), Hex.of(b, 0, 4 * ihl), h + " ttl " + ttl);
            assertTrue(view.isChecksumValid());
        }
    }

    @Test
    void decrementTtlFromAPositiveZeroChecksum() {
        Random random = new Random(0);
        for (int i = 0; i < 200; i++) {
            ByteBuffer b = randomHeaderWithSum(random, 0xffff); // stored checksum ~0xffff = 0x0000
            view.wrap(b, 0, 20);
            assertEquals(0x0000, view.headerChecksum());
            assertEquals(ParseStatus.OK, view.wrap(b, 0, 20));
            view.decrementTtl();
            assertEquals(recomputed(b), view.headerChecksum());
            assertTrue(view.isChecksumValid());
        }
    }

    @Test
    void decrementTtlToAPositiveZeroChecksumNeverGivesAllOnes() {
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            ByteBuffer b = randomHeaderWithSum(random, 0x0100); // after TTL-1 the sum is 0xffff
            view.wrap(b, 0, 20);
            assertEquals(0xfeff, view.headerChecksum());
            view.decrementTtl();
            assertEquals(0x0000, view.headerChecksum()); // RFC 1624 eqn. 3, not 0xffff as eqn. 2 would give
            assertEquals(0x0000, recomputed(b));
            assertEquals(ParseStatus.OK, view.wrap(b, 0, 20));
        }
    }

    @Test
    void decrementTtlFromANegativeZeroChecksum() {
        // 0xffff and 0x0000 are both zero in one's complement: a sender may store either.
        Random random = new Random(2);
        for (int i = 0; i < 200; i++) {
            ByteBuffer b = randomHeaderWithSum(random, 0xffff);
            view.wrap(b, 0, 20);
            view.headerChecksum(0xffff);
            assertEquals(ParseStatus.OK, view.wrap(b, 0, 20));
            view.decrementTtl();
            assertEquals(recomputed(b), view.headerChecksum());
            assertNotEquals(0xffff, view.headerChecksum());
            assertEquals(ParseStatus.OK, view.wrap(b, 0, 20));
        }
    }

    @Test
    void ttlOneReachesZeroAndZeroStaysZero() {
        ByteBuffer b = echoFrame();
        view.wrap(b, AT, PACKET);
        view.ttl(1);
        view.fillChecksum();
        assertEquals(0, view.decrementTtl());
        assertEquals(ParseStatus.OK, view.wrap(b, AT, PACKET));
        String before = Hex.of(b, AT, 20);
        assertEquals(-1, view.decrementTtl());
        assertEquals(before, Hex.of(b, AT, 20)); // no wrap to 255
    }

    /**
     * A random header (TTL at least 2) whose words other than the checksum fold to {@code targetSum},
     * reached by choosing the identification, with the matching checksum stored.
     */
    private ByteBuffer randomHeaderWithSum(Random random, int targetSum) {
        ByteBuffer b = ByteBuffer.allocate(20);
        Ipv4Header h = new RandomHeaders(random).ipv4();
        new Ipv4Header(h.dscp(), h.ecn(), 20, 0, h.flags(), h.fragmentOffset(), 2 + random.nextInt(254),
                h.protocol(), h.source(), h.destination()).emit(b, 0);
        b.putShort(Ipv4View.HEADER_CHECKSUM_OFFSET, (short) 0);
        int sum = ~InternetChecksum.compute(b, 0, 20) & 0xffff; // in 1..0xffff
        int id = Math.floorMod(targetSum - sum, 0xffff);
        b.putShort(Ipv4View.IDENTIFICATION_OFFSET, (short) id);
        assertEquals(targetSum, ~InternetChecksum.compute(b, 0, 20) & 0xffff);
        b.putShort(Ipv4View.HEADER_CHECKSUM_OFFSET, (short) InternetChecksum.compute(b, 0, 20));
        return b;
    }

    private static int recomputed(ByteBuffer header) {
        ByteBuffer copy = ByteBuffer.allocate(20).put(0, header, 0, 20);
        copy.putShort(Ipv4View.HEADER_CHECKSUM_OFFSET, (short) 0);
        return InternetChecksum.compute(copy, 0, 20);
    }
}
