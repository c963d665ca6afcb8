package io.tapnet.transport.tcp;

import java.nio.ByteBuffer;

/**
 * The sending half of a connection: the send buffer, segmentation at the MSS with Nagle's algorithm
 * and sender-side silly window avoidance, the retransmission queue with its SACK scoreboard,
 * fast retransmit and NewReno recovery (RFC 6582) for peers without SACK, SACK-based loss recovery
 * (RFC 6675) for peers with it, the retransmission timer (RFC 6298) and the persist timer for zero
 * windows (RFC 9293 3.8.6.1).
 *
 * <p>Offsets: byte {@code 0} of the stream is sequence number ISS+1 (the SYN is ISS, offset -1,
 * and belongs to the connection's handshake). The FIN takes the offset after the last byte.
 *
 * <p>The send buffer is the one piece of a connection another thread may touch: an application
 * thread {@link #append appends} to it and publishes the new end ({@link #published}), the loop
 * {@link #pull pulls} that end into {@link #writeEnd} when it is told to, and publishes how far
 * acknowledgments have freed the buffer ({@link #released}). So an application copies its bytes on
 * its own core, and never waits for the loop while there is room (see {@link ByteRing}).
 */
final class TcpSender {
    /** RFC 6675 / RFC 5681: three duplicate ACKs signal a loss. */
    static final int DUP_THRESH = 3;

    enum Recovery {
        /** Normal operation. */
        NONE,
        /** RFC 6582 fast recovery with window inflation, for peers without SACK. */
        FAST,
        /** RFC 6675 SACK-based loss recovery. */
        SACK,
        /** After a retransmission timeout: resend what is lost, in slow start, until RecoveryPoint. */
        LOSS
    }

    private final TcpConnection conn;
    private final ByteRing ring;
    private final int limit;
    final RetransmitQueue queue = new RetransmitQueue();
    final RttEstimator rtt;
    CongestionControl cc;

    long iss;
    /** SND.UNA as an offset (-1 while the SYN is unacknowledged). */
    long una = -1;
    /** SND.NXT as an offset. */
    long nxt = -1;
    /** One past the last byte the loop has taken from the application (what it may send). */
    long writeEnd;
    /** One past the last byte appended; written by the appending thread, read by the loop. */
    private volatile long published;
    /** The lowest offset still needed (SND.UNA, capped at the data); written by the loop. */
    private volatile long released;
    boolean finQueued;
    boolean finSent;
    /** SND.WND in bytes (scaled), SND.WL1 and SND.WL2 as sequence numbers (RFC 9293 3.3.1). */
    long window;
    long wl1;
    long wl2;
    /** The largest window the peer ever offered, for SWS avoidance and RFC 5961 ACK checks. */
    long maxWindow;
    int shift;
    int mss = 536;
    boolean sackEnabled;
    boolean noDelay;

    Recovery recovery = Recovery.NONE;
    /** RFC 6582 "recover" / RFC 6675 RecoveryPoint, as an offset. */
    long recoverPoint = -1;
    int dupAcks;
    long pipe;
    /** Consecutive timeouts of the same data (RFC 1122 4.2.3.5's R2 counter). */
    int timeouts;
    int persistBackoff;

    long retransmittedSegments;
    long fastRetransmits;
    long timeoutRetransmits;
    long sentSegments;

    TcpSender(TcpConnection conn, int bufferSize, RttEstimator rtt) {
        this.conn = conn;
        this.limit = bufferSize;
        this.ring = new ByteRing(bufferSize);
        this.rtt = rtt;
    }

    void init(long iss) {
        this.iss = iss;
        una = -1;
        nxt = -1;
        writeEnd = 0;
        published = 0;
        released = 0;
        ring.reset(0);
    }

    long seqOf(long offset) {
        return SeqNum.add(iss + 1, offset);
    }

    long toOffset(long seq) {
        return SeqNum.toOffset(seq, seqOf(una), una);
    }

    long flightSize() {
        return nxt - una;
    }

    /** Bytes queued and not yet acknowledged (what {@code ss} shows as Send-Q). */
    int queued() {
        return (int) (published - Math.max(una, 0));
    }

    /** Room for more; on the loop. */
    int freeSpace() {
        return Math.max(0, limit - queued());
    }

