package io.tapnet.transport.tcp;

/**
 * The segments sent but not yet cumulatively acknowledged, in order, each with its SACK scoreboard
 * bits (RFC 6675 section 3): sacked, lost, retransmitted during the current recovery. The bytes
 * themselves stay in the send {@link ByteRing}; a record holds only offsets, the time it was last
 * sent (RTT sampling under Karn's rule) and its flags. Parallel primitive arrays in a ring: no
 * allocation per segment.
 */
final class RetransmitQueue {
    static final int SACKED = 1;
    static final int LOST = 2;
    /** Retransmitted during the current recovery episode: counts twice in the pipe, not resent again. */
    static final int RETRANSMITTED = 4;
    /** Ever retransmitted: Karn's rule forbids RTT samples from it (RFC 6298 3). */
    static final int EVER_RETRANSMITTED = 8;
    /** The record ends with our FIN. */
    static final int FIN = 16;

    private long[] start = new long[64];
    private long[] end = new long[64];
    private long[] sentAt = new long[64];
    private int[] flags = new int[64];
    private int head;
    private int count;

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    private int slot(int i) {
        return (head + i) & (start.length - 1);
    }

    long start(int i) {
        return start[slot(i)];
    }

    long end(int i) {
        return end[slot(i)];
    }

    long sentAt(int i) {
        return sentAt[slot(i)];
    }

    int flags(int i) {
        return flags[slot(i)];
    }

    boolean is(int i, int flag) {
        return (flags[slot(i)] & flag) != 0;
    }

    void set(int i, int flag) {
        flags[slot(i)] |= flag;
    }

    void clear(int i, int flag) {
        flags[slot(i)] &= ~flag;
    }

    void setSentAt(int i, long now) {
        sentAt[slot(i)] = now;
    }

    /** Length in sequence space (data plus one for a FIN). */
    int length(int i) {
        int s = slot(i);
        return (int) (end[s] - start[s]);
    }

    void add(long from, long to, long now, int flag) {
        if (count == start.length) {
            grow();
        }
        int s = slot(count);
        start[s] = from;
        end[s] = to;
        sentAt[s] = now;
        flags[s] = flag;
        count++;
    }

    private void grow() {
        int n = start.length;
        long[] ns = new long[n * 2];
        long[] ne = new long[n * 2];
        long[] nt = new long[n * 2];
        int[] nf = new int[n * 2];
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            ns[i] = start[s];
            ne[i] = end[s];
            nt[i] = sentAt[s];
            nf[i] = flags[s];
        }
        start = ns;
        end = ne;
        sentAt = nt;
        flags = nf;
        head = 0;
    }

    /** Drops the first record. */
    void removeFirst() {
        head = (head + 1) & (start.length - 1);
        count--;
    }

    /** The first record was partly acknowledged up to {@code offset}. */
    void trimFirst(long offset) {
        start[head] = offset;
    }

    /**
     * Splits record {@code i} at {@code at} (start &lt; at &lt; end) into two records with the same
     * flags, for retransmitting with a smaller MSS after a path-MTU drop. O(n), rare.
     */
    void split(int i, long at) {
        if (count == start.length) {
            grow();
        }
        for (int k = count; k > i + 1; k--) {
            int to = slot(k);
            int from = slot(k - 1);
            start[to] = start[from];
            end[to] = end[from];
            sentAt[to] = sentAt[from];
            flags[to] = flags[from];
        }
        int s = slot(i);
        int t = slot(i + 1);
        start[t] = at;
        end[t] = end[s];
        sentAt[t] = sentAt[s];
        flags[t] = flags[s];
        flags[s] &= ~FIN;
        end[s] = at;
        count++;
    }

    /**
     * Marks records covered entirely by {@code [left, right)} as SACKed; returns the bytes newly
     * marked (RFC 6675 "Update()"). Records are found by binary search on their start offsets.
     */
    long markSacked(long left, long right) {
        int lo = 0;
        int hi = count;
        while (lo < hi) { // first record with end > left
            int mid = (lo + hi) >>> 1;
            if (end(mid) <= left) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long newly = 0;
        for (int i = lo; i < count; i++) {
            int s = slot(i);
            if (start[s] >= right) {
                break;
            }
            if (start[s] >= left && end[s] <= right && (flags[s] & SACKED) == 0) {
                flags[s] |= SACKED;
                flags[s] &= ~LOST;
                newly += end[s] - start[s];
            }
        }
        return newly;
    }

    /**
     * RFC 6675 4 "IsLost": a record is lost once DupThresh discontiguous SACKed segments, or more
     * than (DupThresh - 1) * SMSS SACKed bytes, lie above it. Walks from the top down and marks
     * every such record LOST (the mark is sticky until the record is SACKed or acknowledged).
     * Returns the number of records newly marked.
     */
    int markLost(int dupThresh, int mss) {
        long sackedAbove = 0;
        int sackedSegmentsAbove = 0;
        int marked = 0;
        for (int i = count - 1; i >= 0; i--) {
            int s = slot(i);
            if ((flags[s] & SACKED) != 0) {
                sackedAbove += end[s] - start[s];
                sackedSegmentsAbove++;
            } else if ((flags[s] & LOST) == 0
                    && (sackedSegmentsAbove >= dupThresh || sackedAbove > (long) (dupThresh - 1) * mss)) {
                flags[s] |= LOST;
                marked++;
            }
        }
        return marked;
    }

    /** RFC 6675 4 "SetPipe()": bytes believed to be in the network. */
    long pipe() {
        long pipe = 0;
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            int f = flags[s];
            if ((f & SACKED) != 0) {
                continue;
            }
            long len = end[s] - start[s];
            if ((f & LOST) == 0) {
                pipe += len;
            }
            if ((f & RETRANSMITTED) != 0) {
                pipe += len;
            }
        }
        return pipe;
    }

    /** The first record that is lost, not SACKed and not yet retransmitted in this recovery, or -1. */
    int nextLost(int from) {
        for (int i = from; i < count; i++) {
            int f = flags[slot(i)];
            if ((f & (LOST | SACKED | RETRANSMITTED)) == LOST) {
                return i;
            }
        }
        return -1;
    }

    /** Sets {@code flag} on every record not SACKed. */
    void markAllUnsacked(int flag) {
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            if ((flags[s] & SACKED) == 0) {
                flags[s] |= flag;
            }
        }
    }

    /** Clears {@code flag} on every record. */
    void clearAll(int flag) {
        for (int i = 0; i < count; i++) {
            flags[slot(i)] &= ~flag;
        }
    }

    /** Whether any record carries SACKED. */
    boolean anySacked() {
        for (int i = 0; i < count; i++) {
            if ((flags[slot(i)] & SACKED) != 0) {
                return true;
            }
        }
        return false;
    }

    void clearAllRecords() {
        head = 0;
        count = 0;
    }
}
