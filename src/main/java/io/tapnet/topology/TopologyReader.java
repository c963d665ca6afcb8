package io.tapnet.topology;

import io.tapnet.topology.SourceMap.Field;
import io.tapnet.topology.SourceMap.Position;
import io.tapnet.topology.YamlValues.Entry;
import io.tapnet.ip.filter.ConnTrackConfig;
import io.tapnet.ip.filter.Direction;
import io.tapnet.ip.filter.InterfaceAcl;
import io.tapnet.ip.filter.PortForward;
import io.tapnet.ip.filter.Rule;
import io.tapnet.ip.filter.RuleSyntaxException;
import io.tapnet.ip.filter.SecurityGroup;
import io.tapnet.phy.Impairment;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns a composed YAML tree into node and link drafts: checks the shape (which keys, which types),
 * parses addresses, routes and durations, and records where everything was written.
 *
 * <p>It does not judge whether values fit together (an address on the right subnet, an MTU in range):
 * that is {@link TopologyValidator}'s job, so that topologies built in code get the same checks.
 */
final class TopologyReader {

    static final String KIND = "kind";
    static final String IP = "ip";
    static final String MAC = "mac";
    static final String MTU = "mtu";
    static final String GATEWAY = "gateway";
    static final String INTERFACES = "interfaces";
    static final String ROUTES = "routes";
    static final String NETNS = "netns";
    static final String OFFLOADS = "offloads";
    static final String THREADED_NAPI = "threaded-napi";
    static final String MAC_TABLE_SIZE = "mac-table-size";
    static final String MAC_AGING = "mac-aging";
    static final String ACL = "acl";
    static final String SECURITY_GROUP = "security-group";
    static final String NAT = "nat";
    static final String CONNTRACK = "conntrack";
    static final String SERVICES = "services";

    static final List<String> TOP_LEVEL_KEYS = List.of("name", "description", "nodes", "links", "events");
    static final List<String> ALL_NODE_KEYS =
            List.of(KIND, IP, MAC, MTU, GATEWAY, INTERFACES, ROUTES, NETNS, MAC_TABLE_SIZE, MAC_AGING, NAT, CONNTRACK,
                    SERVICES, OFFLOADS, THREADED_NAPI);
    static final Map<NodeKind, List<String>> NODE_KEYS = new EnumMap<>(Map.of(
            NodeKind.HOST, List.of(KIND, IP, MAC, MTU, GATEWAY, INTERFACES, ROUTES, SERVICES, OFFLOADS),
            NodeKind.LINUX, List.of(KIND, IP, MAC, MTU, GATEWAY, INTERFACES, ROUTES, NETNS, OFFLOADS, THREADED_NAPI),
            NodeKind.ROUTER, List.of(KIND, IP, MAC, MTU, INTERFACES, ROUTES, NAT, CONNTRACK),
            NodeKind.SWITCH, List.of(KIND, MTU, MAC_TABLE_SIZE, MAC_AGING)));
    static final List<String> INTERFACE_KEYS = List.of(IP, MAC, MTU);
    /** Access-control keys of an interface in map form, by node kind (linux nodes take none). */
    static final Map<NodeKind, List<String>> INTERFACE_ACCESS_KEYS = new EnumMap<>(Map.of(
            NodeKind.HOST, List.of(ACL, SECURITY_GROUP),
            NodeKind.ROUTER, List.of(ACL)));
    static final List<String> ACL_KEYS = List.of("in", "out");
    static final List<String> SECURITY_GROUP_KEYS = List.of("inbound", "outbound");
    static final List<String> NAT_KEYS = List.of("masquerade", "forward");
    /** Impairment settings, both directions unless inside 'forward' (a to b) or 'reverse' (b to a). */
    static final List<String> IMPAIRMENT_KEYS = List.of("delay", "jitter", "jitter-reorder", "loss", "burst",
            "duplicate", "corrupt", "reorder", "rate", "queue");
    static final List<String> DIRECTION_KEYS = List.of("forward", "reverse");
    static final List<String> LINK_KEYS;

    static {
        List<String> keys = new ArrayList<>(List.of("endpoints"));
        keys.addAll(IMPAIRMENT_KEYS);
        keys.addAll(DIRECTION_KEYS);
        LINK_KEYS = List.copyOf(keys);
    }

    /** Link settings a later version will implement; named so the error says "not yet" rather than "unknown". */
    static final List<String> RESERVED_LINK_KEYS = List.of("bandwidth", "capture", "mtu", "state");

    /** A node as read, before links add switch ports to it. */
    static final class NodeDraft {
        final String name;
        final Position namePosition;
        NodeKind kind;
        Position kindPosition = Position.NONE;
        final List<InterfaceSpec> interfaces = new ArrayList<>();
        Integer gateway;
        Position gatewayPosition = Position.NONE;
        final List<RouteSpec> routes = new ArrayList<>();
        String netns;
        Position netnsPosition = Position.NONE;
        boolean offloads = true;
        /** Null: the default, which follows offloads. */
        Boolean threadedNapi;
        int mtu = InterfaceSpec.DEFAULT_MTU;
        /** Where the node-level mtu was written: the default for interfaces that give none. */
        Position mtuPosition = Position.NONE;
        int macTableSize = NodeSpec.DEFAULT_MAC_TABLE_SIZE;
        Position macTableSizePosition = Position.NONE;
        long macAgingNanos = NodeSpec.DEFAULT_MAC_AGING_NANOS;
        Position macAgingPosition = Position.NONE;
        final Map<String, InterfaceAcl> acls = new LinkedHashMap<>();
        final Map<String, SecurityGroup> securityGroups = new LinkedHashMap<>();
        final List<String> masquerade = new ArrayList<>();
        final List<PortForward> forwards = new ArrayList<>();
        final List<ServiceSpec> services = new ArrayList<>();
        ConnTrackConfig conntrack;
        /** Part of the node could not be read and was reported; later checks must not pile on. */
        boolean incomplete;

