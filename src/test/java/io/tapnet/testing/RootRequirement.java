package io.tapnet.testing;

import io.tapnet.phy.LinuxNamespace;
import io.tapnet.phy.TapDevice;
import io.tapnet.phy.TapMode;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gate for tests that need TAP devices and network namespaces (tag them {@code @Tag("root")}).
 *
 * <p>Call {@link #assumeRoot()} at the start of a test (or in {@code @BeforeAll}/{@code @BeforeEach}),
 * or register the class as an extension: {@code @ExtendWith(RootRequirement.class)}. The first call
 * probes once per JVM: create a TAP through {@code /dev/net/tun} and {@code TUNSETIFF}, and
 * {@code ip netns add}/{@code del} a scratch namespace. If the probe succeeds the test runs. If it
 * fails, the test is skipped with the reason, except under {@code CI=true}, where it <em>fails</em>:
 * CI must run these tests, never silently skip them.
 */
public final class RootRequirement implements BeforeAllCallback, BeforeEachCallback {

    /** What a skipped test says. */
    public static final String MESSAGE = "needs root with /dev/net/tun and ip netns (run as root)";

    private static Probe probe;

    private record Probe(boolean ok, String reason) {}

    /** Returns if TAP devices and namespaces can be created; otherwise skips (or, in CI, fails). */
    public static void assumeRoot() {
        Probe result = probe();
        if (result.ok()) {
            return;
        }
        String message = MESSAGE + ": " + result.reason();
        if (isCi()) {
            Assertions.fail("CI=true, so root tests must run, but this environment " + message);
        }
        Assumptions.assumeTrue(false, message);
    }

    /** True if the environment variable {@code CI} is {@code true}. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static synchronized Probe probe() {
        if (probe == null) {
            probe = runProbe();
        }
        return probe;
    }

    private static Probe runProbe() {
        try (TapDevice tap = TapDevice.open("tnprobe%d", TapMode.TAP)) {
            tap.fd();
        } catch (Throwable e) {
            return new Probe(false, "cannot create a TAP device: " + e);
        }
        String namespace = "tnt-probe-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        try {
            LinuxNamespace.create(namespace).delete();
        } catch (Throwable e) {
            try {
                LinuxNamespace.deleteIfExists(namespace);
            } catch (Throwable ignored) {
                // Reported below through the original failure.
            }
            return new Probe(false, "cannot create a network namespace: " + e);
        }
        return new Probe(true, "");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeRoot();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeRoot();
    }
}
