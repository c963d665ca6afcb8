package io.tapnet.transport.tcp;

/**
 * Arithmetic on 32-bit TCP sequence numbers, which wrap (RFC 9293 3.4: "all arithmetic dealing with
 * sequence numbers must be performed modulo 2**32"). Values are carried in the low 32 bits of a
 * {@code long}; comparisons are the serial-number kind (RFC 1982), valid for values less than 2^31
 * apart.
 *
 * <p>Inside a connection, the sender and receiver keep 64-bit stream offsets that never wrap and
 * convert to and from 32-bit sequence numbers only at the wire (as gVisor and Linux keep
 * {@code seqnum.Value}/{@code u32} but compare with {@code before()}/{@code after()}): these helpers
 * are that boundary.
 */
public final class SeqNum {
    private static final long MASK = 0xffff_ffffL;

    private SeqNum() {
    }

    /** {@code a + n} modulo 2^32. */
    public static long add(long a, long n) {
        return (a + n) & MASK;
    }

    /** The signed distance {@code b - a}: positive when {@code b} is after {@code a}. */
    public static int diff(long a, long b) {
        return (int) (b - a);
    }

    /** {@code a < b} in sequence space. */
    public static boolean lt(long a, long b) {
        return (int) (a - b) < 0;
    }

    /** {@code a <= b} in sequence space. */
    public static boolean le(long a, long b) {
        return (int) (a - b) <= 0;
    }

    /** {@code a > b} in sequence space. */
    public static boolean gt(long a, long b) {
        return (int) (a - b) > 0;
    }

    /** {@code a >= b} in sequence space. */
    public static boolean ge(long a, long b) {
        return (int) (a - b) >= 0;
    }

    /** {@code low <= s < high}, the half-open window test RFC 9293 3.4 uses throughout. */
    public static boolean inWindow(long s, long low, long high) {
        return le(low, s) && lt(s, high);
    }

    /** {@code low <= s <= high}. */
    public static boolean between(long s, long low, long high) {
        return le(low, s) && le(s, high);
    }

    /**
     * The 64-bit stream offset of sequence number {@code seq}, given that sequence number
     * {@code refSeq} is at offset {@code refOffset} and {@code seq} lies within 2^31 of it.
     */
    public static long toOffset(long seq, long refSeq, long refOffset) {
        return refOffset + diff(refSeq, seq);
    }
}
