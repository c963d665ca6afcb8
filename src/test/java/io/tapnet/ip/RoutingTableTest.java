package io.tapnet.ip;

import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.EventLoop;
import io.tapnet.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Longest-prefix match (RFC 1812 5.2.4.3). */
class RoutingTableTest {
    final Ipv4Stack stack = new Ipv4Stack(EventLoop.virtual(), "r", true);
    final IpInterface eth0 = stack.addInterface("eth0", 0x020000000001L, ip("192.0.2.1"), 24, 1500);
    final IpInterface eth1 = stack.addInterface("eth1", 0x020000000002L, ip("198.51.100.1"), 24, 1500);

    Route route(String prefix, String gateway, IpInterface iface) {
        String[] p = prefix.split("/");
        return new Route(ip(p[0]), Integer.parseInt(p[1]), gateway == null ? 0 : ip(gateway), iface, Route.Origin.STATIC);
    }

    @Test
    void theMostSpecificOfOverlappingPrefixesWins() {
        RoutingTable t = new RoutingTable();
        Route def = route("0.0.0.0/0", "192.0.2.254", eth0);
        Route eight = route("10.0.0.0/8", "192.0.2.8", eth0);
        Route sixteen = route("10.1.0.0/16", "198.51.100.16", eth1);
        Route twentyFour = route("10.1.2.0/24", "192.0.2.24", eth0);
        Route host = route("10.1.2.3/32", "198.51.100.32", eth1);
        for (Route r : List.of(sixteen, def, host, eight, twentyFour)) {
            t.add(r);
        }
        assertSame(host, t.lookup(ip("10.1.2.3")));
        assertSame(twentyFour, t.lookup(ip("10.1.2.4")));
        assertSame(twentyFour, t.lookup(ip("10.1.2.0")));
        assertSame(twentyFour, t.lookup(ip("10.1.2.255")));
        assertSame(sixteen, t.lookup(ip("10.1.3.3")));
        assertSame(sixteen, t.lookup(ip("10.1.255.255")));
        assertSame(eight, t.lookup(ip("10.2.0.0")));
        assertSame(eight, t.lookup(ip("10.255.255.255")));
        assertSame(def, t.lookup(ip("11.0.0.0")));
        assertSame(def, t.lookup(ip("255.255.255.255")));
        assertSame(def, t.lookup(ip("0.0.0.0")));
        assertEquals(5, t.size());
    }

    @Test
    void withoutADefaultRouteUnmatchedAddressesHaveNoRoute() {
        RoutingTable t = new RoutingTable();
        t.add(route("10.0.0.0/8", null, eth0));
        assertNull(t.lookup(ip("11.0.0.1")));
        assertNull(t.lookup(ip("9.255.255.255")));
        assertNull(new RoutingTable().lookup(ip("10.0.0.1")));
    }

    @Test
    void theNetworkIsMaskedSoHostBitsDoNotMatter() {
        RoutingTable t = new RoutingTable();
        Route r = route("10.1.2.77/24", null, eth0);
        assertEquals(ip("10.1.2.0"), r.network());
        t.add(r);
        assertSame(r, t.lookup(ip("10.1.2.200")));
        assertTrue(t.remove(ip("10.1.2.99"), 24), "removal masks too");
        assertNull(t.lookup(ip("10.1.2.200")));
    }

    @Test
    void addingTheSamePrefixReplacesTheRoute() {
        RoutingTable t = new RoutingTable();
        t.add(route("10.0.0.0/8", "192.0.2.1", eth0));
        Route replacement = route("10.0.0.0/8", "198.51.100.9", eth1);
        t.add(replacement);
        assertEquals(1, t.size());
        assertSame(replacement, t.lookup(ip("10.9.9.9")));
    }

    @Test
    void removalFallsBackToTheNextLongestPrefix() {
        RoutingTable t = new RoutingTable();
        Route def = route("0.0.0.0/0", "192.0.2.254", eth0);
        Route sixteen = route("10.1.0.0/16", null, eth1);
        Route host = route("10.1.2.3/32", null, eth0);
        t.add(def);
        t.add(sixteen);
        t.add(host);
        assertTrue(t.remove(ip("10.1.2.3"), 32));
        assertSame(sixteen, t.lookup(ip("10.1.2.3")));
        assertFalse(t.remove(ip("10.1.2.3"), 32), "already gone");
        assertFalse(t.remove(ip("10.9.0.0"), 16), "a length in use, another network");
        assertFalse(t.remove(ip("10.0.0.0"), 8), "a length not in use");
        assertTrue(t.remove(ip("10.1.0.0"), 16));
        assertSame(def, t.lookup(ip("10.1.2.3")));
        assertTrue(t.remove(0, 0));
        assertNull(t.lookup(ip("10.1.2.3")));
        assertEquals(0, t.size());
        assertEquals(List.of(), t.routes());
    }