    /**
     * Appends up to {@code len} bytes from any one thread at a time, concurrently with the loop;
     * returns the bytes taken (0 when the buffer is full). The loop sends them after {@link #pull}.
     */
    int append(byte[] src, int offset, int len) {
        long end = published;
        long base = released;
        int n = (int) Math.min(len, limit - (end - base));
        if (n <= 0) {
            return 0;
        }
        ring.advanceBase(base);
        ring.write(end, src, offset, n);
        published = end + n;
        return n;
    }

    /** On the loop: takes what was appended; true if there is more to send. Nothing after a FIN. */
    boolean pull() {
        long end = published;
        if (end > writeEnd && !finQueued) {
            writeEnd = end;
            return true;
        }
        return false;
    }

    int bufferSize() {
        return limit;
    }

    /** On the loop: appends application data and takes it at once; returns the bytes taken. */
    int write(ByteBuffer src) {
        pull();
        int n = Math.min(src.remaining(), freeSpace());
        if (n > 0) {
            ring.advanceBase(released);
            ring.write(writeEnd, src, src.position(), n);
            src.position(src.position() + n);
            writeEnd += n;
            published = writeEnd;
        }
        return n;
    }

    void copyOut(long offset, ByteBuffer dst, int dstIndex, int len) {
        ring.read(offset, dst, dstIndex, len);
    }

    boolean finAcked() {
        return finSent && una > writeEnd;
    }

    boolean allAcked() {
        return una == nxt;
    }

    // ------------------------------------------------------------------ output

    /**
     * Sends what the windows allow: first retransmissions of segments deemed lost (RFC 6675 NextSeg
     * rule 1), then new data (rule 2) cut at the MSS, subject to Nagle and SWS avoidance, and the FIN.
     */
    void output(long now) {
        while (true) {
            if (recovery == Recovery.SACK || recovery == Recovery.LOSS) {
                int i = queue.nextLost(0);
                if (i >= 0) {
                    if (cc.cwnd() - pipe < Math.min(mss, queue.length(i)) && pipe > 0) {
                        break;
                    }
                    retransmit(i, now);
                    continue;
                }
            }
            if (!sendNewSegment(now)) {
                break;
            }
        }
        if (window == 0 && writeEnd > nxt && nxt == una && !conn.persistTimer.isScheduled()) {
            persistBackoff = 0;
            schedulePersist();
        }
    }

    private long usableCwnd() {
        long cwnd = cc.cwnd();
        if (recovery == Recovery.NONE && dupAcks > 0 && dupAcks < DUP_THRESH) {
            cwnd += (long) dupAcks * mss; // RFC 3042 limited transmit
        }
        long inFlight = (recovery == Recovery.SACK || recovery == Recovery.LOSS) ? pipe : flightSize();
        return cwnd - inFlight;
    }

    /** One new-data segment if allowed; false when nothing (more) may be sent now. */
    private boolean sendNewSegment(long now) {
        long avail = writeEnd - nxt;
        boolean finPending = finQueued && !finSent;
        if (avail <= 0 && !finPending) {
            return false;
        }
        int segMax = conn.payloadRoom(mss);
        boolean offloads = conn.offloads();
        long windowRoom = una + window - nxt;
        long room = Math.min(windowRoom, usableCwnd());
        long len = Math.min(Math.min(avail, offloads ? tsoLimit(segMax) : segMax), Math.max(0, room));
        if (avail > 0 && len <= 0) {
            return false;
        }
        if (len > segMax) {
            // TSO (Linux's tcp_mss_split_point): whole segments only, unless the super-frame ends
            // with the last of the data and Nagle would let that short tail go on its own.
            long partial = len % segMax;
            if (partial != 0 && (len < avail || (!noDelay && nxt != una && !(finQueued && !finSent)))) {
                len -= partial;
            }
        } else if (len < segMax && len < avail) {
            // RFC 9293 3.8.6.2.1: a partial segment only if it is at least half the largest window
            // the peer has offered (the window, not our data, is what limits us here).
            if (len < maxWindow / 2 || len <= 0) {
                return false;
            }
        } else if (len < segMax && len == avail && avail > 0) {
            // Nagle (RFC 9293 3.7.4, RFC 1122 4.2.3.4): a small tail waits while data is unacknowledged.
            if (!noDelay && nxt != una && !finPending) {
                return false;
            }
        }
        boolean fin = finPending && nxt + len == writeEnd;
        if (len == 0 && !fin) {
            return false;
        }
        long start = nxt;
        long end = start + len + (fin ? 1 : 0);
        // One record per wire segment, so that SACK, loss marking and retransmission work on the
        // segments the receiver may have seen one by one (Linux splits its TSO skbs as it must).
        for (long from = start; from < start + len || from == start; from += segMax) {
            long to = Math.min(from + segMax, start + len);
            boolean last = to == start + len;
            queue.add(from, last ? end : to, now, last && fin ? RetransmitQueue.FIN : 0);
            sentSegments++;
            if (last) {
                break;
            }
        }
        if (recovery == Recovery.SACK || recovery == Recovery.LOSS) {
            pipe += end - start;
        }
        nxt = end;
        if (fin) {
            finSent = true;
        }
        conn.emitData(start, (int) len, fin, len > segMax ? segMax : 0, now);
        if (!conn.retransmitTimer.isScheduled()) {
            conn.retransmitTimer.scheduleAt(now + rtt.rto()); // RFC 6298 5.1
        }
        return true;
    }

