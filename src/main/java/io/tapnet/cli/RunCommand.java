package io.tapnet.cli;

import io.tapnet.topology.Topology;
import io.tapnet.topology.TopologyException;
import io.tapnet.topology.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tapnet run FILE}: builds the network, then runs commands, a console, or waits for SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Build the network described by FILE and open a console.",
                "With -c or --script the commands run and tapnet exits (status 1 if any failed).",
                "Without a terminal and without commands the network stays up until SIGTERM."})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "topology file (YAML)")
    Path file;

    @Option(names = {"-c", "--commands"}, paramLabel = "CMDS", description = "console commands separated by ';'")
    String commands;

    @Option(names = "--script", paramLabel = "FILE", description = "file of console commands, one per line")
    Path script;

    @Option(names = "--capture", paramLabel = "DIR", description = "write one pcapng file per link into DIR")
    Path captureDir;

    @Option(names = "--capture-segments", description = "in captures, cut the 64 KiB TCP segments Linux hosts "
            + "hand over with offloads into the MTU-sized segments a wire would carry")
    boolean captureSegments;

    @Override
    public Integer call() throws Exception {
        Topology topology;
        try {
            topology = TopologyLoader.load(file);
        } catch (TopologyException e) {
            System.err.println(e.getMessage());
            return Main.USAGE;
        }
        List<String> lines;
        try {
            lines = NetworkSession.commands(commands, script, System.err);
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("tapnet: cannot read script " + script + ": no such file");
            return Main.USAGE;
        } catch (IOException e) {
            System.err.println("tapnet: cannot read script " + script + ": " + e.getMessage());
            return Main.USAGE;
        }
        try (NetworkSession session = startOrReport(topology)) {
            if (session == null) {
                return Main.FAILURE;
            }
            Console console = new Console(session.network(), System.out);
            if (commands != null || script != null) {
                return NetworkSession.runCommands(console, lines);
            }
            if (System.console() != null) {
                return interactive(console);
            }
            System.err.println("tapnet: network " + topology.name() + " is up (" + topology.nodes().size() + " nodes, "
                    + topology.links().size() + " links); stop it with SIGTERM");
            session.awaitTermination();
            return Main.OK;
        }
    }

    private NetworkSession startOrReport(Topology topology) {
        try {
            return NetworkSession.start(topology, captureDir, captureSegments);
        } catch (IOException | RuntimeException e) {
            System.err.println("tapnet: cannot build " + topology.name() + ": " + e.getMessage());
            return null;
        }
    }

    private static int interactive(Console console) throws IOException {
        System.out.println("tapnet console: type 'help' for commands, 'exit' to stop the network.");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (!console.exitRequested()) {
            System.out.print("tapnet> ");
            System.out.flush();
            String line = in.readLine();
            if (line == null) {
                break;
            }
            console.execute(line);
        }
        return Main.OK;
    }
}
