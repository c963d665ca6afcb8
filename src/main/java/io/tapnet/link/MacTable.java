package io.tapnet.link;

import java.util.ArrayList;
import java.util.List;

/**
 * A switch's forwarding database: MAC address to port, learned from source addresses, aged out after
 * {@code agingNanos} without traffic (IEEE 802.1D 7.9.2 default: 300 s). The table is bounded: once
 * full it stops learning new addresses (their frames are flooded) but keeps forwarding to the ones it
 * knows, which is what a MAC flood must not take away.
 *
 * <p>Open addressing with linear probing over primitive arrays: a lookup allocates nothing.
 */
public final class MacTable {
    /** IEEE 802.1D-2004 Table 7-5: recommended ageing time. */
    public static final long DEFAULT_AGING_NANOS = 300_000_000_000L;
    public static final int DEFAULT_LIMIT = 8192;

    private final int limit;
    private final long agingNanos;
    private final long[] keys; // mac + 1; 0 marks an empty slot
    private final int[] ports;
    private final long[] lastSeen;
    private final int mask;
    private int size;
    private long learnFailures;
    /** No entry was last seen before this time (a lower bound, exact after each sweep). */
    private long oldestSeen;

    public MacTable(int limit, long agingNanos) {
        if (limit <= 0) {
            throw new IllegalArgumentException("MAC table size must be positive");
        }
        this.limit = limit;
        this.agingNanos = agingNanos;
        int capacity = Integer.highestOneBit(limit * 2 - 1) << 1;
        keys = new long[capacity];
        ports = new int[capacity];
        lastSeen = new long[capacity];
        mask = capacity - 1;
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** The port {@code mac} was last seen on, or -1 if unknown or aged out. */
    public int lookup(long mac, long now) {
        long key = mac + 1;
        int i = slot(key) & mask;
        long k;
        while ((k = keys[i]) != 0) {
            if (k == key) {
                if (now - lastSeen[i] > agingNanos) {
                    deleteAt(i);
                    return -1;
                }
                return ports[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Records that {@code mac} was seen on {@code port}; returns false when the table is full. */
    public boolean learn(long mac, int port, long now) {
        long key = mac + 1;
        int i = slot(key) & mask;
        long k;
        while ((k = keys[i]) != 0) {
            if (k == key) {
                ports[i] = port;
                lastSeen[i] = now;
                return true;
            }
            i = (i + 1) & mask;
        }
        if (size >= limit) {
            // Aged entries hold their slots until a sweep; sweep now if any may have aged, before
            // refusing. The bound keeps a MAC flood of fresh addresses from sweeping on every frame.
            if (now - oldestSeen <= agingNanos || expire(now) == 0) {
                learnFailures++;
                return false;
            }
            return learn(mac, port, now);
        }
        if (size == 0) {
            oldestSeen = now;
        }
        keys[i] = key;
        ports[i] = port;
        lastSeen[i] = now;
        size++;
        return true;
    }

    /** Removes every entry older than the aging time. */
    public int expire(long now) {
        int removed = 0;
        long oldest = now;
        for (int i = 0; i < keys.length; i++) {
            while (keys[i] != 0 && now - lastSeen[i] > agingNanos) {
                deleteAt(i); // shifts a later entry into slot i: look at it again
                removed++;
            }
            if (keys[i] != 0 && lastSeen[i] - oldest < 0) {
                oldest = lastSeen[i];
            }
        }
        oldestSeen = oldest;
        return removed;
    }

    /** Forgets every address learned on {@code port} (its link went down). */
    public void flushPort(int port) {
        for (int i = 0; i < keys.length; i++) {
            while (keys[i] != 0 && ports[i] == port) {
                deleteAt(i);
            }
        }
    }

    public void clear() {
        java.util.Arrays.fill(keys, 0);
        size = 0;
    }

    private void deleteAt(int hole) {
        size--;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long k = keys[i];
            if (k == 0) {
                break;
            }
            int home = slot(k) & mask;
            boolean homeBetween = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!homeBetween) {
                keys[hole] = k;
                ports[hole] = ports[i];
                lastSeen[hole] = lastSeen[i];
                hole = i;
            }
        }
        keys[hole] = 0;
    }

    public int size() {
        return size;
    }

    public int limit() {
        return limit;
    }

    public long agingNanos() {
        return agingNanos;
    }

    /** Addresses that could not be learned because the table was full. */
    public long learnFailures() {
        return learnFailures;
    }

    /** A snapshot for display, oldest first is not guaranteed. */
    public List<Entry> entries(long now) {
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0 && now - lastSeen[i] <= agingNanos) {
                out.add(new Entry(keys[i] - 1, ports[i], now - lastSeen[i]));
            }
        }
        return out;
    }

    /** One learned address and how long ago it was last seen. */
    public record Entry(long mac, int port, long ageNanos) {
    }
}
