package io.tapnet.topology;

import java.util.List;

/**
 * A whole network as described by a topology file: what to build, not the running thing.
 *
 * @param name   the topology's name
 * @param source where it came from (file name, or a label for built-in and programmatic topologies)
 * @param nodes  the nodes in file order
 * @param links  the links in file order
 */
public record Topology(String name, String source, List<NodeSpec> nodes, List<LinkSpec> links, List<EventSpec> events) {

    public Topology {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        links = links == null ? List.of() : List.copyOf(links);
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** A topology without scheduled events. */
    public Topology(String name, String source, List<NodeSpec> nodes, List<LinkSpec> links) {
        this(name, source, nodes, links, List.of());
    }

    /** The node called {@code nodeName}, or null. */
    public NodeSpec node(String nodeName) {
        for (NodeSpec candidate : nodes) {
            if (candidate.name().equals(nodeName)) {
                return candidate;
            }
        }
        return null;
    }

    /** The names of the nodes, in file order. */
    public List<String> nodeNames() {
        return nodes.stream().map(NodeSpec::name).toList();
    }

    /** The links with an end on {@code nodeName}, in file order. */
    public List<LinkSpec> linksOf(String nodeName) {
        return links.stream().filter(link -> link.touches(nodeName)).toList();
    }

    /** The link plugged into {@code end}, or null if that interface is not connected. */
    public LinkSpec linkAt(Endpoint end) {
        for (LinkSpec link : links) {
            if (link.a().equals(end) || link.b().equals(end)) {
                return link;
            }
        }
        return null;
    }
}
