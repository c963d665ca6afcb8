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
 */
final class ByteRing {
    private static final int INITIAL = 4096;

    private final int limit;
    private byte[] bytes;
    private ByteBuffer view;
    private long base;
    /** One past the highest offset ever written; bytes in [base, high) are kept on growth. */
    private long high;

    /** A ring that may hold up to {@code limit} bytes between {@link #base()} and its furthest write. */
    ByteRing(int limit) {
        this.limit = limit;
        int initial = Math.min(INITIAL, Integer.highestOneBit(Math.max(1, limit - 1)) << 1);
        bytes = new byte[initial];
        view = ByteBuffer.wrap(bytes);
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

    private void ensure(long end) {
        long span = end - base;
        if (span > limit) {
            throw new IllegalStateException("ring span " + span + " exceeds " + limit);
        }
        if (span <= bytes.length) {
            return;
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
        bytes = grown;
        view = ByteBuffer.wrap(bytes);
    }

    /** Copies {@code len} bytes from absolute index {@code srcIndex} of {@code src} to offset {@code at}. */
    void write(long at, ByteBuffer src, int srcIndex, int len) {
        ensure(at + len);
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

    /** Copies {@code len} bytes at offset {@code at} into {@code dst} at absolute index {@code dstIndex}. */
    void read(long at, ByteBuffer dst, int dstIndex, int len) {
        int mask = bytes.length - 1;
        int done = 0;
        while (done < len) {
            int i = (int) ((at + done) & mask);
            int run = Math.min(len - done, bytes.length - i);
            dst.put(dstIndex + done, view, i, run);
            done += run;
        }
    }
}
