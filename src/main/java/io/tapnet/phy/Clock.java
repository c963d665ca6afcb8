package io.tapnet.phy;

/**
 * Where the event loop gets {@code now}. Protocol code never reads a clock itself: the loop hands it
 * the time, so the same code runs against the wall clock or a virtual one.
 */
public interface Clock {
    /** Monotonic nanoseconds; only differences matter. */
    long nanos();

    /** Nanoseconds since the Unix epoch that correspond to {@link #nanos()} now, for captures. */
    long epochNanos();

    /** True for a discrete-event clock that the loop advances itself. */
    boolean isVirtual();

    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
