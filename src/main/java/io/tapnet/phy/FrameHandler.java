package io.tapnet.phy;

/** The node behind a port: it receives the frames that arrive there. Called on the event loop only. */
public interface FrameHandler {
    /** Takes ownership of {@code frame}: pass it on or release it. */
    void onFrame(Port port, Frame frame);

    /**
     * True if this node takes {@linkplain Frame#isOffloaded() offloaded} frames as they are (it only
     * forwards them, or resolves them itself where it must); otherwise its port resolves each one
     * before {@link #onFrame}, so the node sees only what a wire would carry.
     */
    default boolean acceptsOffloads() {
        return false;
    }

    /** The port gained or lost carrier (its link or the port itself went up or down). */
    default void onCarrier(Port port, boolean up) {
    }
}