    @Test
    void removeInterfaceDropsEveryRouteThroughIt() {
        RoutingTable t = new RoutingTable();
        t.add(route("10.0.0.0/8", null, eth0));
        t.add(route("10.1.0.0/16", null, eth1));
        t.add(route("10.1.2.0/24", null, eth0));
        t.add(route("0.0.0.0/0", "198.51.100.254", eth1));
        t.removeInterface(eth0);
        assertEquals(2, t.size());
        assertSame(eth1, t.lookup(ip("10.1.2.3")).iface());
        assertSame(eth1, t.lookup(ip("10.2.0.0")).iface(), "the /8 went; the default remains");
    }

    @Test
    void routesAreListedMostSpecificFirstThenByNetwork() {
        RoutingTable t = new RoutingTable();
        t.add(route("0.0.0.0/0", "192.0.2.254", eth0));
        t.add(route("200.0.0.0/8", null, eth0));
        t.add(route("10.0.0.0/8", null, eth0));
        t.add(route("10.1.2.3/32", null, eth0));
        t.add(route("10.1.0.0/16", null, eth0));
        List<String> described = t.routes().stream().map(Route::describe).toList();
        assertEquals(List.of(
                "10.1.2.3/32 dev eth0 proto static",
                "10.1.0.0/16 dev eth0 proto static",
                "10.0.0.0/8 dev eth0 proto static",
                "200.0.0.0/8 dev eth0 proto static",
                "default via 192.0.2.254 dev eth0 proto static"), described);
    }

    @Test
    void theStacksConnectedRoutesAreInItsTable() {
        assertEquals(List.of(
                "192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.1",
                "198.51.100.0/24 dev eth1 proto kernel scope link src 198.51.100.1"),
                stack.routes().routes().stream().map(Route::describe).toList());
        Route viaGateway = stack.addRoute(ip("10.0.0.0"), 8, ip("198.51.100.7"), null);
        assertSame(eth1, viaGateway.iface(), "the interface is the one on the gateway's subnet");
        assertEquals(ip("198.51.100.7"), viaGateway.nextHop(ip("10.2.3.4")));
        assertEquals(ip("192.0.2.9"), stack.routes().lookup(ip("192.0.2.9")).nextHop(ip("192.0.2.9")));
    }

    /** Random tables and addresses against a linear scan for the longest matching prefix. */
    @Test
    void agreesWithALinearScanOnRandomTables() {
        for (int seed = 0; seed < 100; seed++) {
            Random r = new Random(seed);
            RoutingTable t = new RoutingTable();
            List<Route> model = new ArrayList<>();
            int base = r.nextInt();
            for (int i = 0; i < 1 + r.nextInt(60); i++) {
                int len = r.nextInt(10) == 0 ? 0 : r.nextInt(33);
                // Networks close to one another so that prefixes overlap.
                int network = (base ^ (r.nextInt(1 << 12) << r.nextInt(20))) & Ipv4Address.prefixMask(len);
                Route route = new Route(network, len, 0, r.nextBoolean() ? eth0 : eth1, Route.Origin.STATIC);
                t.add(route);
                model.removeIf(m -> m.network() == route.network() && m.prefixLength() == route.prefixLength());
                model.add(route);
                if (r.nextInt(8) == 0 && !model.isEmpty()) {
                    Route gone = model.remove(r.nextInt(model.size()));
                    assertTrue(t.remove(gone.network(), gone.prefixLength()));
                }
            }
            assertEquals(model.size(), t.size());
            for (int q = 0; q < 500; q++) {
                int address = q % 2 == 0 ? base ^ r.nextInt(1 << 16) : r.nextInt();
                Route best = null;
                for (Route m : model) {
                    if (Ipv4Address.inSubnet(address, m.network(), m.prefixLength())
                            && (best == null || m.prefixLength() > best.prefixLength())) {
                        best = m;
                    }
                }
                assertSame(best, t.lookup(address), "seed " + seed + " address " + Ipv4Address.format(address));
            }
        }
    }
}
