package io.tapnet.cli;

import io.tapnet.topology.Topology;
import io.tapnet.topology.TopologyException;
import io.tapnet.topology.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Checks a topology file without building anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a topology file and report every problem with file:line:column.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "topology file (YAML)")
    Path file;

    @Override
    public Integer call() {
        try {
            Topology t = TopologyLoader.load(file);
            System.out.println(file + ": ok: " + t.nodes().size() + " nodes, " + t.links().size() + " links");
            return Main.OK;
        } catch (TopologyException e) {
            System.err.println(e.getMessage());
            return Main.USAGE;
        }
    }
}
