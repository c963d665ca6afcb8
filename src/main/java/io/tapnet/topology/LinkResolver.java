package io.tapnet.topology;

import io.tapnet.topology.SourceMap.Field;
import io.tapnet.topology.TopologyReader.EndpointDraft;
import io.tapnet.topology.TopologyReader.LinkDraft;
import io.tapnet.topology.TopologyReader.NodeDraft;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the endpoints a file writes ({@code h1}, {@code r1:eth0}, {@code s1}) into exact interfaces.
 *
 * <ul>
 *   <li>A switch named without a port gets its next free port, {@code p1}, {@code p2}, ... in link order;
 *       a named port ({@code s1:p7}) is created on first use. Auto-numbering skips every port name the
 *       file uses explicitly anywhere, so {@code s1} on line 10 never takes the {@code p1} that
 *       {@code s1:p1} claims on line 20.</li>
 *   <li>Another node named without an interface means its only interface; with several, the file must
 *       say which.</li>
 * </ul>
 *
 * Whether an interface ends up on two links, or a link loops back to its own node, is left to
 * {@link TopologyValidator}, which checks that for programmatic topologies too.
 */
final class LinkResolver {

    private final Map<String, NodeDraft> nodes;
    private final Set<String> unusableNodes;
    private final YamlValues yaml;
    private final SourceMap map;
    private final Map<String, Set<String>> explicitPorts = new HashMap<>();
    private final Map<String, Integer> nextPortNumber = new HashMap<>();

    LinkResolver(Map<String, NodeDraft> nodes, Set<String> unusableNodes, YamlValues yaml, SourceMap map) {
        this.nodes = nodes;
        this.unusableNodes = unusableNodes;
        this.yaml = yaml;
        this.map = map;
    }

    /** Resolves every link whose ends both resolve; switch ports are added to the switch drafts. */
    List<LinkSpec> resolve(List<LinkDraft> drafts) {
        for (LinkDraft draft : drafts) {
            for (EndpointDraft end : List.of(draft.a(), draft.b())) {
                NodeDraft node = nodes.get(end.node());
                if (node != null && node.kind == NodeKind.SWITCH && end.iface() != null) {
                    explicitPorts.computeIfAbsent(end.node(), ignored -> new HashSet<>()).add(end.iface());
                }
            }
        }
        List<LinkSpec> links = new ArrayList<>();
        for (LinkDraft draft : drafts) {
            Endpoint a = resolve(draft.a());
            Endpoint b = resolve(draft.b());
            if (a != null && b != null) {
                LinkSpec link = new LinkSpec(a, b, draft.aToB(), draft.bToA());
                map.put(link, Field.SELF, draft.position());
                links.add(link);
            }
        }
        return links;
    }

    private Endpoint resolve(EndpointDraft end) {
        if (unusableNodes.contains(end.node())) {
            return null;
        }
        NodeDraft node = nodes.get(end.node());
        if (node == null) {
            yaml.report(end.position(), "link endpoint '" + end.text() + "' names an unknown node '" + end.node() + "'"
                    + Suggestions.didYouMean(end.node(), nodes.keySet())
                    + " (nodes: " + String.join(", ", nodes.keySet()) + ")");
            return null;
        }
        String iface = node.kind == NodeKind.SWITCH ? switchPort(node, end) : nodeInterface(node, end);
        if (iface == null) {
            return null;
        }
        Endpoint endpoint = new Endpoint(node.name, iface);
        map.put(endpoint, Field.SELF, end.position());
        return endpoint;
    }

    private String switchPort(NodeDraft node, EndpointDraft end) {
        String port = end.iface();
        if (port == null) {
            Set<String> reserved = explicitPorts.getOrDefault(node.name, Set.of());
            int number = nextPortNumber.getOrDefault(node.name, 1);
            while (reserved.contains("p" + number) || node.interfaceNamed("p" + number) != null) {
                number++;
            }
            nextPortNumber.put(node.name, number + 1);
            port = "p" + number;
        }
        if (node.interfaceNamed(port) == null) {
            InterfaceSpec spec = InterfaceSpec.switchPort(port, node.mtu);
            map.put(spec, Field.NAME, end.position());
            map.put(spec, Field.MTU, node.mtuPosition);
            node.interfaces.add(spec);
        }
        return port;
    }

    private String nodeInterface(NodeDraft node, EndpointDraft end) {
        List<String> names = node.interfaces.stream().map(InterfaceSpec::name).toList();
        if (end.iface() != null) {
            if (node.interfaceNamed(end.iface()) != null) {
                return end.iface();
            }
            if (!node.incomplete) {
                yaml.report(end.position(), "node '" + node.name + "' has no interface '" + end.iface() + "'"
                        + Suggestions.didYouMean(end.iface(), names)
                        + (names.isEmpty() ? "" : " (interfaces: " + String.join(", ", names) + ")"));
            }
            return null;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        if (names.size() > 1) {
            List<String> choices = names.stream().map(name -> "'" + node.name + ":" + name + "'").toList();
            yaml.report(end.position(), "node '" + node.name + "' has " + names.size() + " interfaces ("
                    + String.join(", ", names) + "); say which one this link uses: "
                    + String.join(" or ", choices));
        }
        // No interfaces at all: the validator reports the node has no address; nothing to add here.
        return null;
    }
}
