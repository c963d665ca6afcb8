package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    /** Byte-at-a-time 16-bit reference straight from RFC 1071 §4.1, independent of the 32-bit loop. */
    static int reference(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = data[off + i] & 0xff;
            int lo = i + 1 < len ? data[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 have the one's complement sum 0xddf2.
        ByteBuffer b = Hex.direct("0001f203f4f5f6f7", 3);
        assertEquals(0xddf2, ~InternetChecksum.compute(b, 3, 8) & 0xffff);
        assertEquals(0x220d, InternetChecksum.compute(b, 3, 8));
    }

    @Test
    void oddLengthPadsTheLastByteAsHighOrder() {
        assertEquals(~0x1200 & 0xffff, InternetChecksum.compute(Hex.direct("12", 1), 1, 1));
        assertEquals(~(0x1234 + 0x5600) & 0xffff, InternetChecksum.compute(Hex.direct("123456", 0), 0, 3));
        assertEquals(~(0x02ac + 0x1) & 0xffff, // 0x1234 + 0x5678 + 0x9a00 = 0x102ac, carry folded back
                 InternetChecksum.compute(Hex.direct("123456789a", 5), 5, 5));
    }

    @Test
    void everyLengthAndAlignmentMatchesTheReference() {
        Random random = new Random(1071);
        for (int iteration = 0; iteration < 3000; iteration++) {
            int len = random.nextInt(130);
            int off = random.nextInt(7);
            byte[] data = new byte[off + len + 5];
            random.nextBytes(data);
            ByteBuffer b = random.nextBoolean() ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(data.length).put(0, data);
            assertEquals(reference(data, off, len), InternetChecksum.compute(b, off, len), "len " + len + " off " + off);
        }
    }

    @Test
    void emptyRegionSumsToZeroAndChecksumsToAllOnes() {
        ByteBuffer b = ByteBuffer.allocate(4);
        assertEquals(0, InternetChecksum.sum(b, 0, 0, 0));
        assertEquals(0xffff, InternetChecksum.compute(b, 0, 0));
        assertEquals(0x1234, InternetChecksum.sum(b, 2, 0, 0x1234));
    }

    @Test
    void largeAllOnesBufferDoesNotOverflow() {
        byte[] data = new byte[65536 + 1];
        java.util.Arrays.fill(data, (byte) 0xff);
        ByteBuffer b = ByteBuffer.wrap(data);
        assertEquals(reference(data, 0, data.length), InternetChecksum.compute(b, 0, data.length));
    }

    @Test
    void initialSumNearTwoToTheThirtyTwoStillFolds() {
        byte[] data = new byte[1000];
        new Random(32).nextBytes(data);
        ByteBuffer b = ByteBuffer.wrap(data);
        int initial = 0xfffffff0;
        // 2^32 is congruent to 1 modulo 0xffff, so the expected value folds initial's halves by hand.
        long expected = (InternetChecksum.sum(b, 0, data.length, 0) & 0xffffffffL) + 0xffff + 0xfff0;
        assertEquals(InternetChecksum.fold((int) (expected % 0xffff == 0 ? 0xffff : expected % 0xffff)),
                InternetChecksum.fold(InternetChecksum.sum(b, 0, data.length, initial)));
    }

    @Test
    void piecesChainThroughTheInitialSum() {
        Random random = new Random(7);
        for (int iteration = 0; iteration < 1000; iteration++) {
            byte[] data = new byte[2 + random.nextInt(100)];
            random.nextBytes(data);
            ByteBuffer b = ByteBuffer.wrap(data);
            int split = 2 * random.nextInt(data.length / 2 + 1);
            int first = InternetChecksum.sum(b, 0, split, 0);
            int both = InternetChecksum.sum(b, split, data.length - split, first);
            assertEquals(reference(data, 0, data.length), InternetChecksum.fold(both));
        }
    }

    @Test
    void foldHandlesUnsignedThirtyTwoBitSums() {
        assertEquals(0xffff, InternetChecksum.fold(0));
        assertEquals(0x0000, InternetChecksum.fold(0xffff));
        assertEquals(0x0000, InternetChecksum.fold(0xffffffff)); // 0xffff + 0xffff -> 0x1fffe -> 0xffff
        assertEquals(~(0x0001 + 0x8000) & 0xffff, InternetChecksum.fold(0x80000001)); // reads negative as int
        assertEquals(0xfffe, InternetChecksum.fold(0x10000)); // carry folds back in: 0x0001
    }

    @Test
    void pseudoHeaderSumEqualsSummingTheTwelveBytePseudoHeader() {
        Random random = new Random(768);
        for (int iteration = 0; iteration < 1000; iteration++) {
            int src = random.nextInt();
            int dst = random.nextInt();
            int proto = random.nextInt(256);
            int length = random.nextInt(65536);
            ByteBuffer pseudo = ByteBuffer.allocate(12).putInt(0, src).putInt(4, dst).putShort(8, (short) proto)
                    .putShort(10, (short) length);
            assertEquals(InternetChecksum.compute(pseudo, 0, 12),
                    InternetChecksum.fold(InternetChecksum.pseudoHeaderSum(src, dst, proto, length)));
        }
    }

    @Test
    void rfc1624ExampleGivesPositiveZero() {
        // RFC 1624 §4: HC 0xdd2f, m 0x5555 -> m' 0x3285. Eqn. 2 would give 0xffff; eqn. 3 gives 0x0000.
        assertEquals(0x0000, InternetChecksum.incrementalUpdate(0xdd2f, 0x5555, 0x3285));
    }

    @Test
    void incrementalUpdateAgreesWithFullRecomputation() {
        Random random = new Random(1624);
        for (int iteration = 0; iteration < 20000; iteration++) {
            int words = 2 + random.nextInt(30);
            ByteBuffer b = ByteBuffer.allocate(2 * words);
            for (int i = 0; i < words; i++) {
                b.putShort(2 * i, (short) (random.nextInt(8) == 0 ? pick(random) : random.nextInt()));
            }
            b.putShort(0, (short) 0);
            b.putShort(2, (short) (b.getShort(2) | 1)); // never all zeros: that is the one degenerate case
            b.putShort(0, (short) InternetChecksum.compute(b, 0, b.capacity()));
            int at = 2 + 2 * random.nextInt(words - 1);
            int oldWord = b.getShort(at) & 0xffff;
            int newWord = at == 2 ? pick(random) | 1 : pick(random);
            int incremental = InternetChecksum.incrementalUpdate(b.getShort(0) & 0xffff, oldWord, newWord);
            b.putShort(at, (short) newWord);
            b.putShort(0, (short) 0);
            int full = InternetChecksum.compute(b, 0, b.capacity());
            assertEquals(full, incremental, "word " + at + " 0x" + Integer.toHexString(oldWord) + " -> 0x"
                    + Integer.toHexString(newWord));
            assertNotEquals(0xffff, incremental);
        }
    }

    private static int pick(Random random) {
        int[] edges = {0x0000, 0x0001, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff};
        return random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextInt(0x10000);
    }

    @Test
    void fixtureHeaderVerifiesAsZero() {
        ByteBuffer frame = Hex.direct(Fixtures.ICMP_ECHO_REQUEST_FRAME, 0);
        assertEquals(0, InternetChecksum.compute(frame, Fixtures.IP_IN_FRAME, 20));
        assertEquals(0, InternetChecksum.compute(frame, Fixtures.L4_IN_FRAME, 64));
        frame.put(Fixtures.IP_IN_FRAME + 8, (byte) 63);
        assertNotEquals(0, InternetChecksum.compute(frame, Fixtures.IP_IN_FRAME, 20));
    }
}
