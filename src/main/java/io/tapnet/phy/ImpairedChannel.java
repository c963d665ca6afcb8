package io.tapnet.phy;

import java.util.SplittableRandom;

/**
 * One direction of an impaired link: decides each frame's fate (lost, duplicated, corrupted), when
 * it leaves the sender (rate and queue) and when it arrives (delay, jitter, reordering), and holds
 * frames in flight until a timer delivers them. The random source is seeded, so a run in virtual
 * time is repeatable.
 *
 * <p>Frames in flight sit in a binary heap ordered by arrival time, then by send order; its arrays
 * grow once and are reused, so steady traffic allocates nothing.
 */
final class ImpairedChannel implements Offload.Sink {
    private static final int ETHERNET_HEADER = 14;
    /** Preamble, start delimiter, FCS and inter-frame gap occupy the wire too (IEEE 802.3). */
    private static final int WIRE_OVERHEAD_BYTES = 24;

    private final Link link;
    private final Port to;
    private final EventLoop loop;
    private final Timer timer;
    private SplittableRandom random;
    private Impairment impairment = Impairment.NONE;
    private boolean active;
    private boolean inBurst;

    private long busyUntil;
    private long lastArrival;
    private long[] departures = new long[64];
    private int departureHead;
    private int departureCount;

    private long[] arrivals = new long[64];
    private long[] order = new long[64];
    private Frame[] frames = new Frame[64];
    private int size;
    private long sequence;

    long lost;
    long duplicated;
    long corrupted;
    long queueDrops;
    long reordered;

    ImpairedChannel(Link link, Port to, long seed) {
        this.link = link;
        this.to = to;
        this.loop = to.loop();
        this.timer = loop.newTimer(this::deliverDue);
        this.random = new SplittableRandom(seed);
    }

    Impairment impairment() {
        return impairment;
    }

    void set(Impairment i) {
        this.impairment = i;
        this.active = !i.isNone();
    }

    /** False for a perfect wire, which the link then bypasses. */
    boolean isActive() {
        return active;
    }

    void seed(long seed) {
        random = new SplittableRandom(seed);
    }

    @Override
    public void accept(Frame frame) {
        transmit(frame);
    }

    void transmit(Frame frame) {
        Impairment im = impairment;
        long now = loop.now();
        if (im.loss() > 0 && random.nextDouble() < im.loss()) {
            lost++;
            frame.release();
            return;
        }
        if (im.burstEnter() > 0) {
            // Gilbert-Elliott: the chain moves once per frame; in the bad state every frame is lost.
            inBurst = inBurst ? random.nextDouble() >= im.burstExit() : random.nextDouble() < im.burstEnter();
            if (inBurst) {
                lost++;
                frame.release();
                return;
            }
        }
        long departure = now;
        if (im.rateBitsPerSecond() > 0) {
            while (departureCount > 0 && departures[departureHead] <= now) {
                departureHead = (departureHead + 1) & (departures.length - 1);
                departureCount--;
            }
            if (im.queueLimit() > 0 && departureCount >= im.queueLimit()) {
                queueDrops++;
                frame.release();
                return;
            }
            long bits = (long) (frame.length() + WIRE_OVERHEAD_BYTES) * 8;
            long serialization = (bits * 1_000_000_000L + im.rateBitsPerSecond() - 1) / im.rateBitsPerSecond();
            busyUntil = Math.max(busyUntil, now) + serialization;
            departure = busyUntil;
            pushDeparture(departure);
        } else if (im.queueLimit() > 0 && size >= im.queueLimit()) {
            queueDrops++;
            frame.release();
            return;
        }
        if (im.corrupt() > 0 && frame.length() > ETHERNET_HEADER && random.nextDouble() < im.corrupt()) {
            corrupted++;
            int at = frame.offset() + ETHERNET_HEADER + random.nextInt(frame.length() - ETHERNET_HEADER);
            frame.buffer().put(at, (byte) (frame.buffer().get(at) ^ (1 << random.nextInt(8))));
        }
        boolean duplicate = im.duplicate() > 0 && random.nextDouble() < im.duplicate();
        if (duplicate) {
            duplicated++;
            Frame copy = loop.copy(frame);
            schedule(copy, arrival(im, departure));
        }
        schedule(frame, arrival(im, departure));
    }