        NodeDraft(String name, Position namePosition) {
            this.name = name;
            this.namePosition = namePosition;
        }

        InterfaceSpec interfaceNamed(String interfaceName) {
            for (InterfaceSpec candidate : interfaces) {
                if (candidate.name().equals(interfaceName)) {
                    return candidate;
                }
            }
            return null;
        }

        NodeSpec toSpec(SourceMap map) {
            NodeSpec spec = new NodeSpec(name, kind, interfaces, gateway, routes, netns, macTableSize, macAgingNanos,
                    new FirewallSpec(acls, securityGroups, masquerade, forwards, conntrack), services, offloads,
                    threadedNapi != null ? threadedNapi : !offloads);
            map.put(spec, Field.NAME, namePosition);
            map.put(spec, Field.KIND, kindPosition);
            map.put(spec, Field.GATEWAY, gatewayPosition);
            map.put(spec, Field.NETNS, netnsPosition);
            map.put(spec, Field.MAC_TABLE_SIZE, macTableSizePosition);
            map.put(spec, Field.MAC_AGING, macAgingPosition);
            if (incomplete) {
                map.markIncomplete(spec);
            }
            return spec;
        }
    }

    /** A link end as written: {@code iface} is null when the file names only the node. */
    record EndpointDraft(String text, String node, String iface, Position position) {
    }

    record LinkDraft(Position position, EndpointDraft a, EndpointDraft b, Impairment aToB, Impairment bToA) {
    }

    private final YamlValues yaml;
    private final SourceMap map;

    String name;
    final Map<String, NodeDraft> nodes = new LinkedHashMap<>();
    /** Nodes whose kind is missing or unknown: reported once, and links to them are not reported again. */
    final Set<String> unusableNodes = new HashSet<>();
    final List<LinkDraft> links = new ArrayList<>();

    final EventReader events;

    TopologyReader(YamlValues yaml, SourceMap map) {
        this.yaml = yaml;
        this.map = map;
        this.events = new EventReader(yaml);
    }

    void read(Node root, String defaultName) {
        name = defaultName;
        if (root == null) {
            yaml.report(new Position(1, 1), "the topology is empty; it needs at least 'nodes:', e.g.\n"
                    + "nodes:\n  h1: { kind: host, ip: 10.0.0.1/24 }");
            return;
        }
        if (!(root instanceof MappingNode top)) {
            yaml.report(root, "a topology is a mapping with the keys " + String.join(", ", TOP_LEVEL_KEYS)
                    + "; found " + YamlValues.describe(root));
            return;
        }
        Entry nodesEntry = null;
        Entry linksEntry = null;
        for (Entry entry : yaml.entries(top, "key", "at the top level")) {
            switch (entry.key()) {
                case "name" -> {
                    String text = yaml.scalar(entry.value(), "'name'", "name: my-network");
                    if (text != null) {
                        name = text;
                    }
                }
                case "description" -> yaml.scalar(entry.value(), "'description'", "description: two LANs and a router");
                case "nodes" -> nodesEntry = entry;
                case "links" -> linksEntry = entry;
                case "events" -> events.read(entry.value());
                default -> yaml.report(entry.keyNode(), "unknown key '" + entry.key() + "' at the top level"
                        + Suggestions.didYouMean(entry.key(), TOP_LEVEL_KEYS)
                        + " (allowed: " + String.join(", ", TOP_LEVEL_KEYS) + ")");
            }
        }
        if (nodesEntry == null) {
            yaml.report(root, "the topology has no 'nodes'; add e.g.\nnodes:\n  h1: { kind: host, ip: 10.0.0.1/24 }");
        } else {
            readNodes(nodesEntry);
        }
        if (linksEntry != null) {
            readLinks(linksEntry.value());
        }
    }

    private void readNodes(Entry entry) {
        Node value = entry.value();
        if (!(value instanceof MappingNode mapping)) {
            yaml.report(YamlValues.isNull(value) ? entry.keyNode() : value,
                    "'nodes' must be a mapping from node name to settings, e.g. nodes: { h1: { kind: host,"
                            + " ip: 10.0.0.1/24 } }; found " + YamlValues.describe(value));
            return;
        }
        List<Entry> entries = yaml.entries(mapping, "node name", "in 'nodes'");
        if (entries.isEmpty() && mapping.getValue().isEmpty()) {
            yaml.report(value, "'nodes' is empty; a topology needs at least one node");
        }
        for (Entry node : entries) {
            readNode(node);
        }
    }

