package io.tapnet.transport.tcp;

import java.nio.ByteBuffer;

/**
 * A byte ring addressed by 64-bit stream offsets: the send buffer (from SND.UNA to the last byte the
 * application wrote) and the receive buffer (from the first unread byte to the right edge of the
 * window, out-of-order data included) are both one of these. Bytes at offset {@code o} live at
 * index {@code o & (capacity - 1)}, so data written out of order lands where it belongs and
 * reassembly never moves bytes.
 *
 * <p>The array starts small and doubles as the span in use grows, up to the configured limit, so
 * that thousands of idle connections cost little memory. Nothing is allocated once it has grown.
 *
 * <p>One thread writes (and so grows) the ring; one other thread may read bytes the writer has
 * published to it through a volatile of its own (the send buffer's end, RCV.NXT), while the writer
 * goes on writing beyond them. That is safe because growth copies into a new array and never
 * touches the old one again, and the writer never overwrites an offset below {@link #base()},
 * which the writer only advances past bytes the reader has finished with. Readers take the array
 * once per copy ({@link #bytes} is volatile) so index and mask always agree.
 */
final class ByteRing {
    private static final int INITIAL = 4096;

    private final int limit;
    private volatile byte[] bytes;
    private long base;
    /** One past the highest offset ever written; bytes in [base, high) are kept on growth. */
    private long high;

    /** A ring that may hold up to {@code limit} bytes between {@link #base()} and its furthest write. */
    ByteRing(int limit) {
        this.limit = limit;
        int initial = Math.min(INITIAL, Integer.highestOneBit(Math.max(1, limit - 1)) << 1);
        bytes = new byte[initial];
    }

    int limit() {
        return limit;
    }

    /** The lowest offset held. */
    long base() {
        return base;
    }

    /** Forgets the bytes below {@code offset}. */
    void advanceBase(long offset) {
        if (offset > base) {
            base = offset;
            if (high < base) {
                high = base;
            }
        }
    }

    /** Moves an empty ring to start at {@code offset}. */
    void reset(long offset) {
        base = offset;
        high = offset;
    }

    /** Grows (on the writer's thread) so that [base, end) fits; returns the array to write into. */
    private byte[] ensure(long end) {
        byte[] bytes = this.bytes;
        long span = end - base;
        if (span > limit) {
            throw new IllegalStateException("ring span " + span + " exceeds " + limit);
        }
        if (span <= bytes.length) {
            return bytes;
        }
        int n = bytes.length;
        while (n < span) {
            n <<= 1;
        }
        byte[] grown = new byte[n];
        for (long o = base; o < high; ) {
            int from = (int) (o & (bytes.length - 1));
            int run = (int) Math.min(high - o, bytes.length - from);
            int to = (int) (o & (n - 1));
            int run2 = Math.min(run, n - to);
            System.arraycopy(bytes, from, grown, to, run2);
            o += run2;
        }
        this.bytes = grown;
        return grown;
    }

    /** Copies {@code len} bytes from absolute index {@code srcIndex} of {@code src} to offset {@code at}. */
    void write(long at, ByteBuffer src, int srcIndex, int len) {
        byte[] bytes = ensure(at + len);
        int mask = bytes.length - 1;
        int done = 0;
        while (done < len) {
            int i = (int) ((at + done) & mask);
            int run = Math.min(len - done, bytes.length - i);
            src.get(srcIndex + done, bytes, i, run);
            done += run;
        }
        if (at + len > high) {
            high = at + len;
        }
    }

    /** Copies {@code len} bytes from {@code src} at {@code srcIndex} to offset {@code at}. */
    void write(long at, byte[] src, int srcIndex, int len) {
        byte[] bytes = ensure(at + len);
        int mask = bytes.length - 1;
        int done = 0;
        while (done < len) {
            int i = (int) ((at + done) & mask);
            int run = Math.min(len - done, bytes.length - i);
            System.arraycopy(src, srcIndex + done, bytes, i, run);
            done += run;
        }
        if (at + len > high) {
            high = at + len;
        }
    }

    /** Copies {@code len} bytes at offset {@code at} into {@code dst} at absolute index {@code dstIndex}. */
    void read(long at, ByteBuffer dst, int dstIndex, int len) {
        byte[] bytes = this.bytes;
        int mask = bytes.length - 1;
        int done = 0;
        while (done < len) {
            int i = (int) ((at + done) & mask);
            int run = Math.min(len - done, bytes.length - i);
            dst.put(dstIndex + done, bytes, i, run);
            done += run;
        }
    }

    /** Copies {@code len} bytes at offset {@code at} into {@code dst} at {@code dstIndex}. */
    void read(long at, byte[] dst, int dstIndex, int len) {
        byte[] bytes = this.bytes;
        int mask = bytes.length - 1;
        int done = 0;
        while (done < len) {
            int i = (int) ((at + done) & mask);
            int run = Math.min(len - done, bytes.length - i);
            System.arraycopy(bytes, i, dst, dstIndex + done, run);
            done += run;
        }
    }
}
