package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * Writes single TCP options at an absolute index; each method returns the bytes it wrote so calls
 * chain as {@code p += writeMss(b, p, 1460)}. Alignment is the caller's choice: add NOPs before
 * 4-byte-aligned fields and finish with {@link #padToWord} so Data Offset covers the options.
 */
public final class TcpOptionsWriter {
    private TcpOptionsWriter() {
    }

    /** RFC 9293 §3.2 No-Operation; returns 1. */
    public static int writeNop(ByteBuffer b, int off) {
        b.put(off, (byte) TcpOptions.KIND_NOP);
        return 1;
    }

    /** RFC 9293 §3.2 Maximum Segment Size; returns 4. */
    public static int writeMss(ByteBuffer b, int off, int mss) {
        b.put(off, (byte) TcpOptions.KIND_MSS);
        b.put(off + 1, (byte) TcpOptions.LENGTH_MSS);
        b.putShort(off + 2, (short) mss);
        return TcpOptions.LENGTH_MSS;
    }

    /** RFC 7323 §2.2 Window Scale; returns 3. */
    public static int writeWindowScale(ByteBuffer b, int off, int shift) {
        b.put(off, (byte) TcpOptions.KIND_WINDOW_SCALE);
        b.put(off + 1, (byte) TcpOptions.LENGTH_WINDOW_SCALE);
        b.put(off + 2, (byte) shift);
        return TcpOptions.LENGTH_WINDOW_SCALE;
    }

    /** RFC 2018 §2 SACK-Permitted; returns 2. */
    public static int writeSackPermitted(ByteBuffer b, int off) {
        b.put(off, (byte) TcpOptions.KIND_SACK_PERMITTED);
        b.put(off + 1, (byte) TcpOptions.LENGTH_SACK_PERMITTED);
        return TcpOptions.LENGTH_SACK_PERMITTED;
    }

    /**
     * RFC 2018 §3 SACK with {@code blockCount} blocks taken from {@code edges} as
     * {@code left0, right0, left1, right1, ...} (a caller-owned, reusable array); returns 2 + 8n.
     */
    public static int writeSack(ByteBuffer b, int off, long[] edges, int blockCount) {
        int length = TcpOptions.LENGTH_SACK_BASE + TcpOptions.LENGTH_SACK_BLOCK * blockCount;
        b.put(off, (byte) TcpOptions.KIND_SACK);
        b.put(off + 1, (byte) length);
        for (int k = 0; k < 2 * blockCount; k++) {
            b.putInt(off + TcpOptions.LENGTH_SACK_BASE + 4 * k, (int) edges[k]);
        }
        return length;
    }

    /** RFC 7323 §3.2 Timestamps; returns 10. */
    public static int writeTimestamps(ByteBuffer b, int off, long tsVal, long tsEcr) {
        b.put(off, (byte) TcpOptions.KIND_TIMESTAMPS);
        b.put(off + 1, (byte) TcpOptions.LENGTH_TIMESTAMPS);
        b.putInt(off + 2, (int) tsVal);
        b.putInt(off + 6, (int) tsEcr);
        return TcpOptions.LENGTH_TIMESTAMPS;
    }

    /**
     * Ends an options area of {@code optionsLength} bytes so far (its last byte at {@code off - 1}) with
     * EOL and zero padding up to a multiple of 4 (RFC 9293 §3.2: "the header padding is composed of
     * zeros"); returns the bytes written, 0 if already aligned.
     */
    public static int padToWord(ByteBuffer b, int off, int optionsLength) {
        int pad = (4 - (optionsLength & 3)) & 3;
        for (int k = 0; k < pad; k++) {
            b.put(off + k, (byte) TcpOptions.KIND_EOL);
        }
        return pad;
    }
}
