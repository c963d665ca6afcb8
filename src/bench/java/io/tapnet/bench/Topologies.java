package io.tapnet.bench;

import io.tapnet.topology.Cidr;
import io.tapnet.topology.Endpoint;
import io.tapnet.topology.InterfaceSpec;
import io.tapnet.topology.LinkSpec;
import io.tapnet.topology.NodeKind;
import io.tapnet.topology.NodeSpec;
import io.tapnet.topology.RouteSpec;
import io.tapnet.topology.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds benchmark topologies with the topology records, the way a loaded file would describe them
 * (so {@link io.tapnet.topology.NetworkBuilder} builds them exactly as it builds a file).
 */
final class Topologies {
    final List<NodeSpec> nodes = new ArrayList<>();
    final List<LinkSpec> links = new ArrayList<>();
    private final java.util.Map<String, Integer> switchPorts = new java.util.HashMap<>();

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    void host(String name, int address, int prefix, int gateway) {
        nodes.add(new NodeSpec(name, NodeKind.HOST, List.of(new InterfaceSpec("eth0", new Cidr(address, prefix))),
                gateway, List.of()));
    }

    /** A router; {@code ifs} are CIDRs for eth0, eth1, ...; {@code routes} as {@link RouteSpec}. */
    void router(String name, List<Cidr> ifs, List<RouteSpec> routes) {
        List<InterfaceSpec> specs = new ArrayList<>(ifs.size());
        for (int i = 0; i < ifs.size(); i++) {
            specs.add(new InterfaceSpec("eth" + i, ifs.get(i)));
        }
        nodes.add(new NodeSpec(name, NodeKind.ROUTER, specs, null, routes));
    }

    /** A switch with {@code ports} ports p1..pN, which {@link #toSwitch} links use in order. */
    void switchNode(String name, int ports) {
        List<InterfaceSpec> specs = new ArrayList<>(ports);
        for (int i = 1; i <= ports; i++) {
            specs.add(InterfaceSpec.switchPort("p" + i, InterfaceSpec.DEFAULT_MTU));
        }
        nodes.add(new NodeSpec(name, NodeKind.SWITCH, specs, null, List.of()));
        switchPorts.put(name, 0);
    }

    void link(String a, String aIf, String b, String bIf) {
        links.add(new LinkSpec(new Endpoint(a, aIf), new Endpoint(b, bIf)));
    }

    /** Links {@code node:iface} to the next free port of switch {@code sw}. */
    void toSwitch(String node, String iface, String sw) {
        int port = switchPorts.merge(sw, 1, Integer::sum);
        link(node, iface, sw, "p" + port);
    }

    Topology build(String name) {
        return new Topology(name, "scripts/bench (generated)", nodes, links);
    }
}