    private void readNode(Entry entry) {
        String nodeName = entry.key();
        String example = nodeName + ": { kind: host, ip: 10.0.0.1/24 }";
        if (!(entry.value() instanceof MappingNode mapping)) {
            yaml.report(YamlValues.isNull(entry.value()) ? entry.keyNode() : entry.value(),
                    "node '" + nodeName + "' has no settings; give at least its kind, e.g. " + example
                            + (YamlValues.isNull(entry.value()) ? "" : " (found " + YamlValues.describe(entry.value()) + ")"));
            unusableNodes.add(nodeName);
            return;
        }
        String location = "in node '" + nodeName + "'";
        Map<String, Entry> settings = new LinkedHashMap<>();
        for (Entry setting : yaml.entries(mapping, "key", location)) {
            settings.put(setting.key(), setting);
        }
        NodeDraft draft = new NodeDraft(nodeName, YamlValues.position(entry.keyNode()));
        draft.kind = readKind(draft, entry, settings.get(KIND));
        List<String> allowed = draft.kind == null ? ALL_NODE_KEYS : NODE_KEYS.get(draft.kind);
        settings.values().removeIf(setting -> !keyAllowed(setting, draft, allowed));
        if (draft.kind == null) {
            unusableNodes.add(nodeName);
            return;
        }
        nodes.put(nodeName, draft);

        if (settings.containsKey(MTU)) {
            Integer mtu = yaml.integer(settings.get(MTU).value(), "'mtu' of node '" + nodeName + "'", "mtu: 1500");
            if (mtu != null) {
                draft.mtu = mtu;
                draft.mtuPosition = YamlValues.position(settings.get(MTU).value());
            }
        }
        Entry ip = settings.get(IP);
        Entry interfaces = settings.get(INTERFACES);
        if (ip != null && interfaces != null) {
            Entry later = YamlValues.position(ip.keyNode()).isAfter(YamlValues.position(interfaces.keyNode()))
                    ? ip : interfaces;
            yaml.report(later.keyNode(), "'ip' and 'interfaces' cannot both be given " + location
                    + "; 'ip: A.B.C.D/len' is short for 'interfaces: { eth0: A.B.C.D/len }', so use one or the other");
            if (later == ip) {
                ip = null;
            } else {
                interfaces = null;
            }
        }
        if (ip != null) {
            readShorthandInterface(draft, ip, settings.get(MAC));
        } else if (settings.containsKey(MAC) && interfaces != null) {
            yaml.report(settings.get(MAC).keyNode(), "'mac' " + location + " goes with the 'ip' shorthand; with"
                    + " 'interfaces', give each interface its own, e.g. eth0: { ip: 10.0.1.1/24, mac: 02:00:00:00:00:01 }");
        } // 'mac' with neither: the validator reports that the node has no address, which says enough.
        if (interfaces != null) {
            readInterfaces(draft, interfaces);
        }
        if (settings.containsKey(GATEWAY)) {
            Node value = settings.get(GATEWAY).value();
            String text = yaml.scalar(value, "'gateway' of node '" + nodeName + "'", "gateway: 10.0.1.1");
            if (text != null) {
                try {
                    draft.gateway = AddressSyntax.parseIpv4(text);
                    draft.gatewayPosition = YamlValues.position(value);
                } catch (IllegalArgumentException e) {
                    yaml.report(value, "bad gateway of node '" + nodeName + "': " + e.getMessage());
                }
            }
        }
        if (settings.containsKey(ROUTES)) {
            readRoutes(draft, settings.get(ROUTES).value());
        }
        if (settings.containsKey(NETNS)) {
            Node value = settings.get(NETNS).value();
            draft.netns = yaml.scalar(value, "'netns' of node '" + nodeName + "'", "netns: " + nodeName);
            draft.netnsPosition = YamlValues.position(value);
        }
        if (settings.containsKey(OFFLOADS)) {
            Boolean on = yaml.bool(settings.get(OFFLOADS).value(), "'offloads' of node '" + nodeName + "'",
                    "offloads: false");
            if (on != null) {
                draft.offloads = on;
            }
        }
        if (settings.containsKey(THREADED_NAPI)) {
            Boolean on = yaml.bool(settings.get(THREADED_NAPI).value(), "'threaded-napi' of node '" + nodeName + "'",
                    "threaded-napi: false");
            if (on != null) {
                draft.threadedNapi = on;
            }
        }
        if (settings.containsKey(MAC_TABLE_SIZE)) {
            Node value = settings.get(MAC_TABLE_SIZE).value();
            Integer size = yaml.integer(value, "'mac-table-size' of node '" + nodeName + "'", "mac-table-size: 8192");
            if (size != null) {
                draft.macTableSize = size;
                draft.macTableSizePosition = YamlValues.position(value);
            }
        }
        if (settings.containsKey(MAC_AGING)) {
            Node value = settings.get(MAC_AGING).value();
            String text = yaml.scalar(value, "'mac-aging' of node '" + nodeName + "'", "mac-aging: 300s");
            if (text != null) {
                try {
                    draft.macAgingNanos = DurationSyntax.parseNanos(text);
                    draft.macAgingPosition = YamlValues.position(value);
                } catch (IllegalArgumentException e) {
                    yaml.report(value, "bad 'mac-aging' of node '" + nodeName + "': " + e.getMessage());
                }
            }
        }
        if (settings.containsKey(NAT)) {
            readNat(draft, settings.get(NAT));
        }
        if (settings.containsKey(CONNTRACK)) {
            readConntrack(draft, settings.get(CONNTRACK));
        }
        if (settings.containsKey(SERVICES)) {
            readServices(draft, settings.get(SERVICES).value());
        }
    }

    private NodeKind readKind(NodeDraft draft, Entry node, Entry kind) {
        String kinds = String.join(", ", NodeKind.yamlNames());
        if (kind == null) {
            yaml.report(node.keyNode(), "node '" + draft.name + "' has no 'kind'; add 'kind: host' (one of "
                    + kinds + ")");
            return null;
        }
        String text = yaml.scalar(kind.value(), "'kind' of node '" + draft.name + "'", "kind: host (one of " + kinds + ")");
        if (text == null) {
            return null;
        }
        NodeKind parsed = NodeKind.fromYamlName(text);
        if (parsed == null) {
            yaml.report(kind.value(), "unknown kind '" + text + "' for node '" + draft.name + "'"
                    + Suggestions.didYouMean(text, NodeKind.yamlNames()) + " (valid kinds: " + kinds + ")");
            return null;
        }
        draft.kindPosition = YamlValues.position(kind.value());
        return parsed;
    }

