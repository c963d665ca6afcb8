package io.tapnet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs the real {@code tapnet} entry point ({@link Main#commandLine()}) inside the test JVM with
 * System.out and System.err captured: as fast as a unit test, and still everything a user would see.
 * Calls are serialised, since the standard streams are global.
 */
final class CliHarness {
    private static final Object STREAMS = new Object();

    private CliHarness() {
    }

    /** What one command returned and printed. */
    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Runs {@code tapnet args...} and returns its exit code and output. */
    static Result run(String... args) {
        synchronized (STREAMS) {
            PrintStream savedOut = System.out;
            PrintStream savedErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8);
            int code;
            try {
                System.setOut(capturedOut);
                System.setErr(capturedErr);
                code = Main.commandLine().execute(args);
            } finally {
                capturedOut.flush();
                capturedErr.flush();
                System.setOut(savedOut);
                System.setErr(savedErr);
            }
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** The project's directory (for {@code topologies/}), as surefire reports it. */
    static Path projectDir() {
        String dir = System.getProperty("tapnet.project.dir");
        return Path.of(dir != null ? dir : ".").toAbsolutePath();
    }

    static Path topology(String name) {
        return projectDir().resolve("topologies").resolve(name);
    }
}
