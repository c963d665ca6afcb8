package io.tapnet.transport.tcp;

import java.nio.ByteBuffer;

/**
 * The receiving half of a connection: RCV.NXT, the receive buffer with out-of-order reassembly, the
 * advertised window with scaling and silly-window avoidance, SACK blocks to report, and the
 * delayed-ACK decision.
 *
 * <p>Offsets: byte {@code 0} of the stream is sequence number IRS+1; a FIN takes the offset after
 * the last byte. Out-of-order data is written straight into the {@link ByteRing} at its offset and
 * only the received ranges are remembered, so reassembly costs no memory beyond the buffer whose
 * free part is the advertised window (RFC 9293 3.10.7.4 "segments with higher beginning sequence
 * numbers may be held"). The number of ranges is bounded; a segment that would need one more is
 * dropped and left to retransmission.
 *
 * <p>The receive buffer is read by an application thread while the loop goes on filling it: the
 * loop publishes how far the bytes are readable ({@link #readableEnd}, and the FIN's offset once it
 * is in order), the reader copies and publishes how far it has read ({@link #consumed}), and the loop
 * frees the buffer (and opens the window) up to there (see {@link ByteRing}).
 */
final class TcpReceiver {
    /** Out-of-order ranges kept at most (Linux's out-of-order queue is also bounded by memory). */
    static final int MAX_RANGES = 64;

    private final ByteRing ring;
    private final int limit;

    long irs;
    /** RCV.NXT as an offset. */
    long nxt;
    /** Next byte the application reads; written by the reading thread, read by the loop. */
    private volatile long consumed;
    /** One past the last byte the application may read; written by the loop. */
    private volatile long readableEnd;
    /** The FIN's offset once every byte before it has arrived, else -1; written by the loop. */
    private volatile long eofAt = -1;
    /** {@link #advertisedRight} as last published for readers deciding whether to ask for an update. */
    private volatile long publishedRight;
    /** Offset of the peer's FIN once seen (possibly out of order), else -1. */
    long finOffset = -1;
    boolean finReceived;

    /** RFC 7323 2.3: our shift, announced in our SYN. */
    int shift;
    /** Right edge of the window last advertised (an offset); never moves left (RFC 9293 3.8.6.2.2). */
    long advertisedRight;
    /** Estimate of the peer's segment size (largest seen), for ACK pacing and SWS avoidance. */
    int peerMss = 536;

    private final long[] rangeStart = new long[MAX_RANGES];
    private final long[] rangeEnd = new long[MAX_RANGES];
    private final long[] rangeStamp = new long[MAX_RANGES];
    private int ranges;
    private long stamp;

    /** Bytes of in-order data received since we last sent an ACK. */
    int unackedBytes;
    /** An ACK must go out without delay (out-of-order data, a filled hole, a FIN, ...). */
    boolean ackNow;

    long droppedSegments;

    /** Results of {@link #receive}. */
    static final int IN_ORDER = 1;
    static final int OUT_OF_ORDER = 2;
    static final int FILLED_HOLE = 4;
    static final int DUPLICATE = 8;
    static final int FIN = 16;

    TcpReceiver(int bufferSize) {
        this.limit = bufferSize;
        this.ring = new ByteRing(bufferSize);
    }

    /** RFC 7323 2.3: the smallest shift that lets a 16-bit window describe the whole buffer. */
    static int shiftFor(int bufferSize) {
        int s = 0;
        while (s < 14 && (65535L << s) < bufferSize) {
            s++;
        }
        return s;
    }

    void init(long irs) {
        this.irs = irs;
        nxt = 0;
        consumed = 0;
        readableEnd = 0;
        eofAt = -1;
        ring.reset(0);
        advertisedRight = 0;
        publishedRight = 0;
    }

    long seqOf(long offset) {
        return SeqNum.add(irs + 1, offset);
    }

    long rcvNxtSeq() {
        return seqOf(nxt);
    }

    long toOffset(long seq) {
        return SeqNum.toOffset(seq, seqOf(nxt), nxt);
    }

    int bufferSize() {
        return limit;
    }

    /** Bytes ready for the application; any thread. */
    int readable() {
        return (int) (readableEnd - consumed);
    }

    /** The peer's FIN has arrived and every byte before it was read; any thread. */
    boolean atEof() {
        long eof = eofAt;
        return eof >= 0 && consumed == eof;
    }

    /** RCV.WND as last advertised; 0 when the window is closed. */
    long window() {
        return Math.max(0, advertisedRight - nxt);
    }

