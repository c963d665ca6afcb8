package io.tapnet.topology;

import io.tapnet.topology.SourceMap.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks that a topology makes sense as a network: names are well-formed and unique, every interface
 * has a usable and unique address, gateways and next hops are neighbours, links join existing
 * interfaces one to one.
 *
 * <p>{@link TopologyLoader} runs these checks on every file it reads, with positions; call
 * {@link #validate(Topology)} on a topology built in code to get the same checks (without positions).
 */
public final class TopologyValidator {

    /** Node names: short, and safe in a console command, a file name and a namespace name. */
    public static final Pattern NODE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,31}");
    /** Interface names: what Linux accepts, at most IFNAMSIZ - 1 = 15 characters. */
    public static final Pattern INTERFACE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]{0,14}");
    /** Namespace names become file names under /run/netns. */
    public static final Pattern NETNS_NAME = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,63}");

    private record Place(NodeSpec node, InterfaceSpec iface) {
        @Override
        public String toString() {
            return node.name() + ":" + iface.name();
        }
    }

    private final Topology topology;
    private final SourceMap map;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, NodeSpec> nodesByName = new LinkedHashMap<>();
    private final Map<Integer, Place> addressOwners = new HashMap<>();
    private final Map<Long, Place> macOwners = new HashMap<>();
    private final Map<String, NodeSpec> namespaceOwners = new HashMap<>();

    private TopologyValidator(Topology topology, SourceMap map) {
        this.topology = topology;
        this.map = map;
    }

    /** The problems with {@code topology}, in the order found; empty when it is valid. */
    public static List<Problem> problems(Topology topology) {
        return check(topology, new SourceMap(topology.source()));
    }

    /**
     * Returns {@code topology} if it is valid.
     *
     * @throws TopologyException listing every problem
     */
    public static Topology validate(Topology topology) {
        List<Problem> found = problems(topology);
        if (!found.isEmpty()) {
            throw new TopologyException(found);
        }
        return topology;
    }

    static List<Problem> check(Topology topology, SourceMap map) {
        TopologyValidator validator = new TopologyValidator(topology, map);
        validator.checkNodes();
        validator.checkLinks();
        return validator.problems;
    }

    private void report(Object element, Field field, String message) {
        problems.add(map.problem(element, field, message));
    }

    private void checkNodes() {
        for (NodeSpec node : topology.nodes()) {
            if (node.name() == null) {
                report(node, Field.NAME, "a node has no name");
                continue;
            }
            if (!NODE_NAME.matcher(node.name()).matches()) {
                report(node, Field.NAME, "node name '" + node.name() + "' is not valid: it must start with a letter"
                        + " and continue with letters, digits, '_' or '-', at most 32 characters in all");
            }
            NodeSpec first = nodesByName.putIfAbsent(node.name(), node);
            if (first != null) {
                String where = map.where(first, Field.NAME);
                report(node, Field.NAME, "duplicate node name '" + node.name() + "'"
                        + (where.isEmpty() ? "" : "; it is already defined" + where) + " (node names must be unique)");
                continue;
            }
            if (node.kind() == null) {
                report(node, Field.KIND, "node '" + node.name() + "' has no kind (one of "
                        + String.join(", ", NodeKind.yamlNames()) + ")");
                continue;
            }
            checkInterfaces(node);
            checkGateway(node);
            checkRoutes(node);
            checkNamespace(node);
            checkSwitchSettings(node);
            checkFirewall(node);
        }
    }

    /**
     * Access control and NAT fit the node: ACLs on host and router interfaces, security groups on host
     * interfaces, NAT on routers, every named interface present. A file cannot get these wrong (its
     * reader reports them where they are written); a topology built in code can.
     */
    private void checkFirewall(NodeSpec node) {
        FirewallSpec firewall = node.firewall();
        if (firewall.isEmpty()) {
            return;
        }
        String name = node.name();
        if (node.kind() == NodeKind.LINUX || node.kind() == NodeKind.SWITCH) {
            report(node, Field.NAME, node.kind() == NodeKind.LINUX ? TopologyReader.linuxAccessControl("firewall", name)
                    : "switch '" + name + "' cannot filter or translate; ACLs and NAT belong on routers and hosts");
            return;
        }
        if (node.kind() != NodeKind.HOST && !firewall.securityGroups().isEmpty()) {
            report(node, Field.NAME, "security groups are for host interfaces; give router '" + name + "' an acl instead");
        }
        if (node.kind() != NodeKind.ROUTER && (!firewall.masquerade().isEmpty() || !firewall.forwards().isEmpty())) {
            report(node, Field.NAME, "NAT is done by routers; host '" + name + "' cannot masquerade or forward ports");
        }
        List<String> named = new ArrayList<>(firewall.acls().keySet());
        named.addAll(firewall.securityGroups().keySet());
        named.addAll(firewall.masquerade());
        for (String iface : named) {
            if (node.interfaceNamed(iface) == null) {
                report(node, Field.NAME, "node '" + name + "' has no interface '" + iface + "' for its access control"
                        + Suggestions.didYouMean(iface, node.interfaceNames())
                        + " (interfaces: " + String.join(", ", node.interfaceNames()) + ")");
            }
        }
        for (var forward : firewall.forwards()) {
            if (forward.address() != 0 && node.interfaceWithAddress(forward.address()) == null) {
                report(forward, Field.SELF, "port forward \"" + forward + "\" of router '" + name + "' listens on "
                        + AddressSyntax.formatIpv4(forward.address()) + ", which is not one of its addresses");
            }
        }
    }

    private void checkInterfaces(NodeSpec node) {
        Set<String> names = new HashSet<>();
        for (InterfaceSpec iface : node.interfaces()) {
            String label = node.name() + ":" + iface.name();
            if (iface.name() == null || !INTERFACE_NAME.matcher(iface.name()).matches()) {
                report(iface, Field.NAME, "interface name '" + iface.name() + "' of node '" + node.name()
                        + "' is not valid: it must start with a letter and continue with letters, digits, '_', '.'"
                        + " or '-', at most 15 characters in all (the Linux limit)");
            } else if (!names.add(iface.name())) {
                report(iface, Field.NAME, "node '" + node.name() + "' has two interfaces named '" + iface.name() + "'");
            }
            if (iface.mtu() < InterfaceSpec.MIN_MTU || iface.mtu() > InterfaceSpec.MAX_MTU) {
                report(iface, Field.MTU, "MTU " + iface.mtu() + " of " + label + " is outside "
                        + InterfaceSpec.MIN_MTU + ".." + InterfaceSpec.MAX_MTU + " (Ethernet's is "
                        + InterfaceSpec.DEFAULT_MTU + ")");
            }
            if (node.kind() == NodeKind.SWITCH) {
                if (iface.address() != null) {
                    report(iface, Field.ADDRESS, "switch port " + label + " cannot have an address; a switch only"
                            + " forwards frames, so give addresses to the hosts and routers on it");
                }
                continue;
            }
            if (iface.address() == null) {
                if (!map.isIncomplete(iface)) {
                    report(iface, Field.NAME, "interface " + label + " has no address; give it one, e.g. "
                            + iface.name() + ": 10.0.1.1/24");
                }
            } else {
                checkInterfaceAddress(node, iface);
            }
            if (iface.mac() != null) {
                checkMac(node, iface);
            }
        }
        if (node.kind().hasAddresses() && node.interfaces().isEmpty() && !map.isIncomplete(node)) {
            report(node, Field.NAME, "node '" + node.name() + "' (" + node.kind() + ") has no address; add e.g."
                    + " 'ip: 10.0.0.1/24', or 'interfaces: { eth0: 10.0.0.1/24, eth1: ... }' for several");
        }
    }

    private void checkInterfaceAddress(NodeSpec node, InterfaceSpec iface) {
        Cidr address = iface.address();
        String text = address.toString();
        int top = address.address() >>> 24;
        String unusable = null;
        if (top == 127) {
            unusable = "is a loopback address (127.0.0.0/8)";
        } else if (top == 0) {
            unusable = "is in 0.0.0.0/8, which means 'this network' (RFC 1122 section 3.2.1.3)";
        } else if (top >= 240) {
            unusable = "is in 240.0.0.0/4, which is reserved (RFC 1112 section 4)";
        } else if (top >= 224) {
            unusable = "is a multicast address (224.0.0.0/4)";
        }
        if (unusable != null) {
            report(iface, Field.ADDRESS, "address " + text + " of " + node.name() + ":" + iface.name() + " " + unusable
                    + " and cannot be assigned to an interface; use a private unicast address such as 10.0.1.1/24");
            return;
        }
        if (address.isReservedInSubnet()) {
            boolean network = address.address() == address.network();
            Cidr suggestion = new Cidr(network ? address.network() + 1 : address.broadcast() - 1,
                    address.prefixLength());
            report(iface, Field.ADDRESS, "address " + text + " of " + node.name() + ":" + iface.name() + " is the "
                    + (network ? "network address of its subnet (host bits all zero)"
                    : "broadcast address of its subnet (host bits all one)")
                    + "; use a host address such as " + suggestion);
            return;
        }
        Place here = new Place(node, iface);
        Place first = addressOwners.putIfAbsent(address.address(), here);
        if (first != null) {
            report(iface, Field.ADDRESS, "address " + AddressSyntax.formatIpv4(address.address()) + " of " + here
                    + " is already assigned to " + first + map.where(first.iface(), Field.ADDRESS)
                    + "; every interface needs its own address");
        }
    }

    private void checkMac(NodeSpec node, InterfaceSpec iface) {
        long mac = iface.mac();
        Place here = new Place(node, iface);
        if ((mac >>> 48) != 0) {
            report(iface, Field.MAC, "MAC of " + here + " has more than 48 bits");
            return;
        }
        String text = AddressSyntax.formatMac(mac);
        if (mac == 0) {
            report(iface, Field.MAC, "mac " + text + " of " + here + " is not a usable address; use e.g. 02:00:00:00:00:01");
            return;
        }
        if (((mac >>> 40) & 1) != 0) {
            report(iface, Field.MAC, "mac " + text + " of " + here + " is a multicast address (the lowest bit of"
                    + " the first byte is set); use a unicast one, e.g. 02:00:00:00:00:01");
            return;
        }
        Place first = macOwners.putIfAbsent(mac, here);
        if (first != null) {
            report(iface, Field.MAC, "mac " + text + " of " + here + " is already used by " + first
                    + map.where(first.iface(), Field.MAC) + "; every interface needs its own MAC");
        }
    }

    private void checkGateway(NodeSpec node) {
        Integer gateway = node.gateway();
        if (gateway == null) {
            return;
        }
        String text = AddressSyntax.formatIpv4(gateway);
        if (!node.kind().takesGateway()) {
            report(node, Field.GATEWAY, "a " + node.kind() + " has no gateway; "
                    + (node.kind() == NodeKind.ROUTER ? "give router '" + node.name() + "' the route \"default via "
                    + text + "\" instead" : "remove it from switch '" + node.name() + "'"));
            return;
        }
        List<Cidr> addresses = node.addresses();
        if (addresses.isEmpty()) {
            return;
        }
        InterfaceSpec own = node.interfaceWithAddress(gateway);
        if (own != null) {
            report(node, Field.GATEWAY, "gateway " + text + " of node '" + node.name() + "' is its own address (on "
                    + own.name() + "); use the address of the router on " + own.address().subnet());
            return;
        }
        InterfaceSpec on = node.interfaceOnSubnetOf(gateway);
        if (on == null) {
            report(node, Field.GATEWAY, "gateway " + text + " of node '" + node.name()
                    + "' is not on any of its subnets (" + subnets(addresses) + "); a gateway must be a neighbour,"
                    + " e.g. the router at " + AddressSyntax.formatIpv4(neighbourExample(node, addresses.get(0))));
            return;
        }
        String reserved = reservedRole(on.address(), gateway);
        if (reserved != null) {
            report(node, Field.GATEWAY, "gateway " + text + " of node '" + node.name() + "' is the " + reserved
                    + " of " + on.address().subnet() + "; use the router's own address on it");
        }
    }

    private void checkRoutes(NodeSpec node) {
        if (node.routes().isEmpty()) {
            return;
        }
        if (node.kind() == NodeKind.SWITCH) {
            report(node, Field.NAME, "switch '" + node.name() + "' cannot have routes; only hosts, linux nodes and"
                    + " routers route");
            return;
        }
        Map<Cidr, RouteSpec> seen = new HashMap<>();
        List<Cidr> addresses = node.addresses();
        for (RouteSpec route : node.routes()) {
            Cidr destination = route.destination();
            if (!destination.isNetwork()) {
                report(route, Field.SELF, "route '" + route + "' of node '" + node.name() + "' has a bad destination: "
                        + destination + " has host bits set; write " + destination.subnet());
            }
            RouteSpec first = seen.putIfAbsent(destination.subnet(), route);
            if (first != null) {
                report(route, Field.SELF, "node '" + node.name() + "' has two routes to " + destination.subnet()
                        + " ('" + first + "'" + map.where(first, Field.SELF) + " and '" + route + "'); keep one");
            }
            if (route.isDefault() && node.gateway() != null) {
                report(route, Field.SELF, "node '" + node.name() + "' has both a gateway and a default route; keep"
                        + " one ('gateway: X' means the same as 'default via X')");
            }
            checkNextHop(node, route, addresses);
        }
    }

    private void checkNextHop(NodeSpec node, RouteSpec route, List<Cidr> addresses) {
        String hop = AddressSyntax.formatIpv4(route.nextHop());
        String what = "next hop " + hop + " of route '" + route + "' of node '" + node.name() + "'";
        InterfaceSpec via;
        if (route.device() != null) {
            via = node.interfaceNamed(route.device());
            if (via == null) {
                report(route, Field.SELF, "route '" + route + "' of node '" + node.name() + "' names device '"
                        + route.device() + "', which the node does not have"
                        + Suggestions.didYouMean(route.device(), node.interfaceNames())
                        + " (interfaces: " + String.join(", ", node.interfaceNames()) + ")");
                return;
            }
            if (via.address() == null) {
                return;
            }
        } else if (addresses.isEmpty()) {
            return;
        } else {
            via = node.interfaceOnSubnetOf(route.nextHop());
        }
        InterfaceSpec own = node.interfaceWithAddress(route.nextHop());
        if (own != null) {
            report(route, Field.SELF, what + " is the node's own address (on " + own.name() + "); use the address"
                    + " of the neighbour that forwards the traffic");
            return;
        }
        if (via == null) {
            report(route, Field.SELF, what + " is not on a subnet the node is connected to (" + subnets(addresses)
                    + "); a next hop must be a neighbour's address on one of them");
            return;
        }
        if (!via.address().contains(route.nextHop())) {
            report(route, Field.SELF, what + " is not on the subnet of " + via.name() + " ("
                    + via.address().subnet() + ")");
            return;
        }
        String reserved = reservedRole(via.address(), route.nextHop());
        if (reserved != null) {
            report(route, Field.SELF, what + " is the " + reserved + " of " + via.address().subnet()
                    + "; use the neighbour's own address");
        }
    }

    private void checkNamespace(NodeSpec node) {
        if (node.kind() != NodeKind.LINUX) {
            if (node.netns() != null) {
                report(node, Field.NETNS, "only linux nodes have a network namespace; remove netns from "
                        + node.kind() + " '" + node.name() + "'");
            }
            return;
        }
        String netns = node.netns();
        if (!NETNS_NAME.matcher(netns).matches()) {
            report(node, Field.NETNS, "netns '" + netns + "' of node '" + node.name() + "' is not valid: use letters,"
                    + " digits, '_', '.' and '-' (not starting with '.' or '-'), at most 64 characters");
            return;
        }
        NodeSpec first = namespaceOwners.putIfAbsent(netns, node);
        if (first != null) {
            report(node, Field.NETNS, "netns '" + netns + "' of node '" + node.name() + "' is already the namespace"
                    + " of node '" + first.name() + "'" + map.where(first, Field.NAME)
                    + "; each linux node needs its own namespace");
        }
    }

    private void checkSwitchSettings(NodeSpec node) {
        if (node.kind() != NodeKind.SWITCH) {
            return;
        }
        if (node.macTableSize() < 1) {
            report(node, Field.MAC_TABLE_SIZE, "mac-table-size of switch '" + node.name() + "' must be at least 1,"
                    + " not " + node.macTableSize() + " (default " + NodeSpec.DEFAULT_MAC_TABLE_SIZE + ")");
        }
        if (node.macAgingNanos() <= 0) {
            report(node, Field.MAC_AGING, "mac-aging of switch '" + node.name() + "' must be longer than zero,"
                    + " e.g. " + DurationSyntax.format(NodeSpec.DEFAULT_MAC_AGING_NANOS) + " (the default)");
        }
    }

    private void checkLinks() {
        Map<Endpoint, LinkSpec> connected = new HashMap<>();
        for (LinkSpec link : topology.links()) {
            boolean resolved = true;
            for (Endpoint end : new Endpoint[] {link.a(), link.b()}) {
                resolved &= checkEndpoint(link, end);
            }
            if (!resolved) {
                continue;
            }
            if (link.a().node().equals(link.b().node())) {
                report(link.b(), Field.SELF, "link " + link + " connects node '" + link.a().node() + "' to itself;"
                        + " a link joins two different nodes");
                continue;
            }
            for (Endpoint end : link.endpoints()) {
                LinkSpec first = connected.putIfAbsent(end, link);
                if (first != null) {
                    report(end, Field.SELF, "interface " + end + " is already connected by link " + first
                            + map.where(first, Field.SELF) + "; an interface takes one link (connect more nodes"
                            + " through a switch, or give the node another interface)");
                }
            }
        }
    }

    private boolean checkEndpoint(LinkSpec link, Endpoint end) {
        if (end == null || end.node() == null || end.iface() == null) {
            report(link, Field.SELF, "link " + link + " has an end without node or interface");
            return false;
        }
        NodeSpec node = nodesByName.get(end.node());
        if (node == null) {
            report(end, Field.SELF, "link endpoint " + end + " names an unknown node '" + end.node() + "'"
                    + Suggestions.didYouMean(end.node(), nodesByName.keySet()));
            return false;
        }
        if (node.interfaceNamed(end.iface()) == null) {
            report(end, Field.SELF, "node '" + node.name() + "' has no interface '" + end.iface() + "'"
                    + Suggestions.didYouMean(end.iface(), node.interfaceNames())
                    + " (interfaces: " + String.join(", ", node.interfaceNames()) + ")");
            return false;
        }
        return true;
    }

    /** "network address" or "broadcast address" if {@code ip} is one of the two {@code subnet} reserves, else null. */
    private static String reservedRole(Cidr subnet, int ip) {
        if (subnet.prefixLength() > 30) {
            return null;
        }
        if (ip == subnet.network()) {
            return "network address";
        }
        if (ip == subnet.broadcast()) {
            return "broadcast address";
        }
        return null;
    }

    /** An address on {@code subnet} that is not the node's own, for "e.g." hints. */
    private static int neighbourExample(NodeSpec node, Cidr subnet) {
        int candidate = subnet.network() + 1;
        return node.interfaceWithAddress(candidate) == null ? candidate : subnet.broadcast() - 1;
    }

    private static String subnets(List<Cidr> addresses) {
        return addresses.stream().map(address -> address.subnet().toString()).collect(Collectors.joining(", "));
    }
}
