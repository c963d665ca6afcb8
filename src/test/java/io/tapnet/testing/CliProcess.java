package io.tapnet.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code tapnet} command as its own JVM ({@code java -cp CLASSPATH io.tapnet.cli.Main ...}),
 * with the test's classpath, so exit codes, signals and shutdown hooks are the real ones. Output is
 * collected on background threads as it comes, so a test can wait for a line while the process runs.
 */
public final class CliProcess implements AutoCloseable {

    private final Process process;
    private final Collector out;
    private final Collector err;
    private final List<String> command;

    private CliProcess(List<String> command, Path workingDir) throws IOException {
        this.command = List.copyOf(command);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (workingDir != null) {
            pb.directory(workingDir.toFile());
        }
        this.process = pb.start();
        this.out = new Collector(process.getInputStream(), "tapnet-stdout");
        this.err = new Collector(process.getErrorStream(), "tapnet-stderr");
    }

    /** The classpath the tests run with: surefire's real one when it hides it behind a manifest jar. */
    public static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }

    /** Starts {@code tapnet args...} in {@code workingDir} (null: the test's own). */
    public static CliProcess start(Path workingDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(classpath());
        command.add("io.tapnet.cli.Main");
        command.addAll(List.of(args));
        try {
            return new CliProcess(command, workingDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code tapnet args...} to completion (killing it after {@code timeout}). */
    public static Result run(Duration timeout, Path workingDir, String... args) {
        try (CliProcess p = start(workingDir, args)) {
            int code = p.waitFor(timeout);
            return new Result(code, p.stdout(), p.stderr());
        }
    }

    /** What a finished run returned and printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String stdout() {
        return out.text();
    }

    public String stderr() {
        return err.text();
    }

    /** Waits for exit; fails (after killing the process) if it takes longer than {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("tapnet did not exit within " + timeout + ": " + String.join(" ", command)
                        + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr());
            }
            out.join();
            err.join();
            return process.exitValue();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until stderr contains {@code text}; false if the process exits or the time runs out first. */
    public boolean awaitStderr(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (stderr().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                err.join();
                return stderr().contains(text);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Sends a signal by name ("INT", "TERM") with kill(1). */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    /** Reads a stream to its end on a daemon thread, keeping everything read so far available. */
    private static final class Collector {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Collector(InputStream in, String name) {
            thread = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process went away; what was read stays
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        void join() {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
