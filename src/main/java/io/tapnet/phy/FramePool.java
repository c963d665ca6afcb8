package io.tapnet.phy;

/**
 * A pool of frames owned by one thread (an event loop). {@link #acquire()} and {@link #recycle} must
 * be called on that thread only; frames owned by other threads' pools go back through
 * {@link Frame#release()}, which routes each frame to the pool it came from.
 *
 * <p>The pool never blocks and never fails: when it is empty it allocates a new frame, so a burst
 * costs memory once and then is served from the free list.
 */
public class FramePool {
    private final int frameCapacity;
    private final int maxRetained;
    private Frame freeList;
    private int retained;
    private long allocated;

    public FramePool(int frameCapacity, int maxRetained) {
        this.frameCapacity = frameCapacity;
        this.maxRetained = maxRetained;
    }

    public FramePool() {
        this(Frame.DEFAULT_CAPACITY, 4096);
    }

    /** An empty frame at the default offset. */
    public Frame acquire() {
        Frame f = freeList;
        if (f == null) {
            allocated++;
            f = new Frame(this, frameCapacity);
        } else {
            freeList = f.nextFree;
            f.nextFree = null;
            f.free = false;
            retained--;
        }
        f.clear();
        return f;
    }

    /** A new frame holding a copy of {@code source}. */
    public Frame copyOf(Frame source) {
        Frame f = acquire();
        f.copyFrom(source);
        return f;
    }

    void recycle(Frame f) {
        if (f.free) {
            throw new IllegalStateException("frame released twice");
        }
        f.free = true;
        if (retained >= maxRetained) {
            return; // let the collector take the surplus after a burst
        }
        f.nextFree = freeList;
        freeList = f;
        retained++;
    }

    public int frameCapacity() {
        return frameCapacity;
    }

    /** Frames created since the pool was made; steady state means this stops growing. */
    public long allocated() {
        return allocated;
    }

    public int retained() {
        return retained;
    }
}
