package io.tapnet.ip;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Timer;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts fragmented datagrams back together on a host (RFC 791 section 3.2, "Reassembly"; RFC 1122
 * 3.3.2). Memory is bounded: at most {@link #MAX_PENDING_BYTES} of partial datagrams are held, the
 * oldest are dropped first, and a datagram not complete after {@link #TIMEOUT_NANOS} is discarded
 * with ICMP time exceeded (code 1) when its first fragment arrived. Fragments that overlap one
 * another make the whole datagram suspect, and it is discarded, as Linux does since 4.19 (the
 * Teardrop and RFC 5722 lesson); an exact duplicate is simply ignored.
 *
 * <p>Fragments are rare on a healthy network, so this path may allocate; the forwarding path does not.
 */
final class Reassembler {
    /** Linux's ipfrag_time default; RFC 1122 3.3.2 suggests 60 to 120 s, RFC 791 15 s. */
    static final long TIMEOUT_NANOS = 30_000_000_000L;
    /** Linux's ipfrag_high_thresh default. */
    static final int MAX_PENDING_BYTES = 4 * 1024 * 1024;
    static final int MAX_DATAGRAM = 65_535;
    private static final int ETH = EthernetView.HEADER_LENGTH;

    /** What the reassembler needs from its stack. */
    interface Owner {
        /** Reports a reassembly timeout for a datagram whose first fragment is in {@code firstFragment}. */
        void reassemblyTimedOut(Frame firstFragment);
    }

    private record Key(int source, int destination, int protocol, int identification) {
    }

    private static final class Pending {
        final long expires;
        byte[] data = new byte[2048];
        byte[] header;          // from the fragment at offset 0
        int firstLength;        // data bytes in the fragment at offset 0
        int totalDataLength = -1; // known once the last fragment (MF clear) arrives
        final List<int[]> ranges = new ArrayList<>(); // received [start, end) of data, sorted
        int received;

        Pending(long expires) {
            this.expires = expires;
        }
    }

    private final EventLoop loop;
    private final Owner owner;
    private final IpCounters counters;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final Timer timer;
    private int pendingBytes;

    long reassembled;
    long overlaps;
    long timeouts;
    long evicted;
    long duplicates;
    long oversized;

    Reassembler(EventLoop loop, Owner owner, IpCounters counters) {
        this.loop = loop;
        this.owner = owner;
        this.counters = counters;
        this.timer = loop.newTimer(this::expire);
    }

    /**
     * Takes a fragment (ownership included) whose header is wrapped in {@code ip}; returns the whole
     * datagram in a new frame when this fragment completes it, or null.
     */
    Frame offer(Frame frame, Ipv4View ip) {
        ByteBuffer b = frame.buffer();
        Key key = new Key(ip.source(), ip.destination(), ip.protocol(), ip.identification());
        int start = ip.fragmentOffset() * 8;
        int length = ip.payloadLength();
        int end = start + length;
        boolean last = !ip.moreFragments();
        if (end + ip.headerLength() > MAX_DATAGRAM || (!last && (length & 7) != 0) || length == 0) {
            oversized++;
            counters.ipReasmFails++; // RFC 791: all but the last fragment carry a multiple of 8 bytes
            frame.release();
            return null;
        }
        Pending p = pending.get(key);
        if (p == null) {
            p = new Pending(loop.now() + TIMEOUT_NANOS);
            pending.put(key, p);
            if (!timer.isScheduled()) {
                timer.scheduleAt(p.expires);
            }
        }
        int verdict = insertRange(p, start, end);
        if (verdict < 0) {
            overlaps++;
            counters.ipReasmFails++;
            drop(key, p);
            frame.release();
            return null;
        }
        if (verdict == 0) {
            duplicates++;
            frame.release();
            return null;
        }
        if (last) {
            if (p.totalDataLength >= 0 && p.totalDataLength != end) {
                overlaps++;
                counters.ipReasmFails++;
                drop(key, p);
                frame.release();
                return null;
            }
            p.totalDataLength = end;
        }
        if (p.data.length < end) {
            p.data = Arrays.copyOf(p.data, Math.max(end, p.data.length * 2));
        }
        b.get(ip.payloadOffset(), p.data, start, length);
        pendingBytes += length;
        p.received += length;
        if (start == 0) {
            p.firstLength = length;
            p.header = new byte[ip.headerLength()];
            b.get(ip.offset(), p.header);
        }
        frame.release();
        if (p.totalDataLength >= 0 && p.received == p.totalDataLength && p.header != null) {
            pending.remove(key);
            pendingBytes -= p.received;
            reassembled++;
            return assemble(p);
        }
        while (pendingBytes > MAX_PENDING_BYTES && !pending.isEmpty()) {
            Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator();
            Map.Entry<Key, Pending> oldest = it.next();
            it.remove();
            pendingBytes -= oldest.getValue().received;
            evicted++;
            counters.ipReasmFails++;
        }
        return null;
    }

    /** Returns 1 if inserted, 0 for an exact duplicate, -1 for an overlap. */
    private static int insertRange(Pending p, int start, int end) {
        int i = 0;
        while (i < p.ranges.size() && p.ranges.get(i)[0] < start) {
            i++;
        }
        for (int[] r : p.ranges) {
            if (r[0] == start && r[1] == end) {
                return 0;
            }
        }
        if (i > 0 && p.ranges.get(i - 1)[1] > start) {
            return -1;
        }
        if (i < p.ranges.size() && p.ranges.get(i)[0] < end) {
            return -1;
        }
        if (p.totalDataLength >= 0 && end > p.totalDataLength) {
            return -1;
        }
        p.ranges.add(i, new int[] {start, end});
        return 1;
    }

    private Frame assemble(Pending p) {
        int hl = p.header.length;
        int total = hl + p.totalDataLength;
        Frame f = loop.largePool().acquire();
        ByteBuffer fb = f.buffer();
        int ip = f.offset() + ETH;
        fb.put(ip, p.header, 0, hl);
        fb.put(ip + hl, p.data, 0, p.totalDataLength);
        fb.putShort(ip + 2, (short) total);
        fb.putShort(ip + 6, (short) (fb.getShort(ip + 6) & (Ipv4View.FLAG_DF << 13)));
        fb.putShort(ip + 10, (short) 0);
        fb.putShort(ip + 10, (short) InternetChecksum.compute(fb, ip, hl));
        f.setLength(ETH + total);
        return f;
    }

    private void drop(Key key, Pending p) {
        pending.remove(key);
        pendingBytes -= p.received;
    }

    private void expire() {
        long now = loop.now();
        Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Pending> e = it.next();
            Pending p = e.getValue();
            if (p.expires > now) {
                timer.scheduleAt(p.expires);
                return; // entries are in arrival order, so the rest expire later
            }
            it.remove();
            pendingBytes -= p.received;
            timeouts++;
            counters.ipReasmFails++;
            if (p.header != null) {
                // RFC 792: time exceeded, code 1, quoting the first fragment's header and data.
                Frame first = loop.acquire(ETH + p.header.length + p.firstLength);
                int hl = p.header.length;
                int quoted = p.firstLength;
                ByteBuffer fb = first.buffer();
                int ip = first.offset() + ETH;
                fb.put(ip, p.header, 0, hl);
                fb.put(ip + hl, p.data, 0, quoted);
                first.setLength(ETH + hl + quoted);
                owner.reassemblyTimedOut(first);
            }
        }
    }

    int pendingDatagrams() {
        return pending.size();
    }

    int pendingBytes() {
        return pendingBytes;
    }

    void clear() {
        pending.clear();
        pendingBytes = 0;
        timer.cancel();
    }
}
