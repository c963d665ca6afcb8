package io.tapnet.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A paper model of IPv4 forwarding over a topology, to check that example files route every address
 * to every node: longest-prefix match over connected subnets, static routes and the gateway; ARP
 * within the layer-2 segment that links and switches form; only routers forward.
 */
final class Reachability {

    private static final int MAX_HOPS = 64;

    private final Topology topology;
    /** Layer-2 segment of each interface: interfaces joined by links or by one switch share one. */
    private final Map<Endpoint, Endpoint> parent = new HashMap<>();

    Reachability(Topology topology) {
        this.topology = topology;
        for (NodeSpec node : topology.nodes()) {
            for (InterfaceSpec iface : node.interfaces()) {
                Endpoint end = new Endpoint(node.name(), iface.name());
                parent.put(end, end);
            }
            if (node.kind() == NodeKind.SWITCH) {
                for (InterfaceSpec port : node.interfaces()) {
                    union(new Endpoint(node.name(), node.interfaces().get(0).name()), new Endpoint(node.name(), port.name()));
                }
            }
        }
        for (LinkSpec link : topology.links()) {
            union(link.a(), link.b());
        }
    }

    /** Every (from node, to address) pair that does not get through, described; empty when all do. */
    List<String> failures() {
        List<String> failures = new ArrayList<>();
        for (NodeSpec from : topology.nodes()) {
            if (from.kind() == NodeKind.SWITCH) {
                continue;
            }
            for (NodeSpec to : topology.nodes()) {
                for (Cidr address : to.addresses()) {
                    String result = deliver(from, address.address());
                    if (result != null) {
                        failures.add(from.name() + " -> " + to.name() + " " + AddressSyntax.formatIpv4(address.address())
                                + ": " + result);
                    }
                }
            }
        }
        return failures;
    }

    /** Null if a packet from {@code from} reaches the node owning {@code destination}, else why not. */
    String deliver(NodeSpec from, int destination) {
        NodeSpec at = from;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            if (at.interfaceWithAddress(destination) != null) {
                return null;
            }
            if (at != from && at.kind() != NodeKind.ROUTER) {
                return "reached " + at.name() + ", which does not forward";
            }
            int[] nextHop = new int[1];
            InterfaceSpec out = lookup(at, destination, nextHop);
            if (out == null) {
                return "no route at " + at.name();
            }
            NodeSpec neighbour = neighbourWithAddress(new Endpoint(at.name(), out.name()), nextHop[0]);
            if (neighbour == null) {
                return "nobody answers ARP for " + AddressSyntax.formatIpv4(nextHop[0]) + " at " + at.name() + ":" + out.name();
            }
            at = neighbour;
        }
        return "routing loop";
    }

    private InterfaceSpec lookup(NodeSpec node, int destination, int[] nextHop) {
        InterfaceSpec best = null;
        int bestLength = -1;
        for (InterfaceSpec iface : node.interfaces()) {
            Cidr address = iface.address();
            if (address != null && address.contains(destination) && address.prefixLength() > bestLength) {
                best = iface;
                bestLength = address.prefixLength();
                nextHop[0] = destination;
            }
        }
        List<RouteSpec> routes = new ArrayList<>(node.routes());
        if (node.gateway() != null) {
            routes.add(new RouteSpec(Cidr.DEFAULT_ROUTE, node.gateway()));
        }
        for (RouteSpec route : routes) {
            if (route.destination().contains(destination) && route.destination().prefixLength() > bestLength) {
                InterfaceSpec out = route.device() != null ? node.interfaceNamed(route.device())
                        : node.interfaceOnSubnetOf(route.nextHop());
                if (out != null) {
                    best = out;
                    bestLength = route.destination().prefixLength();
                    nextHop[0] = route.nextHop();
                }
            }
        }
        return best;
    }

    private NodeSpec neighbourWithAddress(Endpoint out, int address) {
        Endpoint segment = find(out);
        for (NodeSpec node : topology.nodes()) {
            InterfaceSpec iface = node.interfaceWithAddress(address);
            if (iface != null && find(new Endpoint(node.name(), iface.name())).equals(segment)) {
                return node;
            }
        }
        return null;
    }

    private Endpoint find(Endpoint end) {
        Endpoint root = parent.get(end);
        if (root == null) {
            throw new IllegalArgumentException("no interface " + end);
        }
        return root.equals(end) ? end : find(root);
    }

    private void union(Endpoint a, Endpoint b) {
        parent.put(find(a), find(b));
    }
}