    private long arrival(Impairment im, long departure) {
        if (im.reorder() > 0 && random.nextDouble() < im.reorder()) {
            reordered++;
            return departure; // netem's reorder: this frame goes out at once, ahead of delayed ones
        }
        long delay = im.delayNanos();
        if (im.jitterNanos() > 0) {
            delay += (long) ((random.nextDouble() * 2 - 1) * im.jitterNanos());
            delay = Math.max(0, delay);
        }
        long arrival = departure + delay;
        if (!im.jitterReorders() && arrival < lastArrival) {
            arrival = lastArrival;
        }
        lastArrival = Math.max(lastArrival, arrival);
        return arrival;
    }

    private void pushDeparture(long t) {
        if (departureCount == departures.length) {
            long[] bigger = new long[departures.length * 2];
            for (int i = 0; i < departureCount; i++) {
                bigger[i] = departures[(departureHead + i) & (departures.length - 1)];
            }
            departures = bigger;
            departureHead = 0;
        }
        departures[(departureHead + departureCount) & (departures.length - 1)] = t;
        departureCount++;
    }

    private void schedule(Frame frame, long arrival) {
        if (arrival <= loop.now() && size == 0) {
            loop.deliver(to, frame);
            return;
        }
        if (size == frames.length) {
            arrivals = java.util.Arrays.copyOf(arrivals, size * 2);
            order = java.util.Arrays.copyOf(order, size * 2);
            frames = java.util.Arrays.copyOf(frames, size * 2);
        }
        int i = size++;
        long seq = sequence++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (arrivals[parent] < arrival || (arrivals[parent] == arrival && order[parent] < seq)) {
                break;
            }
            arrivals[i] = arrivals[parent];
            order[i] = order[parent];
            frames[i] = frames[parent];
            i = parent;
        }
        arrivals[i] = arrival;
        order[i] = seq;
        frames[i] = frame;
        if (!timer.isScheduled() || arrivals[0] < timer.deadline()) {
            timer.scheduleAt(arrivals[0]);
        }
    }

    private void deliverDue() {
        long now = loop.now();
        while (size > 0 && arrivals[0] <= now) {
            Frame f = frames[0];
            removeTop();
            if (link.isUp()) {
                loop.deliver(to, f);
            } else {
                f.release(); // the cable was pulled while the frame was on it
            }
        }
        if (size > 0) {
            timer.scheduleAt(arrivals[0]);
        }
    }

    private void removeTop() {
        size--;
        long lastArrivalKey = arrivals[size];
        long lastOrder = order[size];
        Frame lastFrame = frames[size];
        frames[size] = null;
        if (size == 0) {
            frames[0] = null;
            return;
        }
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && (arrivals[right] < arrivals[child]
                    || (arrivals[right] == arrivals[child] && order[right] < order[child]))) {
                child = right;
            }
            if (lastArrivalKey < arrivals[child] || (lastArrivalKey == arrivals[child] && lastOrder < order[child])) {
                break;
            }
            arrivals[i] = arrivals[child];
            order[i] = order[child];
            frames[i] = frames[child];
            i = child;
        }
        arrivals[i] = lastArrivalKey;
        order[i] = lastOrder;
        frames[i] = lastFrame;
    }

    /** Frames on the wire right now. */
    int inFlight() {
        return size;
    }

    /** Drops every frame in flight (link down, node stopped). */
    void clear() {
        for (int i = 0; i < size; i++) {
            frames[i].release();
            frames[i] = null;
        }
        size = 0;
        departureCount = 0;
        busyUntil = 0;      // the dropped frames no longer occupy the wire
        lastArrival = 0;    // nor hold back the next frame when jitter must not reorder
        timer.cancel();
    }
}
