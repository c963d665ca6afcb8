package io.tapnet.ip;

import io.tapnet.collect.IntObjectMap;
import io.tapnet.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Longest-prefix-match IPv4 routing (RFC 1812 5.2.4.3): one hash table per prefix length, probed from
 * the longest length present down to /0. A lookup allocates nothing and costs one probe per distinct
 * prefix length in use, which in emulated topologies is a handful.
 */
public final class RoutingTable {
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final IntObjectMap<Route>[] byLength = new IntObjectMap[33];
    /** Prefix lengths in use, longest first. */
    private int[] lengths = new int[0];

    /** Adds or replaces the route for the same prefix. */
    public void add(Route route) {
        int len = route.prefixLength();
        if (byLength[len] == null) {
            byLength[len] = new IntObjectMap<>();
        }
        byLength[len].put(route.network(), route);
        refreshLengths();
    }

    public boolean remove(int network, int prefixLength) {
        IntObjectMap<Route> m = byLength[prefixLength];
        if (m == null) {
            return false;
        }
        boolean removed = m.remove(network & Ipv4Address.prefixMask(prefixLength)) != null;
        if (m.isEmpty()) {
            byLength[prefixLength] = null;
        }
        refreshLengths();
        return removed;
    }

    /** Removes every route through {@code iface}. */
    public void removeInterface(IpInterface iface) {
        for (Route r : routes()) {
            if (r.iface() == iface) {
                remove(r.network(), r.prefixLength());
            }
        }
    }

    private void refreshLengths() {
        int n = 0;
        for (IntObjectMap<Route> m : byLength) {
            if (m != null) {
                n++;
            }
        }
        int[] out = new int[n];
        int k = 0;
        for (int len = 32; len >= 0; len--) {
            if (byLength[len] != null) {
                out[k++] = len;
            }
        }
        lengths = out;
    }

    /** The most specific route for {@code destination}, or null. */
    public Route lookup(int destination) {
        int[] ls = lengths;
        for (int len : ls) {
            Route r = byLength[len].get(destination & Ipv4Address.prefixMask(len));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** All routes, most specific first, then by network. */
    public List<Route> routes() {
        List<Route> out = new ArrayList<>();
        for (int len : lengths) {
            byLength[len].forEach((k, r) -> out.add(r));
        }
        out.sort(Comparator.comparingInt(Route::prefixLength).reversed()
                .thenComparingLong(r -> Integer.toUnsignedLong(r.network())));
        return out;
    }

    public int size() {
        int n = 0;
        for (int len : lengths) {
            n += byLength[len].size();
        }
        return n;
    }
}
