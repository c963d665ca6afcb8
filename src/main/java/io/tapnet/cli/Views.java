package io.tapnet.cli;

import io.tapnet.phy.Link;
import io.tapnet.topology.Endpoint;
import io.tapnet.topology.InterfaceSpec;
import io.tapnet.topology.LinkSpec;
import io.tapnet.topology.Network;
import io.tapnet.topology.NodeSpec;

import java.io.PrintStream;
import java.util.Map;

/** The console's overview commands: nodes, links and net. */
final class Views {
    private Views() {
    }

    static boolean nodes(Console c) {
        PrintStream out = c.out();
        for (NodeSpec n : c.network().topology().nodes()) {
            StringBuilder sb = new StringBuilder(String.format("%-10s %-7s", n.name(), n.kind().yamlName()));
            for (InterfaceSpec i : n.interfaces()) {
                if (i.address() != null) {
                    sb.append(' ').append(i.name()).append('=').append(i.address());
                }
            }
            if (n.netns() != null) {
                sb.append("  netns ").append(n.netns());
            }
            out.println(sb);
        }
        return true;
    }

    static boolean links(Console c) {
        Network network = c.network();
        Map<LinkSpec, Link> links = network.links();
        for (Map.Entry<LinkSpec, Link> e : links.entrySet()) {
            Link l = e.getValue();
            boolean up = network.call(l::isUp);
            String ab = network.call(() -> l.impairment(l.a()).toString());
            String ba = network.call(() -> l.impairment(l.b()).toString());
            String impairments = ab.equals(ba) ? (ab.equals("none") ? "" : "  " + ab)
                    : "  " + l.a().node() + "->" + l.b().node() + ": " + ab + "; " + l.b().node() + "->" + l.a().node() + ": " + ba;
            c.out().println(l.a().fullName() + " <-> " + l.b().fullName() + "  (" + (up ? "up" : "DOWN") + ")" + impairments);
        }
        return true;
    }

    /** Like Mininet's {@code net}: each node with every interface and its peer. */
    static boolean net(Console c) {
        Network network = c.network();
        for (NodeSpec n : network.topology().nodes()) {
            StringBuilder sb = new StringBuilder(n.name());
            for (InterfaceSpec i : n.interfaces()) {
                sb.append(' ').append(i.name()).append(':');
                Endpoint peer = peerOf(network, n.name(), i.name());
                sb.append(peer == null ? "(none)" : peer.node() + "-" + peer.iface());
            }
            c.out().println(sb);
        }
        return true;
    }

    private static Endpoint peerOf(Network network, String node, String iface) {
        for (LinkSpec l : network.topology().links()) {
            if (l.a().node().equals(node) && l.a().iface().equals(iface)) {
                return l.b();
            }
            if (l.b().node().equals(node) && l.b().iface().equals(iface)) {
                return l.a();
            }
        }
        return null;
    }
}