    private boolean keyAllowed(Entry setting, NodeDraft draft, List<String> allowed) {
        String key = setting.key();
        if (allowed.contains(key)) {
            return true;
        }
        if (draft.kind == NodeKind.LINUX && (key.equals(NAT) || key.equals(CONNTRACK) || key.equals(ACL)
                || key.equals(SECURITY_GROUP))) {
            yaml.report(setting.keyNode(), linuxAccessControl(key, draft.name));
            return false;
        }
        if (key.equals(ACL) || key.equals(SECURITY_GROUP)) {
            yaml.report(setting.keyNode(), "'" + key + "' goes on an interface of node '" + draft.name + "', in the"
                    + " map form: interfaces: { eth0: { ip: 10.0.1.10/24, " + key + ": "
                    + (key.equals(ACL) ? "{ in: [\"allow tcp to any port 22\", \"deny any\"] }"
                    : "{ inbound: [\"tcp 22 from 10.0.2.0/24\"] }") + " } }"
                    + (key.equals(SECURITY_GROUP) ? " (security groups attach to network interfaces, as in a cloud)" : ""));
            return false;
        }
        String allowedList = " (allowed" + (draft.kind == null ? "" : " for " + draft.kind) + ": "
                + String.join(", ", allowed) + ")";
        if (ALL_NODE_KEYS.contains(key)) {
            String kindsTaking = NODE_KEYS.entrySet().stream()
                    .filter(kindKeys -> kindKeys.getValue().contains(key))
                    .map(kindKeys -> kindKeys.getKey().yamlName())
                    .collect(Collectors.joining(" and "));
            String hint = key.equals(GATEWAY) && draft.kind == NodeKind.ROUTER
                    ? "; a router takes routes: [\"default via A.B.C.D\"] instead"
                    : "; it is for " + kindsTaking + " nodes";
            yaml.report(setting.keyNode(), "key '" + key + "' does not apply to " + draft.kind + " '" + draft.name
                    + "'" + hint + allowedList);
        } else {
            yaml.report(setting.keyNode(), "unknown key '" + key + "' in node '" + draft.name + "'"
                    + Suggestions.didYouMean(key, allowed) + allowedList);
        }
        return false;
    }

    private void readShorthandInterface(NodeDraft draft, Entry ip, Entry mac) {
        Cidr address = parseAddress(ip.value(), "'ip' of node '" + draft.name + "'", "ip: 10.0.1.10/24");
        Long macAddress = mac == null ? null
                : parseMac(mac.value(), "'mac' of node '" + draft.name + "'");
        InterfaceSpec eth0 = new InterfaceSpec("eth0", address, macAddress, draft.mtu);
        map.put(eth0, Field.NAME, YamlValues.position(ip.keyNode()));
        map.put(eth0, Field.ADDRESS, YamlValues.position(ip.value()));
        map.put(eth0, Field.MTU, draft.mtuPosition);
        if (mac != null) {
            map.put(eth0, Field.MAC, YamlValues.position(mac.value()));
        }
        if (address == null) {
            map.markIncomplete(eth0);
        }
        draft.interfaces.add(eth0);
    }

    private void readInterfaces(NodeDraft draft, Entry interfaces) {
        String example = "interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }";
        if (!(interfaces.value() instanceof MappingNode mapping)) {
            yaml.report(YamlValues.isNull(interfaces.value()) ? interfaces.keyNode() : interfaces.value(),
                    "'interfaces' of node '" + draft.name + "' must map interface names to addresses, e.g. "
                            + example + "; found " + YamlValues.describe(interfaces.value()));
            draft.incomplete = true;
            return;
        }
        for (Entry entry : yaml.entries(mapping, "interface", "in node '" + draft.name + "'")) {
            readInterface(draft, entry);
        }
    }

    private void readInterface(NodeDraft draft, Entry entry) {
        String what = "interface '" + entry.key() + "' of node '" + draft.name + "'";
        Node value = entry.value();
        Cidr address = null;
        Long mac = null;
        int mtu = draft.mtu;
        boolean complete = true;
        Position addressPosition = YamlValues.position(value);
        Position macPosition = Position.NONE;
        Position mtuPosition = draft.mtuPosition;
        if (value instanceof ScalarNode && !YamlValues.isNull(value)) {
            address = parseAddress(value, what, entry.key() + ": 10.0.1.1/24");
            complete = address != null;
        } else if (value instanceof MappingNode settings) {
            Entry ip = null;
            for (Entry setting : yaml.entries(settings, "key", "in " + what)) {
                switch (setting.key()) {
                    case IP -> {
                        ip = setting;
                        addressPosition = YamlValues.position(setting.value());
                        address = parseAddress(setting.value(), "'ip' of " + what, "ip: 10.0.1.1/24");
                        complete &= address != null;
                    }
                    case MAC -> {
                        macPosition = YamlValues.position(setting.value());
                        mac = parseMac(setting.value(), "'mac' of " + what);
                        complete &= mac != null;
                    }
                    case MTU -> {
                        mtuPosition = YamlValues.position(setting.value());
                        Integer number = yaml.integer(setting.value(), "'mtu' of " + what, "mtu: 1500");
                        if (number != null) {
                            mtu = number;
                        }
                    }
                    case ACL, SECURITY_GROUP -> readInterfaceAccess(draft, entry.key(), setting);
                    default -> {
                        List<String> access = INTERFACE_ACCESS_KEYS.getOrDefault(draft.kind, List.of());
                        List<String> candidates = new ArrayList<>(INTERFACE_KEYS);
                        candidates.addAll(access);
                        yaml.report(setting.keyNode(), "unknown key '" + setting.key() + "' in " + what
                                + Suggestions.didYouMean(setting.key(), candidates)
                                + " (allowed: " + String.join(", ", INTERFACE_KEYS) + ")"
                                + (access.isEmpty() ? "" : " (access control: " + String.join(", ", access) + ")"));
                    }
                }
            }
            if (ip == null) {
                yaml.report(value, what + " has no 'ip'; add e.g. ip: 10.0.1.1/24");
                complete = false;
            }
        } else {
            yaml.report(YamlValues.isNull(value) ? entry.keyNode() : value, what + " needs an address, e.g. "
                    + entry.key() + ": 10.0.1.1/24 or " + entry.key() + ": { ip: 10.0.1.1/24, mtu: 1500 }"
                    + (YamlValues.isNull(value) ? "" : "; found " + YamlValues.describe(value)));
            complete = false;
        }
        InterfaceSpec spec = new InterfaceSpec(entry.key(), address, mac, mtu);
        map.put(spec, Field.NAME, YamlValues.position(entry.keyNode()));
        map.put(spec, Field.ADDRESS, addressPosition);
        map.put(spec, Field.MAC, macPosition);
        map.put(spec, Field.MTU, mtuPosition);
        if (!complete) {
            map.markIncomplete(spec);
        }
        draft.interfaces.add(spec);
    }

