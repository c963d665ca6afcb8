package io.tapnet.phy;

/** Sees every frame that crosses a link (captures, live views); must not keep or modify the frame. */
public interface FrameObserver {
    void observe(Link link, Port from, Frame frame, long epochNanos);

    default void close() {
    }
}
