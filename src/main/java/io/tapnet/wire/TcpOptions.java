package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * Reusable parser for the TCP options area (RFC 9293 §3.2). One instance per user; {@link #parse}
 * overwrites every field and allocates nothing. Kinds it does not know are skipped by their length,
 * as RFC 9293 §3.2 requires ("must be prepared to handle an illegal option length"), and kept out of
 * the way; a malformed length stops parsing with {@link ParseStatus#ILLEGAL}.
 *
 * <p>Values are kept as they came on the wire: a window scale above 14 is reported as sent, and the
 * TCP layer applies RFC 7323 §2.3's clamp.
 */
public final class TcpOptions {
    /** RFC 9293 §3.2: End of Option List. */
    public static final int KIND_EOL = 0;
    /** RFC 9293 §3.2: No-Operation, used to align later options. */
    public static final int KIND_NOP = 1;
    /** RFC 9293 §3.2: Maximum Segment Size. */
    public static final int KIND_MSS = 2;
    /** RFC 7323 §2.2: Window Scale. */
    public static final int KIND_WINDOW_SCALE = 3;
    /** RFC 2018 §2: SACK-Permitted. */
    public static final int KIND_SACK_PERMITTED = 4;
    /** RFC 2018 §3: SACK. */
    public static final int KIND_SACK = 5;
    /** RFC 7323 §3.2: Timestamps. */
    public static final int KIND_TIMESTAMPS = 8;

    /** RFC 9293 §3.2: kind, length, 16-bit MSS. */
    public static final int LENGTH_MSS = 4;
    /** RFC 7323 §2.2: kind, length, shift count. */
    public static final int LENGTH_WINDOW_SCALE = 3;
    /** RFC 2018 §2: kind, length. */
    public static final int LENGTH_SACK_PERMITTED = 2;
    /** RFC 2018 §3: kind and length before the blocks. */
    public static final int LENGTH_SACK_BASE = 2;
    /** RFC 2018 §3: left and right edge, 32 bits each. */
    public static final int LENGTH_SACK_BLOCK = 8;
    /** RFC 7323 §3.2: kind, length, TSval, TSecr. */
    public static final int LENGTH_TIMESTAMPS = 10;
    /** RFC 2018 §3: 40 option bytes hold at most 4 blocks. */
    public static final int MAX_SACK_BLOCKS = 4;

    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private int sackBlockCount;
    private final long[] sackEdges = new long[2 * MAX_SACK_BLOCKS];
    private boolean timestamps;
    private long tsVal;
    private long tsEcr;

    public TcpOptions() {
        clear();
    }

    private void clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        sackBlockCount = 0;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
    }

    /**
     * Parses {@code len} option bytes at absolute index {@code off}. Fields found before an error keep
     * their values; trust them only after {@link ParseStatus#OK}.
     *
     * @return {@link ParseStatus#OK}; {@link ParseStatus#TRUNCATED} if the range is not inside the
     *     buffer; {@link ParseStatus#ILLEGAL} for an option whose length is missing, below 2, past the
     *     end, or wrong for its kind
     */
    public int parse(ByteBuffer b, int off, int len) {
        clear();
        if (off < 0 || len < 0 || off > b.limit() - len) {
            return ParseStatus.TRUNCATED;
        }
        int end = off + len;
        int i = off;
        while (i < end) {
            int kind = b.get(i) & 0xff;
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return ParseStatus.ILLEGAL;
            }
            int optionLength = b.get(i + 1) & 0xff;
            if (optionLength < 2 || optionLength > end - i) {
                return ParseStatus.ILLEGAL;
            }
            if (!read(b, i, kind, optionLength)) {
                return ParseStatus.ILLEGAL;
            }
            i += optionLength;
        }
        return ParseStatus.OK;
    }

    /** Stores one option whose bytes are known to be in range; false if its length is wrong for the kind. */
    private boolean read(ByteBuffer b, int at, int kind, int optionLength) {
        switch (kind) {
            case KIND_MSS -> {
                if (optionLength != LENGTH_MSS) {
                    return false;
                }
                mss = b.getShort(at + 2) & 0xffff;
            }
            case KIND_WINDOW_SCALE -> {
                if (optionLength != LENGTH_WINDOW_SCALE) {
                    return false;
                }
                windowScale = b.get(at + 2) & 0xff;
            }
            case KIND_SACK_PERMITTED -> {
                if (optionLength != LENGTH_SACK_PERMITTED) {
                    return false;
                }
                sackPermitted = true;
            }
            case KIND_SACK -> {
                int blocks = (optionLength - LENGTH_SACK_BASE) / LENGTH_SACK_BLOCK;
                if ((optionLength - LENGTH_SACK_BASE) % LENGTH_SACK_BLOCK != 0 || blocks < 1 || blocks > MAX_SACK_BLOCKS) {
                    return false;
                }
                for (int k = 0; k < 2 * blocks; k++) {
                    sackEdges[k] = b.getInt(at + LENGTH_SACK_BASE + 4 * k) & 0xffffffffL;
                }
                sackBlockCount = blocks;
            }
            case KIND_TIMESTAMPS -> {
                if (optionLength != LENGTH_TIMESTAMPS) {
                    return false;
                }
                timestamps = true;
                tsVal = b.getInt(at + 2) & 0xffffffffL;
                tsEcr = b.getInt(at + 6) & 0xffffffffL;
            }
            default -> {
                // Unknown kind: its length already checked out, so skipping it is safe.
            }
        }
        return true;
    }

    /** Maximum segment size, or -1 if absent. */
    public int mss() {
        return mss;
    }

    /** Window scale shift count as sent, or -1 if absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** Number of SACK blocks (0..4). */
    public int sackBlockCount() {
        return sackBlockCount;
    }

    /** Left edge of SACK block {@code i} (first sequence number covered). */
    public long sackLeft(int i) {
        return sackEdges[2 * checkBlock(i)];
    }

    /** Right edge of SACK block {@code i} (sequence number just after the block). */
    public long sackRight(int i) {
        return sackEdges[2 * checkBlock(i) + 1];
    }

    private int checkBlock(int i) {
        if (i < 0 || i >= sackBlockCount) {
            throw new IndexOutOfBoundsException("SACK block " + i + " of " + sackBlockCount);
        }
        return i;
    }

    public boolean hasTimestamps() {
        return timestamps;
    }

    /** Timestamp value; 0 when absent (check {@link #hasTimestamps()}). */
    public long tsVal() {
        return tsVal;
    }

    /** Timestamp echo reply; 0 when absent (check {@link #hasTimestamps()}). */
    public long tsEcr() {
        return tsEcr;
    }
}