    // ------------------------------------------------------------------ access control and NAT

    static String linuxAccessControl(String key, String node) {
        return "'" + key + "' cannot be applied to linux node '" + node + "': its kernel filters for itself, and"
                + " tapnet does not reach into the namespace; ACLs, security groups and NAT belong on tapnet routers"
                + " and hosts, so put the rules on the router interface that faces '" + node + "'";
    }

    /** An 'acl' or 'security-group' inside an interface's map. */
    private void readInterfaceAccess(NodeDraft draft, String iface, Entry setting) {
        String key = setting.key();
        if (draft.kind == NodeKind.LINUX) {
            yaml.report(setting.keyNode(), linuxAccessControl(key, draft.name));
            return;
        }
        if (key.equals(SECURITY_GROUP) && draft.kind != NodeKind.HOST) {
            yaml.report(setting.keyNode(), "security groups are for host interfaces; on router '" + draft.name
                    + "' write an 'acl' instead (start it with \"allow established\" to let replies through)");
            return;
        }
        String what = "'" + key + "' of " + draft.name + ":" + iface;
        if (key.equals(ACL)) {
            Map<String, List<Rule>> lists = readRuleLists(setting, what, ACL_KEYS, false,
                    "acl: { in: [\"allow tcp from 10.0.1.10 to any port 22\", \"deny tcp to any port 22\", \"allow any\"],"
                            + " out: [\"allow any\"] }");
            if (lists != null) {
                draft.acls.put(iface, new InterfaceAcl(lists.get("in"), lists.get("out")));
            }
        } else {
            Map<String, List<Rule>> lists = readRuleLists(setting, what, SECURITY_GROUP_KEYS, true,
                    "security-group: { inbound: [\"tcp 22 from 10.0.2.10/32\", \"icmp\"], outbound: [\"all\"] }");
            if (lists != null) {
                draft.securityGroups.put(iface, new SecurityGroup(lists.get("inbound"), lists.get("outbound")));
            }
        }
    }

    /**
     * A mapping from direction ('in'/'out' or 'inbound'/'outbound') to a list of rules; null when the
     * value is not a mapping. A direction that is not given maps to null.
     */
    private Map<String, List<Rule>> readRuleLists(Entry setting, String what, List<String> keys, boolean securityGroup,
                                                  String example) {
        Node value = setting.value();
        if (YamlValues.isNull(value)) {
            return new LinkedHashMap<>();
        }
        if (!(value instanceof MappingNode mapping)) {
            yaml.report(value, what + " maps " + String.join(" and ", keys) + " to lists of rules, e.g. " + example
                    + "; found " + YamlValues.describe(value));
            return null;
        }
        Map<String, List<Rule>> lists = new LinkedHashMap<>();
        for (Entry e : yaml.entries(mapping, "key", "in " + what)) {
            int index = keys.indexOf(e.key());
            if (index < 0) {
                yaml.report(e.keyNode(), "unknown key '" + e.key() + "' in " + what
                        + Suggestions.didYouMean(e.key(), keys) + " (allowed: " + String.join(", ", keys) + ")");
                continue;
            }
            Direction direction = index == 0 ? Direction.IN : Direction.OUT;
            lists.put(e.key(), readRules(e.value(), direction, what + " " + e.key(), securityGroup));
        }
        return lists;
    }

