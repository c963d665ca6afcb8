package io.tapnet.ip.filter;

import java.util.Arrays;

/**
 * Which connection the fragments of a datagram belong to. Only the first fragment carries ports, so
 * when it passes, its (source, destination, protocol, identification) is remembered with its tuple;
 * the later fragments of the same datagram then get the same verdict and the same address
 * translation without being reassembled. Direct-mapped and fixed in size: a colliding datagram simply
 * takes the slot, and its predecessor's remaining fragments are treated as untracked.
 */
final class FragmentMemory {
    /** As long as Linux keeps fragments waiting for reassembly ({@code ipfrag_time}). */
    static final long LIFETIME_NANOS = 30_000_000_000L;

    private final int[] sources;
    private final int[] destinations;
    private final int[] protocolAndIds;
    private final Tuple[] tuples;
    private final long[] expiries;

    FragmentMemory(int slots) {
        int n = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        sources = new int[n];
        destinations = new int[n];
        protocolAndIds = new int[n];
        tuples = new Tuple[n];
        expiries = new long[n];
    }

    private int slot(int source, int destination, int protocolAndId) {
        return ConnTrack.hash(0, source, destination, protocolAndId, 0) & (tuples.length - 1);
    }

    void remember(int source, int destination, int protocol, int identification, Tuple tuple, long now) {
        int key = (protocol << 16) | identification;
        int i = slot(source, destination, key);
        sources[i] = source;
        destinations[i] = destination;
        protocolAndIds[i] = key;
        tuples[i] = tuple;
        expiries[i] = now + LIFETIME_NANOS;
    }

    Tuple find(int source, int destination, int protocol, int identification, long now) {
        int key = (protocol << 16) | identification;
        int i = slot(source, destination, key);
        Tuple t = tuples[i];
        if (t == null || sources[i] != source || destinations[i] != destination || protocolAndIds[i] != key) {
            return null;
        }
        if (expiries[i] <= now || !t.connection.alive || t.connection.expiresAt <= now) {
            tuples[i] = null;
            return null;
        }
        return t;
    }

    void clear() {
        Arrays.fill(tuples, null);
    }
}
