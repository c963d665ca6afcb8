package io.tapnet.phy;


/**
 * A pool filled by a device-reader thread and emptied on the event loop: the reader acquires frames,
 * the loop releases them. Releases from other threads land in a bounded lock-free queue (no
 * allocation per operation) that the reader drains back into its private free list.
 */
public final class SharedFramePool extends FramePool {
    private final BoundedQueue<Frame> returned;

    public SharedFramePool(int frameCapacity, int maxRetained) {
        super(frameCapacity, maxRetained);
        this.returned = new BoundedQueue<>(maxRetained);
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
