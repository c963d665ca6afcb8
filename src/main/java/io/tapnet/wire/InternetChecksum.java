package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the
 * data taken as big-endian 16-bit words. Used by IPv4, ICMP, UDP and TCP.
 *
 * <p>The running sum is kept in 32 bits so that pieces (pseudo-header, header, payload) can be summed
 * separately and folded once at the end. Every piece but the last must have an even length, because an
 * odd trailing byte is padded with zero as the high byte of a final word (RFC 1071 §1).
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * One's complement running sum of {@code len} bytes from absolute index {@code off}, added to
     * {@code initial}. The result is an unsigned 32-bit value (it may read as a negative int); carries
     * out of bit 31 are added back in, which keeps the value congruent modulo 0xffff and so equivalent
     * for {@link #fold}.
     */
    public static int sum(ByteBuffer b, int off, int len, int initial) {
        long acc = initial & 0xffffffffL;
        int i = off;
        int end = off + len;
        // 64-bit reads added as two 32-bit words: the one's complement sum is independent of word
        // width (RFC 1071 §2(C)), and a long accumulator gains at most 2^33 per step, so it cannot
        // overflow for any buffer a ByteBuffer can hold.
        for (; i <= end - 8; i += 8) {
            long v = b.getLong(i);
            acc += (v >>> 32) + (v & 0xffffffffL);
        }
        if (i <= end - 4) {
            acc += b.getInt(i) & 0xffffffffL;
            i += 4;
        }
        if (i <= end - 2) {
            acc += b.getShort(i) & 0xffff;
            i += 2;
        }
        if (i < end) {
            acc += (b.get(i) & 0xff) << 8;
        }
        acc = (acc & 0xffffffffL) + (acc >>> 32);
        acc = (acc & 0xffffffffL) + (acc >>> 32);
        return (int) acc;
    }

    /** Folds a running sum to 16 bits and complements it: the value to store in a checksum field. */
    public static int fold(int sum) {
        long s = sum & 0xffffffffL;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }

    /** {@code fold(sum(b, off, len, 0))}. Over a region whose checksum field is correct this is 0. */
    public static int compute(ByteBuffer b, int off, int len) {
        return fold(sum(b, off, len, 0));
    }

    /**
     * Running sum of the IPv4 pseudo-header used by UDP (RFC 768) and TCP (RFC 9293 §3.1): source,
     * destination, zero byte + protocol, and the transport length.
     */
    public static int pseudoHeaderSum(int source, int destination, int protocol, int length) {
        return (source >>> 16) + (source & 0xffff)
                + (destination >>> 16) + (destination & 0xffff)
                + (protocol & 0xff) + (length & 0xffff);
    }

    /**
     * Checksum after one 16-bit word changed from {@code oldWord} to {@code newWord}, by RFC 1624 §3
     * eqn. 3: {@code HC' = ~(~HC + ~m + m')}. Unlike eqn. 2 it never yields 0xffff from a header that
     * is not all zeros, so it agrees with a full recomputation.
     */
    public static int incrementalUpdate(int oldChecksum, int oldWord, int newWord) {
        int s = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return ~s & 0xffff;
    }
}