    /**
     * RFC 9293 3.10.7.4 "first, check sequence number": is {@code [off, off + len)} acceptable for
     * the current window? Zero-length segments must start in the window (or at RCV.NXT when it is
     * closed); others must overlap it.
     */
    boolean acceptable(long off, int len) {
        long wnd = window();
        if (len == 0) {
            return wnd == 0 ? off == nxt : off >= nxt && off < nxt + wnd;
        }
        if (wnd == 0) {
            return false;
        }
        long end = off + len - 1;
        return (off >= nxt && off < nxt + wnd) || (end >= nxt && end < nxt + wnd);
    }

    /**
     * Accepts data at {@code off} (already checked acceptable), trimming what lies before RCV.NXT or
     * beyond the buffer, and reassembles. Returns a mask of {@link #IN_ORDER}, {@link #OUT_OF_ORDER},
     * {@link #FILLED_HOLE}, {@link #DUPLICATE}, {@link #FIN}.
     */
    int receive(long off, ByteBuffer src, int srcIndex, int len, boolean fin) {
        return receive(off, src, srcIndex, len, fin, 0);
    }

    /**
     * As {@link #receive(long, ByteBuffer, int, int, boolean)}, for a segment that may stand for a
     * run of segments of {@code segmentSize} bytes each (0 if not coalesced): the peer's segment size
     * is estimated from that, as Linux's {@code tcp_measure_rcv_mss} takes a GRO packet's gso_size.
     */
    int receive(long off, ByteBuffer src, int srcIndex, int len, boolean fin, int segmentSize) {
        int result = 0;
        long start = off;
        long end = off + len;
        if (fin) {
            long f = end;
            if (finOffset < 0 && f >= nxt) {
                finOffset = f;
            }
        }
        if (start < nxt) {
            long skip = nxt - start;
            if (skip >= len) {
                result |= len > 0 ? DUPLICATE : 0;
                len = 0;
            } else {
                srcIndex += (int) skip;
                len -= (int) skip;
                start = nxt;
            }
            end = start + len;
        }
        long read = consumed;
        ring.advanceBase(read);
        long right = read + limit;
        if (end > right) {
            len = (int) Math.max(0, right - start);
            end = start + len;
        }
        if (finOffset >= 0 && end > finOffset) {
            len = (int) Math.max(0, finOffset - start); // never data past the FIN
            end = start + len;
        }
        if (len > 0) {
            int seen = segmentSize > 0 ? Math.min(len, segmentSize) : len;
            if (seen > peerMss) {
                peerMss = seen;
            }
            if (start == nxt) {
                ring.write(start, src, srcIndex, len);
                nxt = end;
                result |= IN_ORDER;
                unackedBytes += len;
                if (ranges > 0 && rangeStart[0] <= nxt) {
                    result |= FILLED_HOLE;
                    while (ranges > 0 && rangeStart[0] <= nxt) {
                        nxt = Math.max(nxt, rangeEnd[0]);
                        removeRange(0);
                    }
                }
            } else if (addRange(start, end)) {
                ring.write(start, src, srcIndex, len);
                result |= OUT_OF_ORDER;
            } else {
                droppedSegments++;
            }
        }
        if (finOffset >= 0 && !finReceived && nxt == finOffset) {
            nxt = finOffset + 1; // RFC 9293 3.10.7.4 "eighth, check the FIN bit": advance RCV.NXT over it
            finReceived = true;
            eofAt = finOffset;
            result |= FIN;
        }
        readableEnd = finReceived ? finOffset : nxt;
        return result;
    }

    /** Inserts {@code [start, end)} into the sorted, disjoint range list; false if no room. */
    private boolean addRange(long start, long end) {
        int i = 0;
        while (i < ranges && rangeEnd[i] < start) {
            i++;
        }
        // Ranges from i on that touch [start, end) merge into one.
        int j = i;
        while (j < ranges && rangeStart[j] <= end) {
            start = Math.min(start, rangeStart[j]);
            end = Math.max(end, rangeEnd[j]);
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (ranges == MAX_RANGES) {
                return false;
            }
            System.arraycopy(rangeStart, i, rangeStart, i + 1, ranges - i);
            System.arraycopy(rangeEnd, i, rangeEnd, i + 1, ranges - i);
            System.arraycopy(rangeStamp, i, rangeStamp, i + 1, ranges - i);
            ranges++;
        } else if (merged > 1) {
            int drop = merged - 1;
            System.arraycopy(rangeStart, j, rangeStart, i + 1, ranges - j);
            System.arraycopy(rangeEnd, j, rangeEnd, i + 1, ranges - j);
            System.arraycopy(rangeStamp, j, rangeStamp, i + 1, ranges - j);
            ranges -= drop;
        }
        rangeStart[i] = start;
        rangeEnd[i] = end;
        rangeStamp[i] = ++stamp;
        return true;
    }

