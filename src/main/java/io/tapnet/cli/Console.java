package io.tapnet.cli;

import io.tapnet.phy.Impairment;
import io.tapnet.topology.Network;
import io.tapnet.topology.NodeKind;
import io.tapnet.topology.NodeSpec;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The console's command interpreter, in the spirit of Mininet's CLI: global commands ({@code nodes},
 * {@code links}, {@code net}, {@code pingall}, {@code link A B down}) and node commands
 * ({@code h1 ping h2}, {@code r1 route}, {@code s1 mac}). A Linux node also runs any other command
 * inside its namespace ({@code pc1 ip addr}). Every command returns whether it succeeded, so scripts
 * and tests can check it.
 */
public final class Console {
    private final Network network;
    private final PrintStream out;
    private final PrintWriter writer;
    private boolean exitRequested;

    public Console(Network network, PrintStream out) {
        this.network = network;
        this.out = out;
        this.writer = new PrintWriter(out, true);
    }

    public Network network() {
        return network;
    }

    PrintStream out() {
        return out;
    }

    public boolean exitRequested() {
        return exitRequested;
    }

    /** Runs one command line; returns true on success. */
    public boolean execute(String line) {
        List<String> words = Words.split(line);
        if (words.isEmpty()) {
            return true;
        }
        String first = words.get(0);
        List<String> rest = words.subList(1, words.size());
        try {
            return switch (first) {
                case "help", "?" -> help();
                case "exit", "quit" -> {
                    exitRequested = true;
                    yield true;
                }
                case "nodes" -> Views.nodes(this);
                case "links" -> Views.links(this);
                case "net" -> Views.net(this);
                case "pingall" -> Reachability.pingall(this, rest);
                case "link" -> linkCommand(rest);
                default -> nodeCommand(first, rest);
            };
        } catch (RuntimeException e) {
            out.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return false;
        }
    }

    private boolean help() {
        out.println("""
                Global commands:
                  nodes                         list nodes and their kinds
                  links                         list links and whether they are up
                  net                           show every node's interfaces and what they connect to
                  pingall                       every host pings every other host once
                  link A B down|up              take the link between nodes A and B down or up
                  link A B set KEY=VALUE...     impair the link both ways: delay=20ms jitter=5ms loss=1%
                                                burst=1%/30% duplicate=1% corrupt=0.1% reorder=25%
                                                rate=10mbit queue=100 jitter-reorder=off
                  help                          this text
                  exit                          stop the network and leave
                Node commands (NODE is a node name; TARGET a node name or an IPv4 address):
                  NODE ping [-c N] [-i SEC] [-W SEC] [-s SIZE] [-t TTL] TARGET
                  NODE traceroute [-I] [-n] [-m MAX] [-q N] [-w SEC] TARGET
                  NODE route                    routing table
                  NODE arp                      ARP cache (neighbours)
                  NODE ifconfig                 interfaces, addresses and counters
                  NODE counters                 drop and traffic counters (of a Linux node: its TAPs)
                  NODE firewall [-Z]            ACL and security-group rules with their counters (-Z zeroes them)
                  NODE conntrack [-F]           tracked connections and NAT mappings (-F flushes them)
                  NODE http serve [-p P] [DIR]  HTTP/1.1 server (a generated site with /bytes/N without DIR)
                  NODE http get URL [-o FILE]   HTTP client: status and byte count, or the body
                  NODE http stop | echo stop    stop a server started here
                  NODE echo serve [-p P] [--udp] echo server (RFC 862)
                  NODE nc [-u] [-e TEXT] HOST PORT  netcat: send TEXT, half-close, print the answer
                  NODE sockets                  every TCP and UDP endpoint, like ss -tuna
                  NODE services                 the servers running on the node
                  SWITCH mac                    learned MAC addresses
                  NODE stop | NODE start        power a node off (interfaces down, dynamic state lost) or on
                  LINUXNODE CMD [ARGS...]       run any command inside a Linux node's namespace
                Add --help to a node command for its options.""");
        return true;
    }

