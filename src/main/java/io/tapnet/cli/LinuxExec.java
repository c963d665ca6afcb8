package io.tapnet.cli;

import io.tapnet.topology.LinuxHost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command inside a Linux node's namespace and streams its output to the console. */
final class LinuxExec {
    private static final long TIMEOUT_SECONDS = 300;

    private LinuxExec() {
    }

    static boolean run(Console console, String node, List<String> argv) {
        LinuxHost host = console.network().linuxHost(node);
        if (host == null) {
            console.out().println(node + " is not a Linux node");
            return false;
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace().name()));
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    console.out().println(line);
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                console.out().println(argv.get(0) + ": stopped after " + TIMEOUT_SECONDS + "s");
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            console.out().println(node + ": cannot run " + argv.get(0) + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
