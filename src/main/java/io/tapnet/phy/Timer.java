package io.tapnet.phy;

/**
 * A reusable one-shot timer on an {@link EventLoop}. Scheduling and cancelling allocate nothing, so
 * protocol code keeps one timer per purpose (retransmission, ARP retry, aging sweep) and re-arms it.
 */
public final class Timer {
    private final EventLoop loop;
    private final Runnable action;
    long deadline;
    long sequence;
    int heapIndex = -1;

    Timer(EventLoop loop, Runnable action) {
        this.loop = loop;
        this.action = action;
    }

    /** Fires at {@code deadlineNanos} on the loop's clock, replacing any earlier schedule. */
    public void scheduleAt(long deadlineNanos) {
        loop.schedule(this, deadlineNanos);
    }

    /** Fires {@code delayNanos} after the loop's now. */
    public void scheduleIn(long delayNanos) {
        loop.schedule(this, loop.now() + delayNanos);
    }

    public void cancel() {
        loop.cancel(this);
    }

    public boolean isScheduled() {
        return heapIndex >= 0;
    }

    public long deadline() {
        return deadline;
    }

    void fire() {
        action.run();
    }
}
