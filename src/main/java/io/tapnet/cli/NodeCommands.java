package io.tapnet.cli;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.app.Traceroute;
import io.tapnet.app.TracerouteResult;
import io.tapnet.cli.Console.NodeContext;
import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.ip.Route;
import io.tapnet.ip.filter.Chain;
import io.tapnet.ip.filter.Firewall;
import io.tapnet.link.ArpCache;
import io.tapnet.link.MacTable;
import io.tapnet.link.Switch;
import io.tapnet.phy.Port;
import io.tapnet.phy.TapAttachment;
import io.tapnet.topology.Network;
import io.tapnet.topology.NodeKind;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.MacAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** The commands a node understands, by node kind. Each is a Picocli command, so each has --help. */
final class NodeCommands {
    private NodeCommands() {
    }

    static Map<String, Function<NodeContext, Object>> forKind(NodeKind kind) {
        Map<String, Function<NodeContext, Object>> m = new LinkedHashMap<>();
        switch (kind) {
            case HOST, ROUTER -> {
                m.put("ping", PingCmd::new);
                m.put("traceroute", TracerouteCmd::new);
                m.put("route", RouteCmd::new);
                m.put("arp", ArpCmd::new);
                m.put("ifconfig", IfconfigCmd::new);
                m.put("counters", CountersCmd::new);
                m.put("firewall", FirewallCmd::new);
                m.put("conntrack", ConntrackCmd::new);
                AppCommands.addTo(m, kind);
            }
            case LINUX -> {
                m.put("ping", PingCmd::new);
                m.put("traceroute", TracerouteCmd::new);
                m.put("route", c -> new LinuxShowCmd(c, "ip", "route"));
                m.put("arp", c -> new LinuxShowCmd(c, "ip", "neigh"));
                m.put("ifconfig", c -> new LinuxShowCmd(c, "ip", "-s", "addr"));
                m.put("counters", TapCountersCmd::new);
            }
            case SWITCH -> {
                m.put("mac", MacCmd::new);
                m.put("ifconfig", IfconfigCmd::new);
            }
        }
        return m;
    }

    static int resolveOrFail(NodeContext ctx, String target) {
        Integer address = ctx.network().resolve(target);
        if (address == null) {
            throw new IllegalArgumentException("unknown target '" + target + "': not a node with an address, nor an IPv4 address");
        }
        return address;
    }

    static long seconds(double s) {
        return (long) (s * 1e9);
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Send ICMP echo requests (like Linux ping).")
    static final class PingCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = "-c", paramLabel = "COUNT", description = "probes to send (default: ${DEFAULT-VALUE})", defaultValue = "4")
        int count;
        @Option(names = "-i", paramLabel = "SEC", description = "seconds between probes (default: ${DEFAULT-VALUE})", defaultValue = "1")
        double interval;
        @Option(names = "-W", paramLabel = "SEC", description = "seconds to wait for the last reply (default: ${DEFAULT-VALUE})", defaultValue = "2")
        double timeout;
        @Option(names = "-s", paramLabel = "SIZE", description = "ICMP data bytes (default: ${DEFAULT-VALUE})", defaultValue = "56")
        int size;
        @Option(names = "-t", paramLabel = "TTL", description = "IP time to live (default: ${DEFAULT-VALUE})", defaultValue = "64")
        int ttl;
        @Parameters(paramLabel = "TARGET", description = "node name or IPv4 address")
        String target;

        PingCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            int address = resolveOrFail(ctx, target);
            if (count < 1 || interval < 0.001 || timeout <= 0 || ttl < 1 || ttl > 255) {
                ctx.out().println("ping: -c must be >= 1, -i >= 0.001, -W > 0, -t 1..255");
                return Main.USAGE;
            }
            if (ctx.node().kind() == NodeKind.LINUX) {
                return LinuxExec.run(ctx.console(), ctx.node().name(), List.of("ping", "-c", Integer.toString(count),
                        "-i", Double.toString(interval), "-W", Double.toString(timeout), "-s", Integer.toString(size),
                        "-t", Integer.toString(ttl), Ipv4Address.format(address))) ? Main.OK : Main.FAILURE;
            }
            Network network = ctx.network();
            Ipv4Stack stack = network.stack(ctx.node().name());
            PrintStream out = ctx.out();
            Ping ping = new Ping(stack, address, target, count, seconds(interval), seconds(timeout), size, ttl, out::println);
            PingResult result = network.await(network.call(ping::start),
                    seconds(interval) * count + seconds(timeout) + seconds(30));
            return result.success() ? Main.OK : Main.FAILURE;
        }
    }

    @Command(name = "traceroute", mixinStandardHelpOptions = true,
            description = "Print the route packets take to TARGET (like Linux traceroute).")
    static final class TracerouteCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = "-I", description = "use ICMP echo probes instead of UDP")
        boolean icmp;
        @Option(names = "-n", description = "print addresses only, no node names")
        boolean numeric;
        @Option(names = "-m", paramLabel = "MAX", description = "maximum hops (default: ${DEFAULT-VALUE})", defaultValue = "30")
        int maxHops;
        @Option(names = "-q", paramLabel = "N", description = "probes per hop (default: ${DEFAULT-VALUE})", defaultValue = "3")
        int probes;
        @Option(names = "-w", paramLabel = "SEC", description = "seconds to wait for a probe (default: ${DEFAULT-VALUE})", defaultValue = "2")
        double wait;
        @Parameters(paramLabel = "TARGET", description = "node name or IPv4 address")
        String target;

        TracerouteCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            int address = resolveOrFail(ctx, target);
            if (maxHops < 1 || maxHops > 255 || probes < 1 || probes > 10 || wait <= 0) {
                ctx.out().println("traceroute: -m must be 1..255, -q 1..10, -w > 0");
                return Main.USAGE;
            }
            if (ctx.node().kind() == NodeKind.LINUX) {
                List<String> argv = new ArrayList<>(List.of("traceroute"));
                if (icmp) {
                    argv.add("-I");
                }
                argv.addAll(List.of("-n", "-m", Integer.toString(maxHops), "-q", Integer.toString(probes),
                        "-w", Double.toString(wait), Ipv4Address.format(address)));
                return LinuxExec.run(ctx.console(), ctx.node().name(), argv) ? Main.OK : Main.FAILURE;
            }
            Network network = ctx.network();
            Ipv4Stack stack = network.stack(ctx.node().name());
            Traceroute tr = new Traceroute(stack, address, target, icmp, maxHops, probes, seconds(wait),
                    numeric ? null : network::nameOf, ctx.out()::println);
            TracerouteResult result = network.await(network.call(tr::start),
                    (long) maxHops * (seconds(wait) + seconds(1)) + seconds(30));
            return result.reached() ? Main.OK : Main.FAILURE;
        }
    }

    @Command(name = "route", mixinStandardHelpOptions = true, description = "Show the routing table (like ip route).")
    static final class RouteCmd implements Callable<Integer> {
        private final NodeContext ctx;

        RouteCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Ipv4Stack stack = ctx.network().stack(ctx.node().name());
            return ctx.show(() -> stack.routes().routes().stream().map(Route::describe).toList());
        }
    }

    @Command(name = "arp", mixinStandardHelpOptions = true, description = "Show the ARP cache (like ip neigh).")
    static final class ArpCmd implements Callable<Integer> {
        private final NodeContext ctx;

        ArpCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Ipv4Stack stack = ctx.network().stack(ctx.node().name());
            List<String> lines = ctx.network().call(() -> {
                List<String> out = new ArrayList<>();
                for (IpInterface i : stack.interfaces()) {
                    for (ArpCache.Neighbor n : i.arp().neighbors()) {
                        out.add(Ipv4Address.format(n.address()) + " dev " + i.name()
                                + (n.mac() >= 0 ? " lladdr " + MacAddress.format(n.mac()) : "")
                                + " " + n.state()
                                + (n.remainingNanos() >= 0 ? " (expires in " + n.remainingNanos() / 1_000_000_000L + "s)" : ""));
                    }
                }
                return out;
            });
            if (lines.isEmpty()) {
                ctx.out().println("(no neighbours)");
            }
            lines.forEach(ctx.out()::println);
            return Main.OK;
        }
    }

    @Command(name = "ifconfig", mixinStandardHelpOptions = true, description = "Show interfaces, addresses and counters.")
    static final class IfconfigCmd implements Callable<Integer> {
        private final NodeContext ctx;

        IfconfigCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Network network = ctx.network();
            String node = ctx.node().name();
            List<String> lines = network.call(() -> {
                List<String> out = new ArrayList<>();
                Ipv4Stack stack = network.stack(node);
                if (stack != null) {
                    for (IpInterface i : stack.interfaces()) {
                        describePort(out, i.port(), "inet " + Ipv4Address.format(i.address()) + "/" + i.prefixLength()
                                + "  brd " + Ipv4Address.format(i.broadcast()) + "  mtu " + i.mtu()
                                + "  ether " + MacAddress.format(i.mac()));
                    }
                }
                Switch sw = network.switchNamed(node);
                if (sw != null) {
                    for (Port p : sw.ports()) {
                        describePort(out, p, null);
                    }
                }
                return out;
            });
            lines.forEach(ctx.out()::println);
            return Main.OK;
        }

        private static void describePort(List<String> out, Port p, String addressLine) {
            String state = p.hasCarrier() ? "UP" : (p.isAdminUp() ? "NO-CARRIER" : "DOWN");
            out.add(p.name() + ": <" + state + ">" + (p.link() == null ? "  (not linked)" : "  link to " + p.link().peerOf(p).fullName()));
            if (addressLine != null) {
                out.add("    " + addressLine);
            }
            out.add("    RX packets " + p.rxFrames() + "  bytes " + p.rxBytes() + "  dropped " + p.rxDrops());
            out.add("    TX packets " + p.txFrames() + "  bytes " + p.txBytes() + "  dropped " + p.txDrops());
        }
    }

    @Command(name = "counters", mixinStandardHelpOptions = true, description = "Show the stack's counters (non-zero only; -a for all).")
    static final class CountersCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = "-a", description = "show zero counters too")
        boolean all;

        CountersCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Ipv4Stack stack = ctx.network().stack(ctx.node().name());
            Map<String, Long> snapshot = ctx.network().call(() -> stack.counters().snapshot());
            snapshot.forEach((k, v) -> {
                if (all || v != 0) {
                    ctx.out().printf("%-22s %d%n", k, v);
                }
            });
            return Main.OK;
        }
    }

    @Command(name = "counters", mixinStandardHelpOptions = true,
            description = "Show what tapnet's side of each TAP device of a Linux node counted: frames from and to the"
                    + " kernel, TCP super-frames the kernel handed over with offloads, drops.")
    static final class TapCountersCmd implements Callable<Integer> {
        private final NodeContext ctx;

        TapCountersCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            var host = ctx.network().linuxHosts().get(ctx.node().name());
            return ctx.show(() -> {
                List<String> lines = new ArrayList<>();
                for (TapAttachment a : host.attachments()) {
                    Port p = a.port();
                    lines.add(p.name() + " (TAP " + a.device().name() + ", offloads "
                            + (a.acceptsOffloads() ? "on" : "off") + (a.isFailed() ? ", FAILED" : "") + ")");
                    lines.add("    from the kernel  " + p.txFrames() + " frames, " + p.txBytes() + " bytes, "
                            + a.superFramesRead() + " TCP super-frames, " + a.malformed() + " malformed");
                    lines.add("    to the kernel    " + a.written() + " frames, " + a.writeDrops()
                            + " refused (queue full or interface down)");
                }
                lines.add("offloaded frames tapnet could not resolve (whole network): " + ctx.network().loop().offloadErrors());
                return lines;
            });
        }
    }

    /** Shows what {@code view} makes of the node's firewall, or says the topology gives it none. */
    static int showFirewall(NodeContext ctx, String what, java.util.function.Function<Firewall, List<String>> view) {
        String node = ctx.node().name();
        Ipv4Stack stack = ctx.network().stack(node);
        return ctx.show(() -> stack.filter() instanceof Firewall f ? view.apply(f)
                : List.of("(no " + what + " on " + node + ": the topology gives it no acl, security-group or nat)"));
    }

    @Command(name = "firewall", mixinStandardHelpOptions = true,
            description = "Show the node's ACL and security-group rules with packet and byte counters (like iptables -L -v), and its NAT.")
    static final class FirewallCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = "-Z", description = "zero the counters after showing them")
        boolean zero;

        FirewallCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return showFirewall(ctx, "firewall", f -> {
                List<String> out = f.describe();
                if (zero) {
                    f.chains().forEach(Chain::resetCounters);
                }
                return out;
            });
        }
    }

    @Command(name = "conntrack", mixinStandardHelpOptions = true,
            description = "Show tracked connections with the seconds each has left (like conntrack -L).")
    static final class ConntrackCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = "-F", description = "forget every tracked connection (like conntrack -F)")
        boolean flush;

        ConntrackCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return showFirewall(ctx, "connection tracking", f -> {
                if (flush) {
                    int n = f.connTrack().size();
                    f.clearConnections();
                    return List.of(n + " flow entries have been deleted.");
                }
                return f.describeConnections(ctx.network().loop().now());
            });
        }
    }

    @Command(name = "mac", mixinStandardHelpOptions = true, description = "Show the switch's learned MAC addresses.")
    static final class MacCmd implements Callable<Integer> {
        private final NodeContext ctx;

        MacCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Network network = ctx.network();
            Switch sw = network.switchNamed(ctx.node().name());
            return ctx.show(() -> {
                List<String> out = new ArrayList<>();
                MacTable t = sw.table();
                out.add(String.format("%-6s %-17s %s", "port", "mac address", "age"));
                List<MacTable.Entry> entries = new ArrayList<>(t.entries(network.loop().now()));
                entries.sort((x, y) -> x.port() != y.port() ? Integer.compare(x.port(), y.port()) : Long.compare(x.mac(), y.mac()));
                for (MacTable.Entry e : entries) {
                    out.add(String.format("%-6s %-17s %ds", sw.ports().get(e.port()).name(), MacAddress.format(e.mac()),
                            e.ageNanos() / 1_000_000_000L));
                }
                out.add(t.size() + " of " + t.limit() + " entries, aging " + t.agingNanos() / 1_000_000_000L + "s"
                        + (t.learnFailures() > 0 ? ", " + t.learnFailures() + " addresses not learned (table full)" : ""));
                return out;
            });
        }
    }

    @Command(name = "show", description = "Run an iproute2 command in the node's namespace.")
    static final class LinuxShowCmd implements Callable<Integer> {
        private final NodeContext ctx;
        private final List<String> argv;

        LinuxShowCmd(NodeContext ctx, String... argv) {
            this.ctx = ctx;
            this.argv = List.of(argv);
        }

        @Override
        public Integer call() {
            return LinuxExec.run(ctx.console(), ctx.node().name(), argv) ? Main.OK : Main.FAILURE;
        }
    }
}