    /** Largest payload a TCP super-frame may carry: 64 KiB of IP datagram, in whole segments. */
    static final int TSO_MAX_PAYLOAD = 65_535 - 20 - 60;

    /**
     * Payload for one super-frame: as many whole segments as a 64 KiB datagram holds, but no more
     * than half the congestion window, so that the window goes out in at least two frames and their
     * ACKs keep the pipe full (a coarse stand-in for Linux's tcp_tso_autosize).
     */
    private long tsoLimit(int segMax) {
        long segments = Math.min(TSO_MAX_PAYLOAD / segMax, Math.max(2, (cc.cwnd() >> 1) / segMax));
        return Math.max(1, segments) * segMax;
    }

    private void retransmit(int i, long now) {
        int room = conn.payloadRoom(mss);
        boolean fin = queue.is(i, RetransmitQueue.FIN);
        int dataLen = queue.length(i) - (fin ? 1 : 0);
        if (dataLen > room) {
            queue.split(i, queue.start(i) + room); // the path MTU shrank since it was first sent
            fin = false;
            dataLen = room;
        }
        long start = queue.start(i);
        queue.set(i, RetransmitQueue.RETRANSMITTED | RetransmitQueue.EVER_RETRANSMITTED);
        queue.setSentAt(i, now);
        if (recovery == Recovery.SACK || recovery == Recovery.LOSS) {
            pipe += queue.length(i);
        }
        retransmittedSegments++;
        conn.layer.counters.retransSegs++;
        conn.emitData(start, dataLen, fin, now);
        if (!conn.retransmitTimer.isScheduled()) {
            conn.retransmitTimer.scheduleAt(now + rtt.rto());
        }
    }

    // ------------------------------------------------------------------ acknowledgments

    /**
     * Updates SND.WND from an acceptable segment (RFC 9293 3.10.7.4 "fifth, check the ACK field":
     * only when SND.WL1 &lt; SEG.SEQ, or equal with SND.WL2 =&lt; SEG.ACK, so old segments cannot
     * shrink it). Returns whether the window changed.
     */
    boolean updateWindow(long seq, long ack, int field, boolean syn) {
        if (SeqNum.lt(wl1, seq) || (wl1 == seq && SeqNum.le(wl2, ack))) {
            long w = syn ? field : ((long) field << shift);
            boolean changed = w != window;
            boolean opened = window == 0 && w > 0;
            window = w;
            wl1 = seq;
            wl2 = ack;
            if (w > maxWindow) {
                maxWindow = w;
            }
            if (opened) {
                conn.persistTimer.cancel();
                persistBackoff = 0;
            }
            return changed;
        }
        return false;
    }

    /**
     * Processes the ACK field of an acceptable segment whose ACK lies in [SND.UNA, SND.NXT].
     *
     * @param ackOff        SEG.ACK as an offset
     * @param seg           the segment (for SACK blocks)
     * @param windowChanged whether it changed SND.WND (a duplicate ACK must not, RFC 5681 2)
     * @param tsRtt         an RTT measured from its timestamp echo, or -1
     * @return bytes newly acknowledged
     */
    long onAck(long ackOff, Segment seg, boolean windowChanged, long tsRtt, long now) {
        boolean sackNews = false;
        if (sackEnabled && seg.optionsValid && seg.options.sackBlockCount() > 0) {
            sackNews = processSack(seg);
        }
        if (ackOff > una) {
            return newAck(ackOff, tsRtt, now);
        }
        // RFC 5681 2 "DUPLICATE ACKNOWLEDGMENT" (and RFC 6675 counts ACKs carrying new SACK information).
        boolean duplicate = ackOff == una && flightSize() > 0 && seg.payloadLength == 0
                && (seg.flags & (io.tapnet.wire.TcpView.SYN | io.tapnet.wire.TcpView.FIN)) == 0
                && (!windowChanged || sackNews);
        if (duplicate) {
            onDuplicateAck(now);
        }
        return 0;
    }

