package io.tapnet.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP options tapnet understands, as a validated value. {@link #emit} lays them out exactly as
 * Linux's {@code tcp_options_write} does (MSS; SACK-Permitted folded into the word before Timestamps,
 * or NOP NOP before Timestamps; NOP NOP SACK-Permitted when there are no timestamps; NOP Window Scale;
 * NOP NOP SACK), so every option is 4-byte aligned, no padding is ever needed, and captures look like
 * the kernel's.
 *
 * @param mss           maximum segment size 0..65535, or -1 if absent
 * @param windowScale   shift count 0..255 as sent (the TCP layer clamps to 14), or -1 if absent
 * @param sackPermitted SACK-Permitted present
 * @param sackBlocks    0..4 SACK blocks; copied
 * @param tsVal         timestamp value 0..2^32-1, or -1 if timestamps are absent
 * @param tsEcr         timestamp echo reply 0..2^32-1, or -1 if timestamps are absent
 */
public record TcpOptionsValue(int mss, int windowScale, boolean sackPermitted, List<SackBlock> sackBlocks,
                              long tsVal, long tsEcr) {
    /** Marks an absent option. */
    public static final int ABSENT = -1;
    /** No options at all. */
    public static final TcpOptionsValue NONE = new TcpOptionsValue(ABSENT, ABSENT, false, List.of(), ABSENT, ABSENT);

    private static final int WORD = 4;

    public TcpOptionsValue {
        Require.inRange("mss", mss, ABSENT, 0xffff);
        Require.inRange("windowScale", windowScale, ABSENT, 255);
        if (sackBlocks == null) {
            throw new IllegalArgumentException("sackBlocks is null; use List.of() for none");
        }
        sackBlocks = List.copyOf(sackBlocks);
        Require.inRange("number of SACK blocks", sackBlocks.size(), 0, TcpOptions.MAX_SACK_BLOCKS);
        Require.inRange("tsVal", tsVal, ABSENT, 0xffffffffL);
        Require.inRange("tsEcr", tsEcr, ABSENT, 0xffffffffL);
        if ((tsVal == ABSENT) != (tsEcr == ABSENT)) {
            throw new IllegalArgumentException("tsVal and tsEcr must be both present or both absent (-1)");
        }
        int length = layoutLength(mss, windowScale, sackPermitted, sackBlocks.size(), tsVal != ABSENT);
        if (length > TcpView.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("options need " + length + " bytes in the aligned layout; a TCP header has room for 40");
        }
    }

    /** The options of a Linux SYN: MSS, SACK-Permitted, Timestamps (TSecr 0) and Window Scale. */
    public static TcpOptionsValue syn(int mss, int windowScale, long tsVal) {
        return new TcpOptionsValue(mss, windowScale, true, List.of(), tsVal, 0);
    }

    public boolean hasTimestamps() {
        return tsVal != ABSENT;
    }

    /** Bytes {@link #emit} writes: always a multiple of 4. */
    public int length() {
        return layoutLength(mss, windowScale, sackPermitted, sackBlocks.size(), hasTimestamps());
    }

    private static int layoutLength(int mss, int windowScale, boolean sackPermitted, int sackBlocks, boolean timestamps) {
        int n = 0;
        if (mss != ABSENT) {
            n += WORD;
        }
        if (timestamps) {
            n += 3 * WORD; // 2 bytes of SACK-Permitted or NOP NOP, then 10 bytes of Timestamps
        } else if (sackPermitted) {
            n += WORD;
        }
        if (windowScale != ABSENT) {
            n += WORD;
        }
        if (sackBlocks > 0) {
            n += 2 + TcpOptions.LENGTH_SACK_BASE + TcpOptions.LENGTH_SACK_BLOCK * sackBlocks;
        }
        return n;
    }

    /** Writes the options at absolute index {@code off}; returns {@link #length()}. */
    public int emit(ByteBuffer b, int off) {
        int p = off;
        if (mss != ABSENT) {
            p += TcpOptionsWriter.writeMss(b, p, mss);
        }
        if (hasTimestamps()) {
            if (sackPermitted) {
                p += TcpOptionsWriter.writeSackPermitted(b, p);
            } else {
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeNop(b, p);
            }
            p += TcpOptionsWriter.writeTimestamps(b, p, tsVal, tsEcr);
        } else if (sackPermitted) {
            p += TcpOptionsWriter.writeNop(b, p);
            p += TcpOptionsWriter.writeNop(b, p);
            p += TcpOptionsWriter.writeSackPermitted(b, p);
        }
        if (windowScale != ABSENT) {
            p += TcpOptionsWriter.writeNop(b, p);
            p += TcpOptionsWriter.writeWindowScale(b, p, windowScale);
        }
        if (!sackBlocks.isEmpty()) {
            p += TcpOptionsWriter.writeNop(b, p);
            p += TcpOptionsWriter.writeNop(b, p);
            long[] edges = new long[2 * sackBlocks.size()];
            for (int k = 0; k < sackBlocks.size(); k++) {
                edges[2 * k] = sackBlocks.get(k).left();
                edges[2 * k + 1] = sackBlocks.get(k).right();
            }
            p += TcpOptionsWriter.writeSack(b, p, edges, sackBlocks.size());
        }
        return p - off;
    }

    /**
     * Reads options already parsed with status OK. Order, NOPs and unknown kinds are not kept.
     *
     * @throws IllegalArgumentException if they do not fit the aligned layout in 40 bytes (possible
     *     for a compactly packed header with 3 or more SACK blocks plus timestamps)
     */
    public static TcpOptionsValue parse(TcpOptions o) {
        List<SackBlock> blocks = new ArrayList<>(o.sackBlockCount());
        for (int i = 0; i < o.sackBlockCount(); i++) {
            blocks.add(new SackBlock(o.sackLeft(i), o.sackRight(i)));
        }
        return new TcpOptionsValue(o.mss(), o.windowScale(), o.sackPermitted(), blocks,
                o.hasTimestamps() ? o.tsVal() : ABSENT, o.hasTimestamps() ? o.tsEcr() : ABSENT);
    }
}
