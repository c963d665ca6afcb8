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
    /** Created when a direction is first impaired; null means a perfect wire both ways. */
    private ImpairedChannel towardB;
    private ImpairedChannel towardA;
    private long seed = 1;
    /** How many times the link went down; frames carry the value they were sent under. */
    private int epoch;

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

    /** False for a frame sent before the link last went down: it was on the cable when it was pulled. */
    boolean carried(Frame frame) {
        return up && frame.linkEpoch == epoch;
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
        if (!up) {
            epoch++;
            if (towardA != null) {
                towardA.clear();
            }
            if (towardB != null) {
                towardB.clear();
            }
        }
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

    /** Sets how this link treats frames sent by {@code from}. */
    public void impair(Port from, Impairment impairment) {
        channel(from).set(impairment);
    }

    public void impairBoth(Impairment impairment) {
        impair(a, impairment);
        impair(b, impairment);
    }

    public Impairment impairment(Port from) {
        ImpairedChannel c = from == a ? towardB : towardA;
        return c == null ? Impairment.NONE : c.impairment();
    }

    /** Seeds the random sources of both directions, so impaired runs in virtual time repeat exactly. */
    public void seed(long seed) {
        this.seed = seed;
        if (towardB != null) {
            towardB.seed(seed * 2);
        }
        if (towardA != null) {
            towardA.seed(seed * 2 + 1);
        }
    }

    private ImpairedChannel channel(Port from) {
        if (from != a && from != b) {
            throw new IllegalArgumentException(from + " is not an end of " + name);
        }
        if (from == a) {
            if (towardB == null) {
                towardB = new ImpairedChannel(this, b, seed * 2);
            }
            return towardB;
        }
        if (towardA == null) {
            towardA = new ImpairedChannel(this, a, seed * 2 + 1);
        }
        return towardA;
    }

    /** Frames lost by impairments sent from {@code from}, and the other per-direction counters below. */
    public long lost(Port from) {
        ImpairedChannel c = from == a ? towardB : towardA;
        return c == null ? 0 : c.lost;
    }

    public long duplicated(Port from) {
        ImpairedChannel c = from == a ? towardB : towardA;
        return c == null ? 0 : c.duplicated;
    }

    public long corrupted(Port from) {
        ImpairedChannel c = from == a ? towardB : towardA;
        return c == null ? 0 : c.corrupted;
    }

    public long queueDrops(Port from) {
        ImpairedChannel c = from == a ? towardB : towardA;
        return c == null ? 0 : c.queueDrops;
    }

    public long reordered(Port from) {
        ImpairedChannel c = from == a ? towardB : towardA;
        return c == null ? 0 : c.reordered;
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
        frame.linkEpoch = epoch;
        ImpairedChannel c = from == a ? towardB : towardA;
        if (c == null || !c.isActive()) {
            loop.deliver(from == a ? b : a, frame);
        } else if (frame.isOffloaded()) {
            // Loss, corruption, rate and queue limits act on the frames a wire would carry.
            Offload.resolve(loop, frame, c);
        } else {
            c.transmit(frame);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
