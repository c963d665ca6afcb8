package io.tapnet.phy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} (and, for {@link LinuxNamespace#exec}, any command) as a child process,
 * capturing stdout and stderr. Failures become {@link IOException}s whose message holds the full
 * command line, the exit code and what the command printed on stderr, e.g.
 * {@code ip link set dev nope up: exit 1: Cannot find device "nope"}.
 *
 * <p>This is the setup path: a process per call, tens of milliseconds. Nothing here is used per
 * packet.
 */
public final class IpCommand {

    /** How long an {@code ip} call may take before it is killed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final String IP = "ip";

    private IpCommand() {}

    /**
     * What a finished command returned.
     *
     * @param command the argv that was run
     * @param exitCode its exit status
     * @param stdout everything it wrote to stdout (UTF-8)
     * @param stderr everything it wrote to stderr (UTF-8)
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public Result {
            command = List.copyOf(command);
        }

        /** True for exit status 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result if the exit status is 0, otherwise throws a descriptive exception. */
        public Result requireSuccess() throws IOException {
            if (exitCode != 0) {
                throw new IOException(describe());
            }
            return this;
        }

        /** "cmd args: exit N: stderr" (or stdout if stderr is empty). */
        public String describe() {
            String output = stderr.isBlank() ? stdout.strip() : stderr.strip();
            return commandLine(command) + ": exit " + exitCode + (output.isEmpty() ? "" : ": " + output);
        }
    }

    /** Runs {@code ip args...}; returns its stdout, or throws with the command and its stderr. */
    public static String ip(String... args) throws IOException {
        return ipResult(args).requireSuccess().stdout();
    }

    /** Runs {@code ip args...} and returns the result whatever the exit status. */
    public static Result ipResult(String... args) throws IOException {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(IP);
        argv.addAll(List.of(args));
        return run(argv, DEFAULT_TIMEOUT);
    }

    /**
     * Runs {@code argv} to completion, with stdin closed, and returns its exit code and output. A
     * command that outlives {@code timeout} is killed with its descendants, and an
     * {@code IOException} reports the command and the output it produced so far.
     */
    public static Result run(List<String> argv, Duration timeout) throws IOException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(commandLine(argv) + ": cannot start: " + e.getMessage(), e);
        }
        StreamDrain out = StreamDrain.start(process.getInputStream());
        StreamDrain err = StreamDrain.start(process.getErrorStream());
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            destroyTree(process);
            Thread.currentThread().interrupt();
            throw new IOException(commandLine(argv) + ": interrupted", e);
        }
        if (!finished) {
            destroyTree(process);
            String partialOut = out.awaitText(Duration.ofSeconds(2));
            String partialErr = err.awaitText(Duration.ofSeconds(2));
            throw new IOException(commandLine(argv) + ": timed out after " + timeout.toMillis() + " ms"
                    + (partialErr.isBlank() ? "" : "; stderr: " + partialErr.strip())
                    + (partialOut.isBlank() ? "" : "; stdout: " + partialOut.strip()));
        }
        // The streams end when the process exits, unless a backgrounded grandchild still holds them.
        String stdout = out.awaitText(Duration.ofSeconds(5));
        String stderr = err.awaitText(Duration.ofSeconds(5));
        return new Result(argv, process.exitValue(), stdout, stderr);
    }

    /** Kills {@code process} and everything it started. */
    static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The argv joined for messages, single-quoting words that need it. */
    public static String commandLine(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String word : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if (!word.isEmpty() && word.chars().allMatch(c -> c > ' ' && c < 0x7f && "'\"\\$`!*?;&|<>()".indexOf(c) < 0)) {
                sb.append(word);
            } else {
                sb.append('\'').append(word.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }

    /** Reads a child's output stream to the end on a virtual thread. */
    private static final class StreamDrain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        private StreamDrain(InputStream in) {
            thread = Thread.ofVirtual().name("ip-command-drain").start(() -> {
                try (in) {
                    byte[] chunk = new byte[8192];
                    int n;
                    while ((n = in.read(chunk)) > 0) {
                        synchronized (bytes) {
                            bytes.write(chunk, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // The process was killed or the pipe closed under us: keep what we have.
                }
            });
        }

        static StreamDrain start(InputStream in) {
            return new StreamDrain(in);
        }

        String awaitText(Duration wait) {
            try {
                thread.join(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