    private List<Rule> readRules(Node value, Direction direction, String what, boolean securityGroup) {
        List<Rule> rules = new ArrayList<>();
        List<Node> items;
        if (YamlValues.isNull(value)) {
            return rules;
        } else if (value instanceof SequenceNode list) {
            items = list.getValue();
        } else if (value instanceof ScalarNode) {
            items = List.of(value); // one rule need not be wrapped in a list
        } else {
            yaml.report(value, what + " must be a list of rules, e.g. [\""
                    + (securityGroup ? "tcp 22 from 10.0.2.0/24" : "allow tcp to any port 22") + "\"]; found "
                    + YamlValues.describe(value));
            return rules;
        }
        for (Node item : items) {
            if (!(item instanceof ScalarNode scalar) || YamlValues.isNull(item)) {
                yaml.report(item, "each rule in " + what + " is a string like \""
                        + (securityGroup ? "tcp 22 from 10.0.2.0/24" : "allow tcp to any port 22") + "\"; found "
                        + YamlValues.describe(item));
                continue;
            }
            try {
                Rule rule = securityGroup ? SecurityGroup.parseRule(direction, scalar.getValue())
                        : Rule.parse(direction, scalar.getValue());
                map.put(rule, Field.SELF, YamlValues.position(item));
                rules.add(rule);
            } catch (RuleSyntaxException e) {
                yaml.report(positionIn(scalar, e.offset()), what + ": " + e.getMessage());
            }
        }
        return rules;
    }

    /**
     * Where character {@code offset} of a scalar's value was written, when that can be told exactly (a
     * one-line plain or quoted scalar without escapes); the scalar's start otherwise.
     */
    static Position positionIn(ScalarNode scalar, int offset) {
        Position start = YamlValues.position(scalar);
        if (offset <= 0 || scalar.getStartMark().isEmpty() || scalar.getEndMark().isEmpty()) {
            return start;
        }
        var from = scalar.getStartMark().get();
        var to = scalar.getEndMark().get();
        if (from.getLine() != to.getLine()) {
            return start;
        }
        int written = to.getColumn() - from.getColumn();
        int length = scalar.getValue().length();
        ScalarStyle style = scalar.getScalarStyle();
        int quote = switch (style) {
            case PLAIN -> 0;
            case SINGLE_QUOTED, DOUBLE_QUOTED -> 1;
            default -> -1;
        };
        if (quote < 0 || written != length + 2 * quote) {
            return start;
        }
        return new Position(start.line(), start.column() + quote + offset);
    }

    private void readNat(NodeDraft draft, Entry entry) {
        String what = "'nat' of router '" + draft.name + "'";
        String example = "nat: { masquerade: [eth1], forward: [\"tcp 8080 -> 10.0.2.10:80\"] }";
        if (!(entry.value() instanceof MappingNode mapping)) {
            yaml.report(YamlValues.isNull(entry.value()) ? entry.keyNode() : entry.value(), what
                    + " takes 'masquerade' (interfaces) and 'forward' (port forwards), e.g. " + example
                    + "; found " + YamlValues.describe(entry.value()));
            return;
        }
        for (Entry e : yaml.entries(mapping, "key", "in " + what)) {
            switch (e.key()) {
                case "masquerade" -> {
                    for (Node item : scalarItems(e.value(), what + " masquerade", "masquerade: [eth1]")) {
                        String name = ((ScalarNode) item).getValue();
                        if (draft.interfaceNamed(name) == null) {
                            if (!draft.incomplete) {
                                yaml.report(item, "router '" + draft.name + "' has no interface '" + name
                                        + "' to masquerade on" + Suggestions.didYouMean(name, interfaceNames(draft))
                                        + " (interfaces: " + String.join(", ", interfaceNames(draft)) + ")");
                            }
                        } else if (draft.masquerade.contains(name)) {
                            yaml.report(item, "interface '" + name + "' is listed twice in " + what + " masquerade");
                        } else {
                            draft.masquerade.add(name);
                        }
                    }
                }
                case "forward" -> {
                    for (Node item : scalarItems(e.value(), what + " forward", "forward: [\"tcp 8080 -> 10.0.2.10:80\"]")) {
                        ScalarNode scalar = (ScalarNode) item;
                        try {
                            PortForward forward = PortForward.parse(scalar.getValue());
                            if (forward.address() != 0 && interfaceWithAddress(draft, forward.address()) == null) {
                                yaml.report(item, "port forward \"" + forward.text() + "\" listens on "
                                        + AddressSyntax.formatIpv4(forward.address()) + ", which is not an address of"
                                        + " router '" + draft.name + "'; leave the address out to listen on all of them");
                                continue;
                            }
                            map.put(forward, Field.SELF, YamlValues.position(item));
                            draft.forwards.add(forward);
                        } catch (RuleSyntaxException ex) {
                            yaml.report(positionIn(scalar, ex.offset()), what + " forward: " + ex.getMessage());
                        }
                    }
                }
                default -> yaml.report(e.keyNode(), "unknown key '" + e.key() + "' in " + what
                        + Suggestions.didYouMean(e.key(), NAT_KEYS) + " (allowed: " + String.join(", ", NAT_KEYS) + ")");
            }
        }
    }

    private static List<String> interfaceNames(NodeDraft draft) {
        return draft.interfaces.stream().map(InterfaceSpec::name).toList();
    }

    private static InterfaceSpec interfaceWithAddress(NodeDraft draft, int address) {
        for (InterfaceSpec i : draft.interfaces) {
            if (i.address() != null && i.address().address() == address) {
                return i;
            }
        }
        return null;
    }

    /** The scalar items of a list (or a lone scalar); other items are reported and left out. */
    private List<Node> scalarItems(Node value, String what, String example) {
        List<Node> items = new ArrayList<>();
        if (YamlValues.isNull(value)) {
            return items;
        }
        List<Node> all = value instanceof SequenceNode list ? list.getValue() : List.of(value);
        for (Node item : all) {
            if (item instanceof ScalarNode && !YamlValues.isNull(item)) {
                items.add(item);
            } else {
                yaml.report(item, "each entry of " + what + " is a single value, e.g. " + example + "; found "
                        + YamlValues.describe(item));
            }
        }
        return items;
    }

