package io.tapnet.link;

import io.tapnet.collect.IntObjectMap;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Timer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The neighbour table of one IPv4 interface (RFC 826, with the retry and queueing behaviour of
 * RFC 1122 2.3.2.2): IPv4 address to MAC, learned from ARP replies and requests, aged out after
 * {@link #reachableNanos()} without confirmation. Packets for an unresolved neighbour wait in a small
 * bounded queue per entry while requests are retried; when resolution fails they are handed back as
 * unresolved so the owner can send ICMP host unreachable.
 */
public final class ArpCache {
    /** Interval between requests for an unresolved address (RFC 1122 2.3.2.1: at most one per second). */
    public static final long RETRANSMIT_NANOS = 1_000_000_000L;
    /** Requests sent before giving up, as Linux's mcast_solicit default. */
    public static final int MAX_PROBES = 3;
    public static final long DEFAULT_REACHABLE_NANOS = 60_000_000_000L;
    /**
     * How long an entry stays usable after its reachable time ran out without confirmation (Linux's
     * gc_stale_time). Using such a stale entry sends a fresh request, so busy neighbours are
     * re-confirmed without a gap in traffic; idle ones age out.
     */
    public static final long STALE_NANOS = 60_000_000_000L;
    /** Packets held per unresolved neighbour (RFC 1122 2.3.2.2 asks for at least one). */
    public static final int QUEUE_PER_ENTRY = 16;
    public static final int DEFAULT_MAX_ENTRIES = 1024;

    /** What the cache needs from the interface it serves. */
    public interface Resolver {
        /** Broadcasts an ARP request for {@code targetAddress}. */
        void sendRequest(int targetAddress);

        /** Fills in the destination MAC of a queued frame and sends it. */
        void transmitResolved(Frame frame, long mac);

        /** Resolution failed for a queued frame: report it and release the frame. */
        void unresolved(Frame frame);
    }

    /** Neighbour states, a subset of Linux's NUD states. */
    public enum State { INCOMPLETE, REACHABLE, STALE, PERMANENT }

    private static final class Entry {
        final int address;
        long mac = -1;
        State state = State.INCOMPLETE;
        long expires;
        long nextProbe;
        int probes;
        boolean probing; // a stale entry in use, being re-confirmed
        Frame[] queue;
        int queued;

        Entry(int address) {
            this.address = address;
        }
    }

    private final EventLoop loop;
    private final Resolver resolver;
    private final IntObjectMap<Entry> entries = new IntObjectMap<>();
    private final Timer timer;
    private final long reachableNanos;
    private final int maxEntries;
    private final List<Entry> scratch = new ArrayList<>();

    private long requestsSent;
    private long failures;
    private long queueDrops;

    public ArpCache(EventLoop loop, Resolver resolver, long reachableNanos, int maxEntries) {
        this.loop = loop;
        this.resolver = resolver;
        this.reachableNanos = reachableNanos;
        this.maxEntries = maxEntries;
        this.timer = loop.newTimer(this::tick);
    }

    public ArpCache(EventLoop loop, Resolver resolver) {
        this(loop, resolver, DEFAULT_REACHABLE_NANOS, DEFAULT_MAX_ENTRIES);
    }

    public long reachableNanos() {
        return reachableNanos;
    }

    /**
     * The MAC for {@code address}, or -1 when it is not known (or has aged out). Using an entry
     * whose reachable time has run out starts its re-confirmation.
     */
    public long lookup(int address) {
        Entry e = entries.get(address);
        if (e == null || e.state == State.INCOMPLETE) {
            return -1;
        }
        if (e.state == State.PERMANENT) {
            return e.mac;
        }
        long now = loop.now();
        if (now < e.expires) {
            return e.mac;
        }
        if (now >= e.expires + STALE_NANOS) {
            return -1;
        }
        if (!e.probing) {
            e.probing = true;
            e.probes = 1;
            e.nextProbe = now + RETRANSMIT_NANOS;
            requestsSent++;
            resolver.sendRequest(address);
            armTimer(e.nextProbe);
        }
        return e.mac;
    }

    /**
     * Sends {@code frame} (its Ethernet destination still to be filled) to {@code address}: at once
     * when the neighbour is known, otherwise after resolution. Takes ownership of the frame.
     */
    public void send(int address, Frame frame) {
        long mac = lookup(address);
        if (mac >= 0) {
            resolver.transmitResolved(frame, mac);
            return;
        }
        Entry e = entries.get(address);
        long now = loop.now();
        if (e == null || e.state != State.INCOMPLETE) {
            if (e == null) {
                if (entries.size() >= maxEntries && !evictOne()) {
                    queueDrops++;
                    resolver.unresolved(frame);
                    return;
                }
                e = new Entry(address);
                entries.put(address, e);
            }
            e.state = State.INCOMPLETE;
            e.probing = false;
            e.probes = 1;
            e.nextProbe = now + RETRANSMIT_NANOS;
            requestsSent++;
            resolver.sendRequest(address);
            armTimer(e.nextProbe);
        }
        enqueue(e, frame);
    }

    private void enqueue(Entry e, Frame frame) {
        if (e.queue == null) {
            e.queue = new Frame[QUEUE_PER_ENTRY];
        }
        if (e.queued == QUEUE_PER_ENTRY) {
            // Drop the oldest, as Linux does with unres_qlen: the newest packet is the most useful.
            queueDrops++;
            Frame oldest = e.queue[0];
            System.arraycopy(e.queue, 1, e.queue, 0, QUEUE_PER_ENTRY - 1);
            e.queued--;
            oldest.release();
        }
        e.queue[e.queued++] = frame;
    }

    /**
     * Records {@code address} at {@code mac}. With {@code create} false only an existing entry is
     * updated (RFC 826's "merge" step for requests not aimed at us).
     */
    public void update(int address, long mac, boolean create) {
        Entry e = entries.get(address);
        if (e == null) {
            if (!create) {
                return;
            }
            if (entries.size() >= maxEntries && !evictOne()) {
                return;
            }
            e = new Entry(address);
            entries.put(address, e);
        }
        if (e.state == State.PERMANENT) {
            return;
        }
        e.mac = mac;
        e.state = State.REACHABLE;
        e.expires = loop.now() + reachableNanos;
        e.probes = 0;
        e.probing = false;
        flushQueue(e);
        armTimer(e.expires);
    }

    /** Adds a static entry that never ages. */
    public void addPermanent(int address, long mac) {
        Entry e = entries.computeIfAbsent(address, Entry::new);
        e.mac = mac;
        e.state = State.PERMANENT;
        flushQueue(e);
    }

    private void flushQueue(Entry e) {
        for (int i = 0; i < e.queued; i++) {
            Frame f = e.queue[i];
            e.queue[i] = null;
            resolver.transmitResolved(f, e.mac);
        }
        e.queued = 0;
    }

    private boolean evictOne() {
        // The table is full: make room by dropping the entry closest to expiry that holds no packets.
        scratch.clear();
        entries.forEach((k, v) -> scratch.add(v));
        Entry victim = null;
        for (Entry e : scratch) {
            if (e.state == State.REACHABLE && e.queued == 0 && (victim == null || e.expires < victim.expires)) {
                victim = e;
            }
        }
        scratch.clear();
        if (victim == null) {
            return false;
        }
        entries.remove(victim.address);
        return true;
    }

    private void armTimer(long deadline) {
        if (!timer.isScheduled() || deadline < timer.deadline()) {
            timer.scheduleAt(deadline);
        }
    }

    private void tick() {
        long now = loop.now();
        // A copy of its own: failing an entry sends ICMP errors, which may come back into this cache.
        List<Entry> all = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> all.add(v));
        long next = Long.MAX_VALUE;
        for (Entry e : all) {
            switch (e.state) {
                case INCOMPLETE -> {
                    if (now >= e.nextProbe) {
                        if (e.probes >= MAX_PROBES) {
                            fail(e);
                            continue;
                        }
                        e.probes++;
                        e.nextProbe = now + RETRANSMIT_NANOS;
                        requestsSent++;
                        resolver.sendRequest(e.address);
                    }
                    next = Math.min(next, e.nextProbe);
                }
                case REACHABLE, STALE -> {
                    if (e.probing && now >= e.nextProbe) {
                        if (e.probes >= MAX_PROBES) {
                            failures++;
                            entries.remove(e.address); // the neighbour stopped answering
                            continue;
                        }
                        e.probes++;
                        e.nextProbe = now + RETRANSMIT_NANOS;
                        requestsSent++;
                        resolver.sendRequest(e.address);
                    }
                    if (now >= e.expires + STALE_NANOS) {
                        entries.remove(e.address);
                        continue;
                    }
                    next = Math.min(next, now < e.expires ? e.expires : e.expires + STALE_NANOS);
                    if (e.probing) {
                        next = Math.min(next, e.nextProbe);
                    }
                }
                case PERMANENT -> {
                }
            }
        }
        if (next != Long.MAX_VALUE) {
            armTimer(next);
        }
    }

    private void fail(Entry e) {
        failures++;
        entries.remove(e.address);
        for (int i = 0; i < e.queued; i++) {
            Frame f = e.queue[i];
            e.queue[i] = null;
            resolver.unresolved(f);
        }
        e.queued = 0;
    }

    /** Forgets everything (interface went down or the node restarted); queued packets are dropped. */
    public void clear() {
        entries.forEach((k, e) -> {
            for (int i = 0; i < e.queued; i++) {
                e.queue[i].release();
            }
        });
        entries.clear();
        timer.cancel();
    }

    public int size() {
        return entries.size();
    }

    public long requestsSent() {
        return requestsSent;
    }

    public long failures() {
        return failures;
    }

    public long queueDrops() {
        return queueDrops;
    }

    /** A snapshot for display, sorted by address. */
    public List<Neighbor> neighbors() {
        List<Neighbor> out = new ArrayList<>();
        long now = loop.now();
        entries.forEach((k, e) -> {
            if (e.state == State.REACHABLE && now >= e.expires + STALE_NANOS) {
                return;
            }
            boolean stale = e.state == State.REACHABLE && now >= e.expires;
            out.add(new Neighbor(e.address, e.mac, stale ? State.STALE : e.state,
                    e.state == State.REACHABLE ? (stale ? e.expires + STALE_NANOS - now : e.expires - now) : -1));
        });
        out.sort(Comparator.comparingLong(n -> Integer.toUnsignedLong(n.address())));
        return out;
    }

    /** One row of the table. {@code mac} is -1 while incomplete. */
    public record Neighbor(int address, long mac, State state, long remainingNanos) {
    }
}
