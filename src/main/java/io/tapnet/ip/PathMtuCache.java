package io.tapnet.ip;

import io.tapnet.collect.IntObjectMap;

/**
 * What a host learned about path MTUs from ICMP "fragmentation needed" (RFC 1191 section 3): per
 * destination, the smallest next-hop MTU reported, forgotten after {@link #EXPIRY_NANOS} so that a
 * path that grew is found again (Linux's {@code mtu_expires}). Bounded: when full, the entry closest
 * to expiry makes room.
 */
final class PathMtuCache {
    /** Linux's net.ipv4.route.mtu_expires default; RFC 1191 section 6.3 suggests 10 minutes. */
    static final long EXPIRY_NANOS = 600_000_000_000L;
    /** RFC 791: every host must accept 576-byte datagrams; RFC 1191 never goes below 68. */
    static final int MIN_MTU = 68;
    private static final int MAX_ENTRIES = 4096;

    private static final class Entry {
        int mtu;
        long expires;
    }

    private final IntObjectMap<Entry> entries = new IntObjectMap<>();

    /** Records a report of {@code mtu} for the path to {@code destination}. */
    void learn(int destination, int mtu, long now) {
        if (mtu < MIN_MTU) {
            return;
        }
        Entry e = entries.get(destination);
        if (e == null) {
            if (entries.size() >= MAX_ENTRIES) {
                evict(now);
            }
            e = new Entry();
            e.mtu = mtu;
            entries.put(destination, e);
        } else if (e.expires > now) {
            e.mtu = Math.min(e.mtu, mtu);
        } else {
            e.mtu = mtu;
        }
        e.expires = now + EXPIRY_NANOS;
    }

    /** The path MTU known for {@code destination}, or {@code Integer.MAX_VALUE} when none is. */
    int get(int destination, long now) {
        if (entries.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        Entry e = entries.get(destination);
        return e == null || e.expires <= now ? Integer.MAX_VALUE : e.mtu;
    }

    private void evict(long now) {
        int[] victim = {0};
        long[] soonest = {Long.MAX_VALUE};
        entries.forEach((address, e) -> {
            if (e.expires < soonest[0]) {
                soonest[0] = e.expires;
                victim[0] = address;
            }
        });
        entries.remove(victim[0]);
    }

    void clear() {
        entries.clear();
    }
}
