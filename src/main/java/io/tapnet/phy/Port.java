package io.tapnet.phy;

/**
 * One end of a cable: a NIC of a host or router, a switch port, the fabric side of a TAP device.
 * Frames leave through {@link #transmit} onto the attached {@link Link} and arrive through the loop
 * into the port's {@link FrameHandler}. A port is administratively up or down; it has carrier when it
 * is up and its link is up.
 */
public final class Port {
    private final EventLoop loop;
    private final String node;
    private final String name;
    private final String fullName;
    private FrameHandler handler;
    private Link link;
    private boolean adminUp = true;
    private int index = -1;

    private long rxFrames;
    private long rxBytes;
    private long txFrames;
    private long txBytes;
    private long rxDrops;
    private long txDrops;
    /** Hands resolved offloaded frames to the handler; made on first use. */
    private Offload.Sink resolvedSink;

    public Port(EventLoop loop, String node, String name, FrameHandler handler) {
        this.loop = loop;
        this.node = node;
        this.name = name;
        this.fullName = node + ":" + name;
        this.handler = handler;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The node's name. */
    public String node() {
        return node;
    }

    /** The interface name within the node, e.g. {@code eth0}. */
    public String name() {
        return name;
    }

    /** {@code node:interface}. */
    public String fullName() {
        return fullName;
    }

    public FrameHandler handler() {
        return handler;
    }

    public void setHandler(FrameHandler handler) {
        this.handler = handler;
    }

    /** A slot the owning node may use to find the port in its own tables without a map lookup. */
    public int index() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public Link link() {
        return link;
    }

    void attach(Link link) {
        if (this.link != null) {
            throw new IllegalStateException(fullName + " is already linked");
        }
        this.link = link;
    }

    public boolean isAdminUp() {
        return adminUp;
    }

    /**
     * Brings the port up or down, as a NIC being enabled or switched off: the far end loses carrier
     * too, as it would see a dead link partner.
     */
    public void setAdminUp(boolean up) {
        Port peer = link == null ? null : link.peerOf(this);
        boolean before = hasCarrier();
        boolean peerBefore = peer != null && peer.hasCarrier();
        adminUp = up;
        if (before != hasCarrier()) {
            carrierChanged();
        }
        if (peer != null && peerBefore != peer.hasCarrier()) {
            peer.carrierChanged();
        }
    }

    /** Up, linked, the link up, and the port at the other end up. */
    public boolean hasCarrier() {
        return adminUp && link != null && link.isUp() && link.peerOf(this).adminUp;
    }

    void carrierChanged() {
        handler.onCarrier(this, hasCarrier());
    }

    /** Sends {@code frame} onto the link; takes ownership. */
    public void transmit(Frame frame) {
        Link l = link;
        if (!adminUp || l == null) {
            txDrops++;
            frame.release();
            return;
        }
        txFrames++;
        txBytes += frame.length();
        l.send(this, frame);
    }

    /** Called by the loop when a frame arrives from the link. */
    void receive(Frame frame) {
        if (!adminUp || (link != null && !link.carried(frame))) {
            // Down here, or the cable was pulled while the frame was still queued for delivery.
            rxDrops++;
            frame.release();
            return;
        }
        rxFrames++;
        rxBytes += frame.length();
        if (frame.isOffloaded() && !handler.acceptsOffloads()) {
            Offload.Sink sink = resolvedSink;
            if (sink == null) {
                sink = resolvedSink = f -> handler.onFrame(this, f);
            }
            Offload.resolve(loop, frame, sink);
            return;
        }
        handler.onFrame(this, frame);
    }

    public long rxFrames() {
        return rxFrames;
    }

    public long rxBytes() {
        return rxBytes;
    }

    public long txFrames() {
        return txFrames;
    }

    public long txBytes() {
        return txBytes;
    }

    public long rxDrops() {
        return rxDrops;
    }

    public long txDrops() {
        return txDrops;
    }

    @Override
    public String toString() {
        return fullName;
    }
}
