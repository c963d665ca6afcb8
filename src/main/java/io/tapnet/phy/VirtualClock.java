package io.tapnet.phy;

/**
 * Discrete-event time: it stands still until the loop advances it to the next deadline, so a run is
 * deterministic and as fast as the CPU allows.
 */
public final class VirtualClock implements Clock {
    /** 2026-01-01T00:00:00Z, so that captures taken in virtual time carry plausible dates. */
    public static final long DEFAULT_EPOCH_NANOS = 1_767_225_600_000_000_000L;

    private final long epochOffset;
    private long now;

    public VirtualClock() {
        this(DEFAULT_EPOCH_NANOS);
    }

    public VirtualClock(long epochOffset) {
        this.epochOffset = epochOffset;
    }

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public long epochNanos() {
        return epochOffset + now;
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    /** Moves time forward; it never goes back. */
    void advanceTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }
}