    private boolean linkCommand(List<String> args) {
        boolean set = args.size() >= 3 && args.get(2).equals("set");
        if (!set && (args.size() != 3 || !(args.get(2).equals("up") || args.get(2).equals("down")))) {
            out.println("usage: link A B down|up   or   link A B set delay=20ms jitter=5ms loss=1% rate=10mbit queue=100 ...");
            return false;
        }
        var link = network.link(args.get(0), args.get(1));
        if (link == null) {
            out.println("no link between " + args.get(0) + " and " + args.get(1));
            return false;
        }
        if (set) {
            String settings = String.join(" ", args.subList(3, args.size()));
            Impairment now = network.call(() -> link.impairment(link.a()));
            Impairment next = Impairment.parse(settings, now);
            network.run(() -> link.impairBoth(next));
            out.println(link.name() + ": " + next);
            return true;
        }
        boolean up = args.get(2).equals("up");
        network.run(() -> link.setUp(up));
        out.println(link.name() + " is " + (up ? "up" : "down"));
        return true;
    }

    private boolean nodeCommand(String node, List<String> args) {
        NodeSpec spec = network.topology().node(node);
        if (spec == null) {
            out.println("unknown command or node '" + node + "'; type 'help' (nodes: "
                    + String.join(" ", network.topology().nodes().stream().map(NodeSpec::name).toList()) + ")");
            return false;
        }
        if (args.isEmpty()) {
            out.println("what should " + node + " do? e.g. '" + node + " " + (spec.kind() == NodeKind.SWITCH ? "mac" : "ping TARGET") + "'");
            return false;
        }
        String verb = args.get(0);
        if ((verb.equals("stop") || verb.equals("start")) && args.size() == 1) {
            return powerCommand(spec, verb.equals("start"));
        }
        String[] verbArgs = args.subList(1, args.size()).toArray(new String[0]);
        Map<String, Function<NodeContext, Object>> commands = NodeCommands.forKind(spec.kind());
        Function<NodeContext, Object> factory = commands.get(verb);
        if (factory == null) {
            if (spec.kind() == NodeKind.LINUX) {
                return LinuxExec.run(this, node, args);
            }
            out.println(node + " (" + spec.kind().yamlName() + ") has no command '" + verb + "'; it knows: "
                    + String.join(" ", commands.keySet()));
            return false;
        }
        CommandLine cl = new CommandLine(factory.apply(new NodeContext(this, spec)));
        cl.setOut(writer);
        cl.setErr(writer);
        cl.setCommandName(node + " " + verb);
        int code = cl.execute(verbArgs);
        writer.flush();
        return code == 0;
    }

    private boolean powerCommand(NodeSpec spec, boolean start) {
        String node = spec.name();
        if (network.isStopped(node) != start) {
            out.println(node + " is already " + (start ? "running" : "stopped"));
            return true;
        }
        network.run(() -> network.setNodeRunning(node, start));
        if (!start && spec.kind() == NodeKind.LINUX) {
            LinuxExec.run(this, node, List.of("ip", "neigh", "flush", "all"));
        }
        out.println(node + (start ? " started" : " stopped: its interfaces are down and its dynamic state is gone"));
        return true;
    }

    /** What a node command needs: the console and the node it runs on. */
    record NodeContext(Console console, NodeSpec node) {
        Network network() {
            return console.network;
        }

        PrintStream out() {
            return console.out;
        }

        /** Computes lines on the loop, prints them, and succeeds: what every "show" command does. */
        int show(java.util.function.Supplier<List<String>> onLoop) {
            network().call(onLoop).forEach(console.out::println);
            return Main.OK;
        }
    }

    /** Shell-like word splitting with single and double quotes. */
    static final class Words {
        private Words() {
        }

        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean inWord = false;
            char quote = 0;
            for (char c : line.trim().toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        cur.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(cur.toString());
                        cur.setLength(0);
                        inWord = false;
                    }
                } else {
                    cur.append(c);
                    inWord = true;
                }
            }
            if (inWord) {
                words.add(cur.toString());
            }
            return words;
        }

        static String join(List<String> words) {
            return String.join(" ", words);
        }

        static List<String> of(String... w) {
            return Arrays.asList(w);
        }
    }
}
