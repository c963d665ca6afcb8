package io.tapnet.transport.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Connections by 4-tuple: an open-addressing hash table whose keys are two primitives, (local
 * address, remote address) and (local port, remote port), so a lookup on the receive path neither
 * boxes nor allocates. Deletion uses backward-shift, so there are no tombstones.
 */
final class ConnectionTable {
    private long[] addresses = new long[64];
    private int[] ports = new int[64];
    private TcpConnection[] values = new TcpConnection[64];
    private int size;

    static long addressKey(int localAddress, int remoteAddress) {
        return ((long) localAddress << 32) | (remoteAddress & 0xffffffffL);
    }

    static int portKey(int localPort, int remotePort) {
        return (localPort << 16) | (remotePort & 0xffff);
    }

    private static int hash(long a, int p) {
        long h = a * 0x9E3779B97F4A7C15L + p * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    TcpConnection get(int localAddress, int localPort, int remoteAddress, int remotePort) {
        long a = addressKey(localAddress, remoteAddress);
        int p = portKey(localPort, remotePort);
        int mask = values.length - 1;
        for (int i = hash(a, p) & mask; values[i] != null; i = (i + 1) & mask) {
            if (addresses[i] == a && ports[i] == p) {
                return values[i];
            }
        }
        return null;
    }

    void put(TcpConnection c) {
        if ((size + 1) * 2 > values.length) {
            resize(values.length * 2);
        }
        insert(addressKey(c.localAddress, c.remoteAddress), portKey(c.localPort, c.remotePort), c);
        size++;
    }

    private void insert(long a, int p, TcpConnection c) {
        int mask = values.length - 1;
        int i = hash(a, p) & mask;
        while (values[i] != null) {
            if (addresses[i] == a && ports[i] == p) {
                throw new IllegalStateException("4-tuple already in use");
            }
            i = (i + 1) & mask;
        }
        addresses[i] = a;
        ports[i] = p;
        values[i] = c;
    }

    private void resize(int capacity) {
        long[] oa = addresses;
        int[] op = ports;
        TcpConnection[] ov = values;
        addresses = new long[capacity];
        ports = new int[capacity];
        values = new TcpConnection[capacity];
        for (int i = 0; i < ov.length; i++) {
            if (ov[i] != null) {
                insert(oa[i], op[i], ov[i]);
            }
        }
    }

    boolean remove(TcpConnection c) {
        long a = addressKey(c.localAddress, c.remoteAddress);
        int p = portKey(c.localPort, c.remotePort);
        int mask = values.length - 1;
        int i = hash(a, p) & mask;
        while (values[i] != null) {
            if (values[i] == c) {
                values[i] = null;
                size--;
                // Backward-shift deletion (Knuth 6.4 algorithm R).
                int j = i;
                while (true) {
                    j = (j + 1) & mask;
                    if (values[j] == null) {
                        break;
                    }
                    int home = hash(addresses[j], ports[j]) & mask;
                    boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
                    if (movable) {
                        addresses[i] = addresses[j];
                        ports[i] = ports[j];
                        values[i] = values[j];
                        values[j] = null;
                        i = j;
                    }
                }
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    int size() {
        return size;
    }

    List<TcpConnection> all() {
        List<TcpConnection> list = new ArrayList<>(size);
        for (TcpConnection c : values) {
            if (c != null) {
                list.add(c);
            }
        }
        return list;
    }
}
