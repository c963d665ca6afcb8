package io.tapnet.phy;

/**
 * A cable between two ports: an in-memory wire that hands each frame to the loop for delivery at the
 * other end. A link can be taken down (both ends lose carrier and frames in flight on it are dropped)
 * and observed by captures.
 */
public final class Link {
    private final EventLoop loop;
    private final Port a;
    private final Port b;
    private final String name;
    private boolean up = true;
    private FrameObserver observer;
    private long drops;

    public Link(Port a, Port b) {
        if (a.loop() != b.loop()) {
            throw new IllegalArgumentException("ports on different loops need a cross-loop link");
        }
        this.loop = a.loop();
        this.a = a;
        this.b = b;
        this.name = a.fullName() + "<->" + b.fullName();
        a.attach(this);
        b.attach(this);
    }

    /** Connects two ports and tells both they have carrier. */
    public static Link connect(Port a, Port b) {
        Link link = new Link(a, b);
        a.carrierChanged();
        b.carrierChanged();
        return link;
    }

    public Port a() {
        return a;
    }

    public Port b() {
        return b;
    }

    public String name() {
        return name;
    }

    public Port peerOf(Port p) {
        return p == a ? b : a;
    }

    public boolean isUp() {
        return up;
    }

    public void setUp(boolean up) {
        if (this.up == up) {
            return;
        }
        boolean aBefore = a.hasCarrier();
        boolean bBefore = b.hasCarrier();
        this.up = up;
        if (aBefore != a.hasCarrier()) {
            a.carrierChanged();
        }
        if (bBefore != b.hasCarrier()) {
            b.carrierChanged();
        }
    }

    public FrameObserver observer() {
        return observer;
    }

    public void setObserver(FrameObserver observer) {
        this.observer = observer;
    }

    /** Frames lost on this link (down, or the far port down). */
    public long drops() {
        return drops;
    }

    void send(Port from, Frame frame) {
        if (!up) {
            drops++;
            frame.release();
            return;
        }
        FrameObserver o = observer;
        if (o != null) {
            o.observe(this, from, frame, loop.clock().epochNanos());
        }
        loop.deliver(from == a ? b : a, frame);
    }

    @Override
    public String toString() {
        return name;
    }
}
