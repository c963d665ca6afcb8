package io.tapnet.phy;

/** The machine's monotonic clock, anchored once to the wall clock for capture timestamps. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private final long epochAtStart;
    private final long nanosAtStart;

    private SystemClock() {
        java.time.Instant now = java.time.Instant.now();
        this.nanosAtStart = System.nanoTime();
        this.epochAtStart = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public long epochNanos() {
        return epochAtStart + (System.nanoTime() - nanosAtStart);
    }

    @Override
    public boolean isVirtual() {
        return false;
    }
}
