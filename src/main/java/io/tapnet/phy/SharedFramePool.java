package io.tapnet.phy;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * A pool filled by a device-reader thread and emptied on the event loop: the reader acquires frames,
 * the loop releases them. Releases from other threads land in a bounded lock-based queue (no
 * allocation per operation) that the reader drains back into its private free list.
 */
public final class SharedFramePool extends FramePool {
    private final ArrayBlockingQueue<Frame> returned;

    public SharedFramePool(int frameCapacity, int maxRetained) {
        super(frameCapacity, maxRetained);
        this.returned = new ArrayBlockingQueue<>(maxRetained);
    }

    /** Called only by the owning reader thread. */
    @Override
    public Frame acquire() {
        Frame f = returned.poll();
        if (f != null) {
            f.free = false;
            f.clear();
            return f;
        }
        return super.acquire();
    }

    @Override
    void recycle(Frame f) {
        if (f.free) {
            throw new IllegalStateException("frame released twice");
        }
        f.free = true;
        returned.offer(f); // when full, the frame is left to the collector
    }
}