    private void readConntrack(NodeDraft draft, Entry entry) {
        String what = "'conntrack' of router '" + draft.name + "'";
        List<String> keys = new ArrayList<>(List.of("max"));
        keys.addAll(ConnTrackConfig.TIMEOUT_KEYS);
        if (!(entry.value() instanceof MappingNode mapping)) {
            yaml.report(YamlValues.isNull(entry.value()) ? entry.keyNode() : entry.value(), what
                    + " sets the connection table's size and timeouts, e.g. conntrack: { max: 4096, udp: 30s,"
                    + " tcp-established: 300s }; found " + YamlValues.describe(entry.value()));
            return;
        }
        ConnTrackConfig config = ConnTrackConfig.DEFAULT;
        for (Entry e : yaml.entries(mapping, "key", "in " + what)) {
            if (e.key().equals("max")) {
                Integer max = yaml.integer(e.value(), "'max' of " + what, "max: 65536");
                if (max == null) {
                    continue;
                }
                if (max < 1) {
                    yaml.report(e.value(), "'max' of " + what + " must be at least 1, not " + max + " (default "
                            + ConnTrackConfig.DEFAULT_MAX_ENTRIES + ")");
                    continue;
                }
                config = config.withMaxEntries(max);
            } else if (ConnTrackConfig.TIMEOUT_KEYS.contains(e.key())) {
                String text = yaml.scalar(e.value(), "'" + e.key() + "' of " + what, e.key() + ": "
                        + DurationSyntax.format(ConnTrackConfig.DEFAULT.timeout(e.key())));
                if (text == null) {
                    continue;
                }
                try {
                    long nanos = DurationSyntax.parseNanos(text);
                    if (nanos <= 0) {
                        yaml.report(e.value(), "'" + e.key() + "' of " + what + " must be longer than zero, e.g. "
                                + DurationSyntax.format(ConnTrackConfig.DEFAULT.timeout(e.key())) + " (the default)");
                        continue;
                    }
                    config = config.withTimeout(e.key(), nanos);
                } catch (IllegalArgumentException ex) {
                    yaml.report(e.value(), "bad '" + e.key() + "' of " + what + ": " + ex.getMessage());
                }
            } else {
                yaml.report(e.keyNode(), "unknown key '" + e.key() + "' in " + what
                        + Suggestions.didYouMean(e.key(), keys) + " (allowed: " + String.join(", ", keys) + ")");
            }
        }
        draft.conntrack = config;
    }

    private void readServices(NodeDraft draft, Node value) {
        String example = "services: [\"http :80 www/\", \"echo :7\", \"echo :7/udp\"]";
        if (YamlValues.isNull(value)) {
            return;
        }
        if (!(value instanceof SequenceNode list)) {
            yaml.report(value, "'services' of node '" + draft.name + "' must be a list, e.g. " + example
                    + "; found " + YamlValues.describe(value));
            return;
        }
        for (Node item : list.getValue()) {
            if (!(item instanceof ScalarNode scalar) || YamlValues.isNull(item)) {
                yaml.report(item, "each service of node '" + draft.name + "' is a string like \"http :80 www/\";"
                        + " found " + YamlValues.describe(item));
                continue;
            }
            try {
                ServiceSpec service = ServiceSpec.parse(scalar.getValue());
                for (ServiceSpec earlier : draft.services) {
                    if (earlier.port() == service.port() && earlier.protocol().equals(service.protocol())) {
                        throw new IllegalArgumentException("service '" + service + "' uses port " + service.port() + "/"
                                + service.protocol() + " like '" + earlier + "' before it; give each its own port");
                    }
                }
                map.put(service, Field.SELF, YamlValues.position(item));
                draft.services.add(service);
            } catch (IllegalArgumentException e) {
                yaml.report(item, "node '" + draft.name + "': " + e.getMessage());
            }
        }
    }

    private void readRoutes(NodeDraft draft, Node value) {
        String example = "routes: [ \"10.0.2.0/24 via 10.0.12.2\", \"default via 10.0.12.1\" ]";
        if (YamlValues.isNull(value)) {
            return;
        }
        if (!(value instanceof SequenceNode list)) {
            yaml.report(value, "'routes' of node '" + draft.name + "' must be a list, e.g. " + example
                    + "; found " + YamlValues.describe(value));
            return;
        }
        for (Node item : list.getValue()) {
            if (!(item instanceof ScalarNode scalar) || YamlValues.isNull(item)) {
                yaml.report(item, "each route of node '" + draft.name + "' is a string like"
                        + " \"10.0.2.0/24 via 10.0.12.2\"; found " + YamlValues.describe(item));
                continue;
            }
            try {
                RouteSpec route = RouteSpec.parse(scalar.getValue());
                map.put(route, Field.SELF, YamlValues.position(item));
                draft.routes.add(route);
            } catch (IllegalArgumentException e) {
                yaml.report(item, "node '" + draft.name + "': " + e.getMessage());
            }
        }
    }

    private Cidr parseAddress(Node value, String what, String example) {
        String text = yaml.scalar(value, what, example);
        if (text == null) {
            return null;
        }
        try {
            return AddressSyntax.parseCidr(text);
        } catch (IllegalArgumentException e) {
            yaml.report(value, "bad " + what + ": " + e.getMessage());
            return null;
        }
    }

    private Long parseMac(Node value, String what) {
        String text = yaml.scalar(value, what, "mac: 02:00:00:00:00:01");
        if (text == null) {
            return null;
        }
        try {
            return AddressSyntax.parseMac(text);
        } catch (IllegalArgumentException e) {
            yaml.report(value, "bad " + what + ": " + e.getMessage());
            return null;
        }
    }

