package io.tapnet.transport.tcp;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Port;
import io.tapnet.phy.Timer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A test-only two-port node that impairs what crosses it, until {@code phy.Link} has impairments
 * of its own (docs/IMPAIRMENT-SPEC.md): per direction a bottleneck rate with a tail-drop queue, a
 * propagation delay, and seeded loss, duplication, reordering (a frame held back by extra delay)
 * and corruption (one bit flipped in an IPv4 frame past the Ethernet header, so a checksum has to
 * catch it). Every frame forwarded is hashed into a trace digest, so two runs with one seed can be
 * compared.
 *
 * <p>Insert it by taking over both ports of a two-port switch in the topology.
 */
final class ImpairingRelay implements FrameHandler {

    /** Impairments of one direction; probabilities in [0, 1]. */
    record Impairment(long delayNanos, long rateBitsPerSecond, int queueFrames, double loss, double duplicate,
                      double reorder, long reorderExtraNanos, double corrupt) {
        static Impairment clean(long delayNanos, long rate) {
            return new Impairment(delayNanos, rate, 1000, 0, 0, 0, 0, 0);
        }
    }

    private record Pending(long at, long order, Frame frame) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    private final class Direction {
        final Port out;
        final Impairment impairment;
        final PriorityQueue<Pending> inFlight = new PriorityQueue<>();
        final Timer timer;
        long linkFreeAt;
        long order;
        int queued;

        Direction(Port out, Impairment impairment) {
            this.out = out;
            this.impairment = impairment;
            this.timer = loop.newTimer(this::deliver);
        }

        void accept(Frame frame) {
            long now = loop.now();
            Impairment im = impairment;
            if (im.loss > 0 && random.nextDouble() < im.loss) {
                lost++;
                frame.release();
                return;
            }
            if (im.duplicate > 0 && random.nextDouble() < im.duplicate) {
                duplicated++;
                enqueue(loop.pool().copyOf(frame), now);
            }
            if (im.corrupt > 0 && random.nextDouble() < im.corrupt && isIpv4(frame)) {
                corrupted++;
                int span = frame.length() - 14;
                int at = frame.offset() + 14 + random.nextInt(span);
                ByteBuffer b = frame.buffer();
                b.put(at, (byte) (b.get(at) ^ (1 << random.nextInt(8))));
            }
            enqueue(frame, now);
        }

        private void enqueue(Frame frame, long now) {
            if (impairment.queueFrames > 0 && queued >= impairment.queueFrames) {
                queueDrops++;
                frame.release();
                return;
            }
            long serialization = impairment.rateBitsPerSecond == 0 ? 0
                    : (frame.length() + 24) * 8L * 1_000_000_000L / impairment.rateBitsPerSecond;
            linkFreeAt = Math.max(linkFreeAt, now) + serialization;
            long at = linkFreeAt + impairment.delayNanos;
            if (impairment.reorder > 0 && random.nextDouble() < impairment.reorder) {
                reordered++;
                at += impairment.reorderExtraNanos;
            }
            queued++;
            inFlight.add(new Pending(at, order++, frame));
            Pending head = inFlight.peek();
            if (!timer.isScheduled() || timer.deadline() > head.at) {
                timer.scheduleAt(head.at);
            }
        }

        void deliver() {
            long now = loop.now();
            Pending p;
            while ((p = inFlight.peek()) != null && p.at <= now) {
                inFlight.poll();
                queued--;
                trace(p.frame, this == ab ? 1 : 2, now);
                forwarded++;
                out.transmit(p.frame);
            }
            if (p != null) {
                timer.scheduleAt(p.at);
            }
        }
    }

    private final EventLoop loop;
    private final SplittableRandom random;
    private final MessageDigest digest;
    private final Direction ab;
    private final Direction ba;
    private final Port a;
    long lost;
    long duplicated;
    long corrupted;
    long reordered;
    long queueDrops;
    long forwarded;

    /** Takes over ports {@code a} and {@code b}; {@code aToB} applies to frames arriving on {@code a}. */
    ImpairingRelay(Port a, Port b, Impairment aToB, Impairment bToA, long seed) {
        this.loop = a.loop();
        this.random = new SplittableRandom(seed);
        this.a = a;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.ab = new Direction(b, aToB);
        this.ba = new Direction(a, bToA);
        a.setHandler(this);
        b.setHandler(this);
    }

    private static boolean isIpv4(Frame f) {
        return f.length() > 34 && (f.buffer().getShort(f.offset() + 12) & 0xffff) == 0x0800;
    }

    private final byte[] scratch = new byte[16];

    private void trace(Frame f, int direction, long now) {
        ByteBuffer.wrap(scratch).putLong(0, now).putInt(8, direction).putInt(12, f.length());
        digest.update(scratch);
        digest.update(f.buffer().slice(f.offset(), f.length()));
    }

    /** SHA-256 over every frame forwarded, with its time and direction. */
    byte[] traceHash() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onFrame(Port port, Frame frame) {
        (port == a ? ab : ba).accept(frame);
    }

    @Override
    public String toString() {
        return "relay forwarded=" + forwarded + " lost=" + lost + " dup=" + duplicated + " corrupt=" + corrupted
                + " reordered=" + reordered + " queueDrops=" + queueDrops;
    }
}
