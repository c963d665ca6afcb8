package io.tapnet.ip.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * The connection-tracking table of one node: every tracked connection indexed by both of its
 * tuples, bounded, and aged by the loop time handed to each call (it never reads a clock).
 *
 * <p>Lookups allocate nothing: tuples hang in a chained hash table keyed by protocol, addresses and
 * ports. Expiry is lazy and incremental: a lookup that finds an expired entry removes it, and every
 * packet moves a sweeping cursor a few entries along the ring of all connections, removing the
 * expired ones it passes, so the table never needs a timer. When the table is full, a new connection
 * first makes the sweep look further, then gives up one unreplied connection (as Linux's
 * {@code early_drop} does); if every entry is live and replied, the new connection's packet is
 * dropped and counted.
 */
public final class ConnTrack {
    /** Entries the sweep looks at per packet: enough to keep up with expiry at any packet rate. */
    static final int SWEEP_PER_PACKET = 2;
    /** Entries looked at before giving up a slot when the table is full. */
    static final int SWEEP_WHEN_FULL = 64;
    private static final int MAX_BUCKETS = 1 << 20;

    private ConnTrackConfig config;
    private Tuple[] buckets = new Tuple[64];
    private final Connection ring = new Connection();
    private Connection cursor = ring;
    private int size;
    private long created;
    private long expired;
    private long earlyDrops;
    private long insertFailures;

    public ConnTrack(ConnTrackConfig config) {
        this.config = config;
    }

    public ConnTrackConfig config() {
        return config;
    }

    /** New timeouts apply from each entry's next packet; a smaller bound applies to new connections. */
    public void setConfig(ConnTrackConfig config) {
        this.config = config;
    }

    static int hash(int protocol, int source, int destination, int sourcePort, int destinationPort) {
        int h = source * 0x9E3779B1;
        h ^= Integer.rotateLeft(destination * 0x85EBCA77, 13);
        h ^= ((sourcePort << 16) | destinationPort) * 0xC2B2AE3D;
        h ^= protocol;
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        return h;
    }

    /**
     * The tuple a packet with these fields belongs to, or null. {@code protocol} is the key protocol:
     * the protocol number, with an ICMP query's type in the byte above it. An expired entry found on the way is
     * removed and not returned.
     */
    public Tuple find(int protocol, int source, int destination, int sourcePort, int destinationPort, long now) {
        Tuple[] b = buckets;
        int i = hash(protocol, source, destination, sourcePort, destinationPort) & (b.length - 1);
        for (Tuple t = b[i]; t != null; t = t.nextInBucket) {
            if (t.is(protocol, source, destination, sourcePort, destinationPort)) {
                if (t.connection.expiresAt <= now) {
                    expired++;
                    remove(t.connection);
                    return null;
                }
                return t;
            }
        }
        return null;
    }

    /**
     * Adds a connection with its original and reply tuples, or returns null (and counts it) when the
     * table is full of live, replied connections. The caller refreshes its state.
     */
    Connection insert(int protocol, int replyProtocol, int oSrc, int oDst, int oSport, int oDport,
                      int rSrc, int rDst, int rSport, int rDport, long now) {
        if (size >= config.maxEntries()) {
            sweep(now, SWEEP_WHEN_FULL);
            if (size >= config.maxEntries()) {
                Connection victim = firstUnassured(SWEEP_WHEN_FULL);
                if (victim != null) {
                    earlyDrops++;
                    remove(victim);
                }
            }
            if (size >= config.maxEntries()) {
                insertFailures++;
                return null;
            }
        }
        Connection c = new Connection(protocol, replyProtocol, oSrc, oDst, oSport, oDport, rSrc, rDst, rSport, rDport,
                now);
        if (size + 1 > buckets.length && buckets.length < MAX_BUCKETS) {
            grow();
        }
        link(c.original);
        link(c.reply);
        // Newest just behind the cursor, so the sweep reaches it last.
        c.next = cursor;
        c.prev = cursor.prev;
        cursor.prev.next = c;
        cursor.prev = c;
        size++;
        created++;
        return c;
    }

    private void link(Tuple t) {
        int i = hash(t.protocol, t.source, t.destination, t.sourcePort, t.destinationPort) & (buckets.length - 1);
        t.nextInBucket = buckets[i];
        buckets[i] = t;
    }

    private void unlink(Tuple t) {
        int i = hash(t.protocol, t.source, t.destination, t.sourcePort, t.destinationPort) & (buckets.length - 1);
        Tuple prev = null;
        for (Tuple x = buckets[i]; x != null; prev = x, x = x.nextInBucket) {
            if (x == t) {
                if (prev == null) {
                    buckets[i] = x.nextInBucket;
                } else {
                    prev.nextInBucket = x.nextInBucket;
                }
                t.nextInBucket = null;
                return;
            }
        }
    }

    private void grow() {
        Tuple[] old = buckets;
        buckets = new Tuple[old.length * 2];
        for (Tuple head : old) {
            Tuple t = head;
            while (t != null) {
                Tuple next = t.nextInBucket;
                link(t);
                t = next;
            }
        }
    }

    /** Forgets {@code c}. */
    void remove(Connection c) {
        if (!c.alive) {
            return;
        }
        c.alive = false;
        unlink(c.original);
        unlink(c.reply);
        if (cursor == c) {
            cursor = c.next;
        }
        c.prev.next = c.next;
        c.next.prev = c.prev;
        c.prev = null;
        c.next = null;
        size--;
    }

    /** Moves the sweeping cursor over up to {@code budget} entries, removing the expired ones. */
    void sweep(long now, int budget) {
        Connection c = cursor;
        for (int i = 0; i < budget && size > 0; i++) {
            if (c == ring) {
                c = ring.next;
            }
            Connection next = c.next;
            if (c.expiresAt <= now) {
                expired++;
                remove(c);
            }
            c = next;
        }
        cursor = c;
    }

    private Connection firstUnassured(int budget) {
        Connection c = cursor;
        for (int i = 0; i < budget && size > 0; i++) {
            if (c == ring) {
                c = ring.next;
            }
            if (!c.assured) {
                return c;
            }
            c = c.next;
        }
        return null;
    }

    /** Removes every expired entry; returns how many went. */
    public int expire(long now) {
        int removed = 0;
        Connection c = ring.next;
        while (c != ring) {
            Connection next = c.next;
            if (c.expiresAt <= now) {
                remove(c);
                removed++;
            }
            c = next;
        }
        expired += removed;
        return removed;
    }

    /** The live connections, oldest first (expired ones are removed first). */
    public List<Connection> connections(long now) {
        expire(now);
        List<Connection> out = new ArrayList<>(size);
        for (Connection c = ring.next; c != ring; c = c.next) {
            out.add(c);
        }
        out.sort((a, b) -> Long.compare(a.createdAt, b.createdAt));
        return out;
    }

    /** Entries in the table, including expired ones not yet swept. */
    public int size() {
        return size;
    }

    public int maxEntries() {
        return config.maxEntries();
    }

    /** Connections ever added. */
    public long created() {
        return created;
    }

    /** Connections removed because their timeout ran out. */
    public long expired() {
        return expired;
    }

    /** Unreplied connections given up to make room for new ones. */
    public long earlyDrops() {
        return earlyDrops;
    }

    /** New connections refused (their packet dropped) because the table was full. */
    public long insertFailures() {
        return insertFailures;
    }

    /** Forgets every connection (a node restart). */
    public void clear() {
        while (ring.next != ring) {
            remove(ring.next);
        }
        cursor = ring;
    }
}