    private void readLinks(Node value) {
        if (YamlValues.isNull(value)) {
            return;
        }
        if (!(value instanceof SequenceNode list)) {
            yaml.report(value, "'links' must be a list, e.g. links: [ { endpoints: [h1, s1] } ]; found "
                    + YamlValues.describe(value));
            return;
        }
        for (Node item : list.getValue()) {
            readLink(item);
        }
    }

    private void readLink(Node item) {
        if (!(item instanceof MappingNode mapping)) {
            String hint = item instanceof SequenceNode ? "; write '- endpoints: [a, b]' rather than '- [a, b]'" : "";
            yaml.report(item, "each link is a mapping like '- endpoints: [h1, s1]'; found "
                    + YamlValues.describe(item) + hint);
            return;
        }
        Entry endpoints = null;
        boolean unknownKeys = false;
        Impairment both = Impairment.NONE;
        Entry forward = null;
        Entry reverse = null;
        for (Entry entry : yaml.entries(mapping, "key", "in a link")) {
            if (entry.key().equals("endpoints")) {
                endpoints = entry;
            } else if (IMPAIRMENT_KEYS.contains(entry.key())) {
                both = readImpairment(entry, both);
            } else if (entry.key().equals("forward")) {
                forward = entry;
            } else if (entry.key().equals("reverse")) {
                reverse = entry;
            } else if (RESERVED_LINK_KEYS.contains(entry.key())) {
                yaml.report(entry.keyNode(), "link setting '" + entry.key() + "' is not supported yet (reserved for"
                        + " link impairments); remove it (allowed: " + String.join(", ", LINK_KEYS) + ")");
            } else {
                unknownKeys = true;
                yaml.report(entry.keyNode(), "unknown key '" + entry.key() + "' in a link"
                        + Suggestions.didYouMean(entry.key(), LINK_KEYS)
                        + " (allowed: " + String.join(", ", LINK_KEYS) + ")");
            }
        }
        if (endpoints == null) {
            if (!unknownKeys) { // a misspelt 'endpoints' has been reported already
                yaml.report(item, "link has no 'endpoints'; write e.g. endpoints: [h1, s1]");
            }
            return;
        }
        if (!(endpoints.value() instanceof SequenceNode ends) || ends.getValue().size() != 2) {
            String found = endpoints.value() instanceof SequenceNode ends
                    ? ends.getValue().size() + (ends.getValue().size() == 1 ? " endpoint" : " endpoints")
                    : YamlValues.describe(endpoints.value());
            yaml.report(YamlValues.isNull(endpoints.value()) ? endpoints.keyNode() : endpoints.value(),
                    "a link has exactly two endpoints, e.g. endpoints: [h1, s1] or endpoints: [\"r1:eth0\", s1];"
                            + " found " + found);
            return;
        }
        EndpointDraft a = readEndpoint(ends.getValue().get(0));
        EndpointDraft b = readEndpoint(ends.getValue().get(1));
        if (a != null && b != null) {
            Impairment aToB = forward == null ? both : readDirection(forward, both);
            Impairment bToA = reverse == null ? both : readDirection(reverse, both);
            links.add(new LinkDraft(YamlValues.position(item), a, b, aToB, bToA));
        }
    }

    /** One impairment setting on top of {@code base}; a bad value is reported at the value. */
    private Impairment readImpairment(Entry entry, Impairment base) {
        String text = yaml.scalar(entry.value(), "link setting '" + entry.key() + "'", entry.key() + ": "
                + IMPAIRMENT_EXAMPLES.getOrDefault(entry.key(), "1%"));
        if (text == null) {
            return base;
        }
        try {
            return Impairment.parse(entry.key() + "=" + text, base);
        } catch (IllegalArgumentException e) {
            yaml.report(entry.value(), "bad link setting '" + entry.key() + "': " + e.getMessage());
            return base;
        }
    }

    private static final Map<String, String> IMPAIRMENT_EXAMPLES = Map.of("delay", "20ms", "jitter", "5ms",
            "jitter-reorder", "off", "burst", "1%/30%", "rate", "10mbit", "queue", "100");

    /** A 'forward:' or 'reverse:' block: settings for one direction, on top of the link's shared ones. */
    private Impairment readDirection(Entry entry, Impairment base) {
        if (!(entry.value() instanceof MappingNode block)) {
            yaml.report(entry.value(), "'" + entry.key() + "' takes settings for one direction, e.g. "
                    + entry.key() + ": { delay: 20ms, loss: 1% }; found " + YamlValues.describe(entry.value()));
            return base;
        }
        Impairment result = base;
        for (Entry setting : yaml.entries(block, "key", "in '" + entry.key() + "'")) {
            if (IMPAIRMENT_KEYS.contains(setting.key())) {
                result = readImpairment(setting, result);
            } else {
                yaml.report(setting.keyNode(), "unknown link setting '" + setting.key() + "' in '" + entry.key() + "'"
                        + Suggestions.didYouMean(setting.key(), IMPAIRMENT_KEYS)
                        + " (allowed: " + String.join(", ", IMPAIRMENT_KEYS) + ")");
            }
        }
        return result;
    }

    private EndpointDraft readEndpoint(Node value) {
        String text = yaml.scalar(value, "a link endpoint", "h1 or \"r1:eth0\"");
        if (text == null) {
            return null;
        }
        String[] parts = text.split(":", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            yaml.report(value, "link endpoint '" + text + "' must be 'node' or 'node:interface', e.g. h1 or r1:eth0");
            return null;
        }
        return new EndpointDraft(text, parts[0], parts.length == 2 ? parts[1] : null, YamlValues.position(value));
    }
}
