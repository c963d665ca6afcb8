package io.tapnet.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node of a topology, as the file describes it.
 *
 * <p>The constructor only normalises (null lists become empty, lists are copied, a Linux node's
 * namespace defaults to its name); checking that the values make sense is {@link TopologyValidator}'s job,
 * so tests can build deliberately broken nodes.
 *
 * @param name          node name, {@code [a-zA-Z][a-zA-Z0-9_-]{0,31}}
 * @param kind          what the node is
 * @param interfaces    interfaces in file order; for a switch, its ports in the order links use them
 * @param gateway       default gateway of a host or Linux node, or null
 * @param routes        static routes in file order
 * @param netns         network namespace of a Linux node (defaults to the node name); null for other kinds
 * @param macTableSize  switch only: how many MAC addresses the switch learns at most
 * @param macAgingNanos switch only: how long a learned MAC stays in the table without being seen again
 * @param firewall      hosts and routers: access control and NAT ({@link FirewallSpec#NONE} without)
 * @param services      hosts only: servers started when the network is built ({@code services:}), in file order
 * @param offloads      Linux nodes: let the kernel hand tapnet partial checksums and 64 KiB TCP
 *                      segments through its TAPs; Java hosts: send and take such TCP super-frames
 *                      themselves ({@link io.tapnet.ip.Ipv4Stack#setSegmentationOffload}) ({@code offloads:},
 *                      default true)
 * @param threadedNapi  Linux nodes only: the kernel receives from tapnet on a thread of its own
 *                      ({@code threaded-napi:}; by default only without offloads, where it pays: many
 *                      small frames, each with the host's TCP/IP work behind it)
 */
public record NodeSpec(String name, NodeKind kind, List<InterfaceSpec> interfaces, Integer gateway,
                       List<RouteSpec> routes, String netns, int macTableSize, long macAgingNanos,
                       FirewallSpec firewall, List<ServiceSpec> services, boolean offloads,
                       boolean threadedNapi) {

    /** Switch MAC table capacity when the file gives none. */
    public static final int DEFAULT_MAC_TABLE_SIZE = 8192;
    /** Switch MAC aging time when the file gives none: 300 s, the IEEE 802.1D recommended default. */
    public static final long DEFAULT_MAC_AGING_NANOS = TimeUnit.SECONDS.toNanos(300);

    public NodeSpec {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        routes = routes == null ? List.of() : List.copyOf(routes);
        firewall = firewall == null ? FirewallSpec.NONE : firewall;
        services = services == null ? List.of() : List.copyOf(services);
        if (kind == NodeKind.LINUX && netns == null) {
            netns = name;
        }
    }

    /** A node with offloads at their default (on). */
    public NodeSpec(String name, NodeKind kind, List<InterfaceSpec> interfaces, Integer gateway,
                    List<RouteSpec> routes, String netns, int macTableSize, long macAgingNanos,
                    FirewallSpec firewall, List<ServiceSpec> services) {
        this(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, firewall, services, true,
                false);
    }

    /** A node without services. */
    public NodeSpec(String name, NodeKind kind, List<InterfaceSpec> interfaces, Integer gateway,
                    List<RouteSpec> routes, String netns, int macTableSize, long macAgingNanos,
                    FirewallSpec firewall) {
        this(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, firewall, List.of());
    }

    /** A node without access control or NAT. */
    public NodeSpec(String name, NodeKind kind, List<InterfaceSpec> interfaces, Integer gateway,
                    List<RouteSpec> routes, String netns, int macTableSize, long macAgingNanos) {
        this(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, FirewallSpec.NONE);
    }

    /** A node with the switch settings at their defaults. */
    public NodeSpec(String name, NodeKind kind, List<InterfaceSpec> interfaces, Integer gateway,
                    List<RouteSpec> routes) {
        this(name, kind, interfaces, gateway, routes, null, DEFAULT_MAC_TABLE_SIZE, DEFAULT_MAC_AGING_NANOS,
                FirewallSpec.NONE);
    }

    /** This node with {@code firewall} as its access control and NAT. */
    public NodeSpec withFirewall(FirewallSpec firewall) {
        return new NodeSpec(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, firewall,
                services, offloads, threadedNapi);
    }

    /** This node starting {@code services} when the network is built. */
    public NodeSpec withServices(List<ServiceSpec> services) {
        return new NodeSpec(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, firewall,
                services, offloads, threadedNapi);
    }

    /** This node with the kernel's offloads on or off on its TAPs. */
    public NodeSpec withOffloads(boolean offloads) {
        return new NodeSpec(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, firewall,
                services, offloads, threadedNapi);
    }

    /** This node with the kernel receiving on a thread of its own, or inside tapnet's writes. */
    public NodeSpec withThreadedNapi(boolean threadedNapi) {
        return new NodeSpec(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos, firewall,
                services, offloads, threadedNapi);
    }

    /** The interface called {@code interfaceName}, or null. */
    public InterfaceSpec interfaceNamed(String interfaceName) {
        for (InterfaceSpec candidate : interfaces) {
            if (candidate.name().equals(interfaceName)) {
                return candidate;
            }
        }
        return null;
    }

    /** The names of the interfaces, in order. */
    public List<String> interfaceNames() {
        return interfaces.stream().map(InterfaceSpec::name).toList();
    }

    /** The addresses of the interfaces that have one, in interface order. */
    public List<Cidr> addresses() {
        List<Cidr> addresses = new ArrayList<>();
        for (InterfaceSpec candidate : interfaces) {
            if (candidate.address() != null) {
                addresses.add(candidate.address());
            }
        }
        return addresses;
    }

    /** The interface whose address is exactly {@code ip}, or null. */
    public InterfaceSpec interfaceWithAddress(int ip) {
        for (InterfaceSpec candidate : interfaces) {
            if (candidate.address() != null && candidate.address().address() == ip) {
                return candidate;
            }
        }
        return null;
    }

    /** The first interface whose subnet holds {@code ip}, or null: where a neighbour with that address is. */
    public InterfaceSpec interfaceOnSubnetOf(int ip) {
        for (InterfaceSpec candidate : interfaces) {
            if (candidate.address() != null && candidate.address().contains(ip)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name + " (" + kind + ")";
    }
}
