package io.tapnet.cli;

import io.tapnet.topology.Topology;
import io.tapnet.topology.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tapnet demo}: a built-in network of Java hosts, pinged and traced across routers. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Build the built-in demo network (Java hosts only: no root needed), "
                + "ping and traceroute across its routers, then exit."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> SCRIPT = List.of(
            "nodes",
            "net",
            "h1 ping -c 3 -i 0.2 h2",
            "h1 ping -c 3 -i 0.2 h4",
            "h1 traceroute h4",
            "h4 traceroute -I h1",
            "pingall",
            "r1 route",
            "h1 arp",
            "s1 mac");

    @Option(names = "--capture", paramLabel = "DIR", description = "write one pcapng file per link into DIR")
    Path captureDir;

    @Override
    public Integer call() throws Exception {
        Topology topology = TopologyLoader.loadBuiltin("demo");
        try (NetworkSession session = NetworkSession.start(topology, captureDir)) {
            Console console = new Console(session.network(), System.out);
            int code = Main.OK;
            for (String command : SCRIPT) {
                System.out.println();
                System.out.println("tapnet> " + command);
                if (!console.execute(command)) {
                    code = Main.FAILURE;
                }
            }
            return code;
        }
    }
}