    private boolean processSack(Segment seg) {
        boolean news = false;
        for (int k = 0; k < seg.options.sackBlockCount(); k++) {
            long left = toOffset(seg.options.sackLeft(k));
            long right = toOffset(seg.options.sackRight(k));
            // RFC 2018 / RFC 2883: blocks at or below SND.UNA are D-SACKs or stale; ignore those and
            // anything beyond SND.NXT (RFC 6675 5: only "valid" blocks update the scoreboard).
            if (left >= right || left < una || right > nxt) {
                continue;
            }
            if (queue.markSacked(left, right) > 0) {
                news = true;
            }
        }
        return news;
    }

    private void onDuplicateAck(long now) {
        dupAcks++;
        switch (recovery) {
            case NONE -> {
                if (sackEnabled) {
                    queue.markLost(DUP_THRESH, mss);
                    if (dupAcks >= DUP_THRESH || (queue.size() > 0 && queue.is(0, RetransmitQueue.LOST))) {
                        enterSackRecovery(now);
                    }
                } else if (dupAcks == DUP_THRESH && una > recoverPoint) {
                    // RFC 6582 3.2 step 2: only when this loss is newer than the last recovery.
                    enterFastRecovery(now);
                }
            }
            case FAST -> cc.setCwnd(cc.cwnd() + mss); // RFC 6582 3.2 step 4: inflate
            case SACK, LOSS -> {
                queue.markLost(DUP_THRESH, mss);
                pipe = queue.pipe();
            }
        }
        output(now);
    }

    /** RFC 6675 5, steps 4.1 to 4.4. */
    private void enterSackRecovery(long now) {
        recoverPoint = nxt;
        cc.onCongestionEvent(flightSize(), now);
        recovery = Recovery.SACK;
        queue.clearAll(RetransmitQueue.RETRANSMITTED);
        queue.set(0, RetransmitQueue.LOST);
        pipe = queue.pipe();
        fastRetransmits++;
        retransmit(0, now); // step 4.3: the first unacknowledged segment goes out regardless of pipe
    }

    /** RFC 6582 3.2 steps 2 and 3. */
    private void enterFastRecovery(long now) {
        recoverPoint = nxt;
        cc.onCongestionEvent(flightSize(), now);
        recovery = Recovery.FAST;
        fastRetransmits++;
        retransmit(0, now);
        cc.setCwnd(cc.ssthresh() + (long) DUP_THRESH * mss);
    }

