package io.tapnet.transport;

import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;

/**
 * Picks local ports for endpoints that bind to port 0, after RFC 6056 section 3.3.2 (algorithm 2,
 * "simple port randomization"): start at a random point of the range and probe upwards for a port
 * the caller says is free. The range is IANA's dynamic ports, 49152-65535 (RFC 6335 section 6).
 * The random source is injected so that a seeded network picks the same ports on every run.
 */
public final class EphemeralPorts {
    public static final int FIRST = 49152;
    public static final int LAST = 65535;

    private final RandomGenerator random;

    public EphemeralPorts(RandomGenerator random) {
        this.random = random;
    }

    /** A port in the range for which {@code free} holds, or -1 when every one is taken. */
    public int pick(IntPredicate free) {
        int count = LAST - FIRST + 1;
        int start = random.nextInt(count);
        for (int i = 0; i < count; i++) {
            int port = FIRST + (start + i) % count;
            if (free.test(port)) {
                return port;
            }
        }
        return -1;
    }
}
