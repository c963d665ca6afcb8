package io.tapnet.cli;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.topology.Network;
import io.tapnet.topology.NodeKind;
import io.tapnet.topology.NodeSpec;
import io.tapnet.wire.Ipv4Address;

import java.util.List;

/** {@code pingall}: every host pings every other host once, as Mininet's command does. */
final class Reachability {
    private Reachability() {
    }

    static boolean pingall(Console c, List<String> args) {
        if (!args.isEmpty()) {
            c.out().println("usage: pingall");
            return false;
        }
        Network network = c.network();
        List<NodeSpec> hosts = network.topology().nodes().stream()
                .filter(n -> n.kind() == NodeKind.HOST || n.kind() == NodeKind.LINUX)
                .filter(n -> !n.addresses().isEmpty())
                .toList();
        c.out().println("*** Ping: testing ping reachability");
        int sent = 0;
        int received = 0;
        for (NodeSpec from : hosts) {
            StringBuilder line = new StringBuilder(from.name()).append(" ->");
            for (NodeSpec to : hosts) {
                if (to == from) {
                    continue;
                }
                sent++;
                boolean ok = pingOnce(c, network, from, to.addresses().get(0).address());
                if (ok) {
                    received++;
                }
                line.append(' ').append(ok ? to.name() : "X");
            }
            c.out().println(line);
        }
        int dropped = sent == 0 ? 0 : (sent - received) * 100 / sent;
        c.out().println("*** Results: " + dropped + "% dropped (" + received + "/" + sent + " received)");
        return received == sent;
    }

    private static boolean pingOnce(Console c, Network network, NodeSpec from, int address) {
        if (from.kind() == NodeKind.LINUX) {
            Console quiet = new Console(network, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            return LinuxExec.run(quiet, from.name(), List.of("ping", "-c", "1", "-W", "2", Ipv4Address.format(address)));
        }
        Ping ping = new Ping(network.stack(from.name()), address, Ipv4Address.format(address), 1,
                1_000_000_000L, 2_000_000_000L, 56, 64, line -> { });
        PingResult r = network.await(network.call(ping::start), 10_000_000_000L);
        return r.success();
    }
}