    private long newAck(long ackOff, long tsRtt, long now) {
        long before = Math.max(una, 0);
        long acked = ackOff - Math.max(una, 0);
        boolean cwndLimited = flightSize() + mss >= cc.cwnd();
        // Pop what is fully acknowledged; sample the RTT from the newest such record unless any of
        // them was retransmitted (Karn's rule, RFC 6298 3) - then only a timestamp sample will do.
        boolean retransmitted = false;
        long newestSent = -1;
        while (!queue.isEmpty() && queue.end(0) <= ackOff) {
            retransmitted |= queue.is(0, RetransmitQueue.EVER_RETRANSMITTED);
            newestSent = queue.sentAt(0);
            queue.removeFirst();
        }
        if (!queue.isEmpty() && queue.start(0) < ackOff) {
            queue.trimFirst(ackOff);
        }
        if (tsRtt >= 0) {
            rtt.sample(tsRtt);
        } else if (newestSent >= 0 && !retransmitted) {
            rtt.sample(now - newestSent);
        }
        una = ackOff;
        released = Math.min(una, writeEnd);
        dupAcks = 0;
        timeouts = 0;
        rtt.resetBackoff();
        switch (recovery) {
            case NONE -> {
                if (acked > 2L * mss && conn.offloads()) {
                    // An ACK for a super-frame stands for the ACKs of every second segment a wire
                    // receiver would have sent; grow cwnd as those would (RFC 3465's L per ACK).
                    for (long left = acked; left > 0; left -= 2L * mss) {
                        cc.onAck(Math.min(left, 2L * mss), cwndLimited, now, rtt.srtt());
                    }
                } else {
                    cc.onAck(acked, cwndLimited, now, rtt.srtt());
                }
            }
            case FAST -> {
                if (ackOff >= recoverPoint) {
                    // RFC 6582 3.2 step 6, option 1.
                    cc.setCwnd(Math.min(cc.ssthresh(), Math.max(flightSize(), mss) + mss));
                    recovery = Recovery.NONE;
                    cc.onRecoveryEnd(flightSize(), now);
                } else {
                    // RFC 6582 3.2 step 5: partial ACK - resend the next hole, deflate the window.
                    retransmit(0, now);
                    long cwnd = cc.cwnd() - acked;
                    if (acked >= mss) {
                        cwnd += mss;
                    }
                    cc.setCwnd(cwnd);
                }
            }
            case SACK -> {
                if (ackOff >= recoverPoint) {
                    recovery = Recovery.NONE;
                    cc.setCwnd(cc.ssthresh());
                    cc.onRecoveryEnd(flightSize(), now);
                    queue.clearAll(RetransmitQueue.RETRANSMITTED);
                } else {
                    queue.markLost(DUP_THRESH, mss);
                    pipe = queue.pipe();
                }
            }
            case LOSS -> {
                cc.onAck(acked, true, now, rtt.srtt());
                if (ackOff >= recoverPoint) {
                    recovery = Recovery.NONE;
                    queue.clearAll(RetransmitQueue.RETRANSMITTED | RetransmitQueue.LOST);
                } else {
                    if (sackEnabled) {
                        queue.markLost(DUP_THRESH, mss);
                    }
                    pipe = queue.pipe();
                }
            }
        }
        // RFC 6298 5.2 and 5.3: stop the timer when everything is acknowledged, else restart it.
        if (una == nxt) {
            conn.retransmitTimer.cancel();
        } else {
            conn.retransmitTimer.scheduleAt(now + rtt.rto());
        }
        return ackOff - before;
    }

    // ------------------------------------------------------------------ timers

    /**
     * RFC 6298 5.4 to 5.6 with RFC 5681 3.1 and RFC 6675 5.1: resend the first unacknowledged
     * segment, back off the timer, collapse cwnd to one segment, and treat everything not SACKed as
     * lost so that it is resent as the window reopens. Returns false when the retry limit is reached.
     */
    boolean onRetransmitTimeout(long now, int maxRetransmits) {
        if (queue.isEmpty()) {
            return true;
        }
        if (++timeouts > maxRetransmits) {
            return false;
        }
        if (timeouts == 1) {
            cc.onRetransmitTimeout(flightSize(), now);
        } else {
            cc.setCwnd(mss); // RFC 5681 3.1: ssthresh is held for repeated timeouts of the same data
        }
        rtt.backOff();
        recovery = Recovery.LOSS;
        recoverPoint = nxt;
        dupAcks = 0;
        // RFC 2018 8: the segment at the left edge is resent even if SACKed (the receiver may renege).
        queue.clear(0, RetransmitQueue.SACKED);
        queue.clearAll(RetransmitQueue.RETRANSMITTED);
        queue.markAllUnsacked(RetransmitQueue.LOST);
        pipe = queue.pipe();
        timeoutRetransmits++;
        conn.retransmitTimer.cancel();
        retransmit(0, now);
        output(now);
        return true;
    }

    /** The peer's window is zero and nothing is in flight: probe it (RFC 9293 3.8.6.1). */
    void onPersistTimeout(long now) {
        if (window > 0 || writeEnd == nxt) {
            persistBackoff = 0;
            output(now);
            return;
        }
        conn.sendProbe(now);
        if (persistBackoff < 16) {
            persistBackoff++;
        }
        schedulePersist();
    }

    private void schedulePersist() {
        long interval = Math.min(conn.config().maxRtoNanos(), rtt.rto() << persistBackoff);
        conn.persistTimer.scheduleIn(interval);
    }

    /** RFC 1191 via ICMP fragmentation needed: a smaller MSS; outstanding data is split on resend. */
    void reduceMss(int newMss) {
        if (newMss < mss) {
            mss = newMss;
            cc.setMss(newMss);
        }
    }
}
