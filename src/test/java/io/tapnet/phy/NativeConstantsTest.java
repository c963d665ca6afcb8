package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tapnet.testing.RootRequirement;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Compares the Linux ABI numbers hard-coded in {@link TunTapIoctl} with the values the C headers of
 * this machine give: {@code native/build.sh} compiles {@code native/tapconsts.c} with the system
 * {@code gcc}, the program prints {@code NAME=value} lines, and every printed name that is a
 * constant of {@code TunTapIoctl} must have the same value there. Every {@code TunTapIoctl}
 * constant must be printed, so a new Java constant cannot go unchecked (add a line to
 * {@code tapconsts.c}); names only C prints are fine (the catalogue is a superset).
 *
 * <p>Without {@code gcc} (or without the C library headers) the test skips and says so, except
 * under {@code CI=true}, where it fails: {@code .ci/run} installs the compiler, so CI always
 * compares.
 */
class NativeConstantsTest {

    private static final long BUILD_TIMEOUT_SECONDS = 120;

    @Test
    void everyTunTapIoctlConstantMatchesTheKernelHeaders() throws Exception {
        Path project = projectDir();
        Path nativeDir = project.resolve("native");
        assertTrue(Files.isRegularFile(nativeDir.resolve("build.sh")), "missing " + nativeDir.resolve("build.sh"));

        requireToolchain(!onPath("gcc") && System.getenv("CC") == null,
                "no C compiler: gcc is not on PATH (apt-get install gcc libc6-dev)");
        Result build = run(nativeDir, List.of("bash", nativeDir.resolve("build.sh").toString()));
        if (build.exit() == 3) {
            requireToolchain(true, build.output().strip());
        }
        if (build.exit() != 0) {
            boolean missingHeaders = build.output().contains("No such file or directory")
                    && build.output().contains(".h");
            requireToolchain(missingHeaders, "C headers missing (apt-get install libc6-dev linux-libc-dev): "
                    + build.output().strip());
            fail("native/build.sh failed (exit " + build.exit() + "):\n" + build.output());
        }

        Result printed = run(nativeDir, List.of(nativeDir.resolve("build/tapconsts").toString()));
        assertEquals(0, printed.exit(), "native/build/tapconsts failed:\n" + printed.output());
        Map<String, Integer> c = parse(printed.output());
        Map<String, Long> java = javaConstants();
        assertTrue(java.size() > 10, "found only " + java.size() + " constants in TunTapIoctl");

        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, Integer> e : c.entrySet()) {
            Long javaValue = java.get(e.getKey());
            if (javaValue == null) {
                continue; // C-only: not used by Java (yet)
            }
            compared++;
            int expected = e.getValue();
            if (javaValue.intValue() != expected) { // C prints the low 32 bits, as a Java int holds them
                problems.add(String.format("TunTapIoctl.%s = %d (0x%x), but the C headers say %d (0x%x)",
                        e.getKey(), javaValue, javaValue, expected, expected));
            }
        }
        for (String name : java.keySet()) {
            if (!c.containsKey(name)) {
                problems.add("TunTapIoctl." + name + " is not printed by native/tapconsts.c, so nothing checks it:"
                        + " add a line for it there");
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + java.size() + " TunTapIoctl constants disagree with native/tapconsts:\n  "
                    + String.join("\n  ", problems));
        }
        assertEquals(java.size(), compared, "every Java constant is compared");
    }

    /** Skips the test (fails it under CI=true) when {@code missing}. */
    private static void requireToolchain(boolean missing, String why) {
        if (!missing) {
            return;
        }
        String message = "cannot compare TunTapIoctl with the C headers: " + why;
        if (RootRequirement.isCi()) {
            fail("CI=true, so the native constants must be compared, but " + message);
        }
        Assumptions.assumeTrue(false, message);
    }

    /** {@code public static final} primitive integer fields of TunTapIoctl, by name. */
    private static Map<String, Long> javaConstants() throws IllegalAccessException {
        Map<String, Long> out = new TreeMap<>();
        for (Field f : TunTapIoctl.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isPublic(m) || !Modifier.isStatic(m) || !Modifier.isFinal(m)) {
                continue;
            }
            Class<?> t = f.getType();
            if (t == int.class || t == long.class || t == short.class || t == byte.class) {
                out.put(f.getName(), ((Number) f.get(null)).longValue());
            }
        }
        return out;
    }

    static Map<String, Integer> parse(String output) {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : output.split("\n")) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "tapconsts printed a line that is not NAME=value: " + line);
            String name = line.substring(0, eq);
            Integer previous = out.put(name, Integer.parseInt(line.substring(eq + 1)));
            assertTrue(previous == null, "tapconsts printed " + name + " twice");
        }
        return out;
    }

    private static Path projectDir() {
        String dir = System.getProperty("tapnet.project.dir");
        Path p = dir != null ? Path.of(dir) : Path.of("").toAbsolutePath();
        return p.toAbsolutePath().normalize();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private record Result(int exit, String output) {}

    private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("tapnet-native-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + BUILD_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
