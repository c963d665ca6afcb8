package io.tapnet.cli;

import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.Topology;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Builds a network for a command and guarantees its teardown: on normal exit, on an exception, and
 * on Ctrl-C or SIGTERM through a shutdown hook, so no namespace or TAP device outlives tapnet.
 */
final class NetworkSession implements AutoCloseable {
    private final Network network;
    private final Thread hook;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private NetworkSession(Network network) {
        this.network = network;
        this.hook = new Thread(() -> {
            stopped.countDown();
            network.close();
        }, "tapnet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static NetworkSession start(Topology topology, Path captureDir) throws IOException {
        return start(topology, captureDir, false);
    }

    static NetworkSession start(Topology topology, Path captureDir, boolean captureSegments) throws IOException {
        NetworkBuilder builder = NetworkBuilder.of(topology);
        if (captureDir != null) {
            builder.captureTo(captureDir).captureSegments(captureSegments);
        }
        return new NetworkSession(builder.build());
    }

    Network network() {
        return network;
    }

    /** Blocks until the JVM is asked to stop (SIGTERM, SIGINT). */
    void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    /** Runs console commands, stopping at the first failure only if asked; returns the exit code. */
    static int runCommands(Console console, List<String> commands) {
        boolean ok = true;
        for (String c : commands) {
            if (!console.execute(c)) {
                ok = false;
            }
            if (console.exitRequested()) {
                break;
            }
        }
        return ok ? Main.OK : Main.FAILURE;
    }

    /** Splits {@code -c} text on ';' and newlines, and reads a script file's lines; '#' starts a comment. */
    static List<String> commands(String inline, Path script, PrintStream err) throws IOException {
        List<String> out = new ArrayList<>();
        if (inline != null) {
            addLines(out, inline.split("[;\\n]"));
        }
        if (script != null) {
            addLines(out, Files.readAllLines(script).toArray(new String[0]));
        }
        return out;
    }

    private static void addLines(List<String> out, String[] lines) {
        for (String l : lines) {
            int hash = l.indexOf('#');
            String s = (hash >= 0 ? l.substring(0, hash) : l).trim();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
    }

    @Override
    public void close() {
        network.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }
}