    private void removeRange(int i) {
        System.arraycopy(rangeStart, i + 1, rangeStart, i, ranges - i - 1);
        System.arraycopy(rangeEnd, i + 1, rangeEnd, i, ranges - i - 1);
        System.arraycopy(rangeStamp, i + 1, rangeStamp, i, ranges - i - 1);
        ranges--;
    }

    int outOfOrderRanges() {
        return ranges;
    }

    /**
     * Fills {@code edges} with up to {@code max} SACK blocks as sequence numbers, the block holding
     * the most recently received segment first and then the others by recency (RFC 2018 4).
     */
    int sackBlocks(long[] edges, int max) {
        int n = Math.min(max, ranges);
        long lastTaken = Long.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int best = -1;
            for (int i = 0; i < ranges; i++) {
                if (rangeStamp[i] < lastTaken && (best < 0 || rangeStamp[i] > rangeStamp[best])) {
                    best = i;
                }
            }
            lastTaken = rangeStamp[best];
            edges[2 * k] = seqOf(rangeStart[best]);
            edges[2 * k + 1] = seqOf(rangeEnd[best]);
        }
        return n;
    }

    /** Copies up to {@code dst.remaining()} readable bytes into {@code dst}; returns the count. */
    int read(ByteBuffer dst) {
        long from = consumed;
        int n = (int) Math.min(readableEnd - from, dst.remaining());
        if (n <= 0) {
            return 0;
        }
        ring.read(from, dst, dst.position(), n);
        dst.position(dst.position() + n);
        consumed = from + n;
        return n;
    }

    /**
     * Copies up to {@code len} readable bytes into {@code dst}, from any one thread at a time while
     * the loop goes on receiving; returns the count, 0 when nothing is readable.
     */
    int take(byte[] dst, int offset, int len) {
        long from = consumed;
        int n = (int) Math.min(readableEnd - from, len);
        if (n <= 0) {
            return 0;
        }
        ring.read(from, dst, offset, n);
        consumed = from + n;
        return n;
    }

    /**
     * After a {@link #take}, on the reading thread: could the loop have a window update to send? A
     * conservative test of {@link #windowUpdateWorthwhile()}: it reads the right edge the loop last
     * advertised, which only moves right, so it may say yes needlessly but never no wrongly.
     */
    boolean mayWantWindowUpdate() {
        long right = publishedRight;
        return consumed + limit - right >= Math.min(limit / 2, peerMss);
    }

    /** Free buffer space: what the window may offer at most. */
    private long freeSpace() {
        return Math.max(0, limit - (nxt - consumed));
    }

    /**
     * The window field for the next segment, moving {@link #advertisedRight}. Receiver-side silly
     * window avoidance (RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3): the right edge only moves when it can
     * move by at least min(buffer/2, MSS); it never moves left.
     */
    int windowField(boolean syn) {
        long right = nxt + freeSpace();
        long threshold = Math.min(limit / 2, peerMss);
        if (right - advertisedRight < threshold && advertisedRight >= nxt) {
            right = advertisedRight;
        }
        right = Math.max(right, advertisedRight);
        long wnd = right - nxt;
        int field;
        if (syn) {
            field = (int) Math.min(wnd, 65535); // RFC 7323 2.2: a SYN's window is never scaled
            wnd = field;
        } else {
            field = (int) Math.min(wnd >> shift, 65535);
            wnd = (long) field << shift;
        }
        advertisedRight = Math.max(advertisedRight, nxt + wnd);
        publishedRight = advertisedRight;
        return field;
    }

    /**
     * After the application read: would a window update be worth an ACK of its own? True when the
     * window would grow by two segments or half the buffer, or reopen from less than a segment (RFC
     * 9293 3.8.6.2.2's update rule, as Linux's {@code tcp_cleanup_rbuf} applies it).
     */
    boolean windowUpdateWorthwhile() {
        long right = nxt + freeSpace();
        long grow = right - advertisedRight;
        long current = window();
        return grow >= Math.min(limit / 2, 2L * peerMss) || (current < peerMss && grow >= peerMss);
    }

    /** Called for every segment we send: it carries the ACK, so nothing is owed any more. */
    void ackSent() {
        unackedBytes = 0;
        ackNow = false;
    }

    /** RFC 5681 4.2: at least every second full-sized segment is acknowledged at once. */
    boolean owesImmediateAck() {
        return ackNow || unackedBytes >= 2 * peerMss;
    }
}
