package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance item 1 of issue 4, in virtual time: each impairment of a {@link Link} direction is
 * measured on the frames that cross it and held to the accuracy the issue asks for (delay within 1 ms
 * or 10 %, rates within 5 %, loss rates within statistical bounds). In virtual time delays are exact,
 * so the delay tests ask for exactness, not merely for the tolerance.
 *
 * <p>Every frame carries its sequence number in its first four bytes (the destination MAC), which
 * corruption never touches (it flips bits past the Ethernet header only), and a pattern derived from
 * that number in the rest, so the receiver can tell exactly what happened to each frame.
 *
 * <p>Statistical checks allow {@value #SIGMAS} standard deviations: with fixed seeds the runs are
 * deterministic anyway, and a correct implementation passes for practically every seed.
 */
class ImpairmentAccuracyTest {
    static final double SIGMAS = 4.5;
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    /** What {@code ImpairedChannel} documents: preamble, start delimiter, FCS and inter-frame gap (IEEE 802.3). */
    static final int WIRE_OVERHEAD_BYTES = 24;
    static final int ETHERNET_HEADER = 14;

    final EventLoop loop = EventLoop.virtual();
    final Receiver receiver = new Receiver();
    final Port a = new Port(loop, "a", "eth0", (p, f) -> f.release());
    final Port b = new Port(loop, "b", "eth0", receiver);
    final Link link = Link.connect(a, b);
    /** When each sequence number was handed to the link. */
    long[] sentAt = new long[1024];

    /** One arrival: sequence number, virtual time, length, and how many bits differ from what was sent. */
    record Arrival(int seq, long at, int length, int flippedBits, int firstFlippedByte) {
    }

    final class Receiver implements FrameHandler {
        final List<Arrival> arrivals = new ArrayList<>();

        @Override
        public void onFrame(Port port, Frame f) {
            ByteBuffer buf = f.buffer();
            int o = f.offset();
            int seq = buf.getInt(o);
            int flipped = 0;
            int first = -1;
            for (int i = 4; i < f.length(); i++) {
                int diff = (buf.get(o + i) ^ pattern(seq, i)) & 0xff;
                if (diff != 0) {
                    flipped += Integer.bitCount(diff);
                    if (first < 0) {
                        first = i;
                    }
                }
            }
            arrivals.add(new Arrival(seq, loop.now(), f.length(), flipped, first));
            f.release();
        }
    }

    static byte pattern(int seq, int i) {
        return (byte) (seq * 31 + i * 7 + 0x55);
    }

    Frame frame(int seq, int length) {
        Frame f = loop.pool().acquire();
        f.setLength(length);
        ByteBuffer buf = f.buffer();
        int o = f.offset();
        buf.putInt(o, seq);
        for (int i = 4; i < length; i++) {
            buf.put(o + i, pattern(seq, i));
        }
        return f;
    }

    void send(int seq, int length) {
        if (seq >= sentAt.length) {
            sentAt = Arrays.copyOf(sentAt, Math.max(seq + 1, sentAt.length * 2));
        }
        sentAt[seq] = loop.now();
        a.transmit(frame(seq, length));
    }

    /** Sends {@code count} frames numbered from {@code first}, one every {@code spacing} of virtual time. */
    void offer(int first, int count, int length, long spacing) {
        for (int i = 0; i < count; i++) {
            send(first + i, length);
            loop.runFor(spacing);
        }
    }

    /** Runs until nothing is left in flight (no timer is due within a minute). */
    void drain() {
        loop.runFor(60 * SECOND);
    }

    static void assertBinomial(String what, long observed, long trials, double p) {
        double mean = trials * p;
        double sd = Math.sqrt(trials * p * (1 - p));
        double z = (observed - mean) / sd;
        System.out.printf("%s: %d of %d = %.4f%% (expected %.4f%%, z = %.2f)%n", what, observed, trials,
                100.0 * observed / trials, 100 * p, z);
        assertTrue(Math.abs(z) <= SIGMAS, what + ": " + observed + " of " + trials + " is " + z
                + " standard deviations from the expected " + mean);
    }

    void assertPoolBalanced() {
        assertEquals(loop.pool().allocated(), loop.pool().retained(), "every frame went back to the pool");
        assertEquals(0, loop.handlerErrors());
    }

    // ------------------------------------------------------------------ delay and jitter

    @ParameterizedTest(name = "delay={0}ms")
    @ValueSource(longs = {1, 20, 250})
    void everyFrameTakesExactlyTheDelay(long delayMs) {
        link.impair(a, Impairment.parse("delay=" + delayMs + "ms"));
        int n = 2000;
        offer(0, n, 100, MS / 2); // faster than the delay, so many frames are in flight at once
        drain();
        List<Arrival> got = receiver.arrivals;
        assertEquals(n, got.size());
        long worst = 0;
        for (int i = 0; i < n; i++) {
            Arrival r = got.get(i);
            assertEquals(i, r.seq(), "a fixed delay keeps the order");
            long oneWay = r.at() - sentAt[r.seq()];
            worst = Math.max(worst, Math.abs(oneWay - delayMs * MS));
        }
        System.out.printf("delay=%dms: %d frames, worst one-way delay error %d ns%n", delayMs, n, worst);
        assertEquals(0, worst, "in virtual time every frame takes exactly the delay");
        assertEquals(0, link.lost(a) + link.reordered(a) + link.duplicated(a));
        assertPoolBalanced();
    }

    @Test
    void theOtherDirectionIsNotImpaired() {
        link.impair(a, Impairment.parse("delay=20ms"));
        List<Long> backAt = new ArrayList<>();
        a.setHandler((p, f) -> {
            backAt.add(loop.now());
            f.release();
        });
        long t0 = loop.now();
        b.transmit(frame(1, 64));
        a.transmit(frame(2, 64));
        loop.runFor(SECOND);
        assertEquals(List.of(t0), backAt, "b to a is a perfect wire");
        assertEquals(List.of(t0 + 20 * MS), receiver.arrivals.stream().map(Arrival::at).toList());
        assertEquals(Impairment.NONE, link.impairment(b));
    }

    /** Jitter is uniform within +/- the setting around the delay: bounds, mean, spread, and it reorders. */
    @Test
    void jitterStaysWithinItsBoundsAroundTheDelayOnAverageAndReorders() {
        link.seed(11);
        link.impair(a, Impairment.parse("delay=50ms jitter=10ms"));
        int n = 20_000;
        offer(0, n, 64, MS);
        drain();
        List<Arrival> got = receiver.arrivals;
        assertEquals(n, got.size());
        double sum = 0;
        double sumSq = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int[] quarters = new int[4];
        int outOfOrder = 0;
        int previousSeq = -1;
        for (Arrival r : got) {
            long d = r.at() - sentAt[r.seq()];
            min = Math.min(min, d);
            max = Math.max(max, d);
            sum += d;
            sumSq += (double) d * d;
            quarters[(int) Math.min(3, (d - 40 * MS) * 4 / (20 * MS))]++;
            if (r.seq() < previousSeq) {
                outOfOrder++;
            }
            previousSeq = Math.max(previousSeq, r.seq());
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        System.out.printf("jitter: delay 50ms +/- 10ms over %d frames: min %.3f ms, max %.3f ms, mean %.3f ms,"
                        + " sd %.3f ms (uniform: 5.774), quarters %s, %d arrived after a later-sent frame%n",
                n, min / 1e6, max / 1e6, mean / 1e6, sd / 1e6, Arrays.toString(quarters), outOfOrder);
        assertTrue(min >= 40 * MS && max <= 60 * MS, "every delay within 50 +/- 10 ms: " + min + ".." + max);
        assertTrue(min < 40 * MS + MS / 2 && max > 60 * MS - MS / 2, "the whole range is used: " + min + ".." + max);
        // The mean of 20 000 uniform draws has a standard error of 0.04 ms.
        assertEquals(50 * MS, mean, 0.25 * MS, "mean delay");
        assertEquals(10 * MS / Math.sqrt(3), sd, 0.05 * 10 * MS / Math.sqrt(3), "spread of a uniform jitter");
        for (int q : quarters) {
            assertBinomial("jitter quarter", q, n, 0.25);
        }
        assertTrue(outOfOrder > n / 10, "jitter of 10 ms on frames 1 ms apart reorders (netem's default): " + outOfOrder);
    }

    @Test
    void jitterWithReorderingOffNeverReorders() {
        link.seed(12);
        link.impair(a, Impairment.parse("delay=50ms jitter=10ms jitter-reorder=off"));
        int n = 20_000;
        offer(0, n, 64, MS);
        drain();
        List<Arrival> got = receiver.arrivals;
        assertEquals(n, got.size());
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Arrival r = got.get(i);
            assertEquals(i, r.seq(), "frame " + i + " arrived out of order");
            if (i > 0) {
                assertTrue(r.at() >= got.get(i - 1).at());
            }
            long d = r.at() - sentAt[r.seq()];
            min = Math.min(min, d);
            max = Math.max(max, d);
            sum += d;
        }
        System.out.printf("jitter-reorder=off: min %.3f ms, max %.3f ms, mean %.3f ms, 0 reordered of %d%n",
                min / 1e6, max / 1e6, sum / n / 1e6, n);
        assertTrue(min >= 40 * MS && max <= 60 * MS, "delays stay within 50 +/- 10 ms: " + min + ".." + max);
        assertEquals(0, link.reordered(a));
    }

    /**
     * Keeping the order costs delay when frames are closer together than the jitter's range (a frame
     * waits for the slower ones before it, as behind netem's FIFO), so the mean above is not the
     * delay. Frames farther apart than twice the jitter never wait, and the mean is the delay again.
     */
    @Test
    void jitterWithReorderingOffKeepsTheMeanWhenFramesAreFartherApartThanTheJitter() {
        link.seed(13);
        link.impair(a, Impairment.parse("delay=50ms jitter=10ms jitter-reorder=off"));
        int n = 2000;
        offer(0, n, 64, 25 * MS);
        drain();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Arrival r = receiver.arrivals.get(i);
            assertEquals(i, r.seq());
            long d = r.at() - sentAt[i];
            assertTrue(d >= 40 * MS && d <= 60 * MS, "frame " + i + ": " + d);
            sum += d;
        }
        System.out.printf("jitter-reorder=off, frames 25 ms apart: mean %.3f ms%n", sum / n / 1e6);
        assertEquals(50 * MS, sum / n, 0.5 * MS, "mean delay"); // standard error 0.13 ms
    }

    // ------------------------------------------------------------------ rate and queue

    /**
     * The rate counts every byte the frame occupies on an Ethernet wire: the frame as tapnet holds it
     * (no FCS) plus {@value #WIRE_OVERHEAD_BYTES} bytes of preamble, start delimiter, FCS and
     * inter-frame gap, as {@code ImpairedChannel} documents. A frame of L bytes therefore takes
     * ceil((L + 24) * 8 / rate) seconds, and the goodput in frame bytes is rate * L / (L + 24): 9.844
     * Mbit/s for full-size 1514-byte frames at 10 Mbit/s, 7.27 Mbit/s for 64-byte frames.
     *
     * <p>The sender offers 10 % more than the rate, so the queue never empties, for a second of link
     * time (a tenth at 1 Gbit/s, ten at 100 kbit/s); the rate is the wire bits delivered over the time
     * from the first offer to the last arrival.
     */
    @ParameterizedTest(name = "rate={0} frames of {1} bytes")
    @CsvSource({"10mbit, 1514, 1", "1gbit, 1514, 0.1", "10mbit, 64, 1", "3mbit, 1000, 1", "100kbit, 1514, 10"})
    void rateIsWithinFivePercentCountingTheWireOverhead(String rate, int length, double linkSeconds) {
        long bitsPerSecond = Units.parseRate(rate);
        link.impair(a, Impairment.parse("rate=" + rate));
        long wireBits = (length + WIRE_OVERHEAD_BYTES) * 8L;
        long serialization = (wireBits * SECOND + bitsPerSecond - 1) / bitsPerSecond;
        int n = (int) Math.round(linkSeconds * SECOND / serialization);
        long t0 = loop.now();
        offer(0, n, length, serialization * 10 / 11);
        drain();
        List<Arrival> got = receiver.arrivals;
        assertEquals(n, got.size(), "nothing is lost without a queue limit");
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.get(i).seq());
            assertEquals(t0 + (i + 1) * serialization, got.get(i).at(), "frame " + i + " leaves after its serialization time");
        }
        long elapsed = got.get(n - 1).at() - t0;
        double measured = (double) n * wireBits * SECOND / elapsed;
        double goodput = (double) n * length * 8 * SECOND / elapsed;
        double error = measured / bitsPerSecond - 1;
        System.out.printf("rate=%s, %d-byte frames: %d frames in %.6f s: %.1f bit/s on the wire (error %+.5f%%),"
                        + " goodput %.1f bit/s (expected %.1f)%n", rate, length, n, elapsed / 1e9, measured, error * 100,
                goodput, (double) bitsPerSecond * length / (length + WIRE_OVERHEAD_BYTES));
        assertEquals(bitsPerSecond, measured, 0.05 * bitsPerSecond, "wire rate");
        assertEquals((double) bitsPerSecond * length / (length + WIRE_OVERHEAD_BYTES), goodput,
                0.05 * bitsPerSecond * length / (length + WIRE_OVERHEAD_BYTES), "goodput");
        assertPoolBalanced();
    }

    @Test
    void rateAndDelayAddUp() {
        link.impair(a, Impairment.parse("rate=10mbit delay=20ms"));
        long serialization = 1_230_400; // (1514 + 24) * 8 bits at 10 Mbit/s
        long t0 = loop.now();
        send(0, 1514);
        send(1, 1514);
        drain();
        assertEquals(List.of(t0 + serialization + 20 * MS, t0 + 2 * serialization + 20 * MS),
                receiver.arrivals.stream().map(Arrival::at).toList());
    }

    /** A burst larger than the queue: the first {@code queue} frames are kept, the rest dropped at the tail. */
    @Test
    void queueLimitDropsTheTailOfABurstExactly() {
        link.impair(a, Impairment.parse("rate=10mbit queue=100"));
        long serialization = 1_230_400;
        long t0 = loop.now();
        for (int i = 0; i < 250; i++) {
            send(i, 1514); // all at the same instant
        }
        assertEquals(150, link.queueDrops(a), "100 frames fit (the one being serialized counts), 150 do not");
        // Half-way through draining, 50 frames have left: room for 50 more out of another burst of 100.
        loop.runUntil(() -> false, 50 * serialization + serialization / 2);
        assertEquals(t0 + 50 * serialization + serialization / 2, loop.now());
        assertEquals(50, receiver.arrivals.size());
        for (int i = 0; i < 100; i++) {
            send(1000 + i, 1514);
        }
        assertEquals(200, link.queueDrops(a));
        drain();
        List<Integer> seqs = receiver.arrivals.stream().map(Arrival::seq).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        for (int i = 0; i < 50; i++) {
            expected.add(1000 + i);
        }
        assertEquals(expected, seqs, "drop-tail: the head of each burst passes in order, the tail is dropped");
        assertEquals(t0 + 150 * serialization, receiver.arrivals.get(149).at(), "the link never idled");
        assertEquals(0, link.lost(a));
        System.out.printf("queue=100: burst of 250 -> 100 passed, 150 dropped; burst of 100 with 50 queued -> 50 dropped%n");
        assertPoolBalanced();
    }

    /** Without a rate, the queue limit bounds the frames held by the delay line. */
    @Test
    void queueLimitWithoutARateBoundsTheFramesInFlight() {
        link.impair(a, Impairment.parse("delay=100ms queue=50"));
        for (int i = 0; i < 80; i++) {
            send(i, 64);
        }
        assertEquals(30, link.queueDrops(a));
        drain();
        assertEquals(50, receiver.arrivals.size());
        assertEquals(49, receiver.arrivals.get(49).seq());
    }

    // ------------------------------------------------------------------ loss

    @ParameterizedTest(name = "loss={0}")
    @ValueSource(strings = {"1%", "10%", "50%"})
    void randomLossIsWithinStatisticalBounds(String loss) {
        link.seed(21);
        link.impair(a, Impairment.parse("loss=" + loss));
        double p = Units.parsePercent(loss);
        int n = 100_000;
        offer(0, n, 64, 10_000);
        drain();
        long received = receiver.arrivals.size();
        assertEquals(n - received, link.lost(a), "the counter says what the receiver missed");
        assertBinomial("loss=" + loss, n - received, n, p);
        // Independent losses: a loss does not make the next frame any more likely to be lost.
        boolean[] got = new boolean[n];
        receiver.arrivals.forEach(r -> got[r.seq()] = true);
        long afterLoss = 0;
        long lossAfterLoss = 0;
        for (int i = 1; i < n; i++) {
            if (!got[i - 1]) {
                afterLoss++;
                if (!got[i]) {
                    lossAfterLoss++;
                }
            }
        }
        if (p >= 0.1) { // enough losses for the normal approximation
            assertBinomial("loss=" + loss + " right after a loss", lossAfterLoss, afterLoss, p);
        }
        assertPoolBalanced();
    }

    /**
     * Gilbert-Elliott with enter probability p and exit probability r: the chain spends p / (p + r) of
     * the frames in the loss state, and a burst lasts 1/r frames on average (geometric), a gap 1/p.
     * Losses are correlated, so the bound on the average uses the chain's variance:
     * pi(1 - pi)(1 + lambda)/(1 - lambda) per frame with lambda = 1 - p - r.
     */
    @ParameterizedTest(name = "burst={0}/{1}")
    @CsvSource({"1%, 30%", "0.5%, 10%", "5%, 50%"})
    void gilbertElliottLossAveragesPOverPPlusRInBurstsOfOneOverR(String enter, String exit) {
        link.seed(31);
        link.impair(a, Impairment.parse("burst=" + enter + "/" + exit));
        double p = Units.parsePercent(enter);
        double r = Units.parsePercent(exit);
        int n = 200_000;
        offer(0, n, 64, 10_000);
        drain();
        boolean[] got = new boolean[n];
        receiver.arrivals.forEach(x -> got[x.seq()] = true);
        long lost = n - receiver.arrivals.size();
        assertEquals(lost, link.lost(a));
        List<Integer> bursts = new ArrayList<>();
        List<Integer> gaps = new ArrayList<>();
        int run = 0;
        boolean losing = false;
        for (int i = 0; i < n; i++) {
            boolean l = !got[i];
            if (i > 0 && l != losing) {
                (losing ? bursts : gaps).add(run);
                run = 0;
            }
            losing = l;
            run++;
        }
        double pi = p / (p + r);
        double lambda = 1 - p - r;
        double sd = Math.sqrt(n * pi * (1 - pi) * (1 + lambda) / (1 - lambda));
        double meanBurst = bursts.stream().mapToInt(Integer::intValue).average().orElse(0);
        double meanGap = gaps.stream().mapToInt(Integer::intValue).average().orElse(0);
        // Standard errors of the geometric means: sqrt(1 - r) / r per burst, sqrt(1 - p) / p per gap.
        double burstSe = Math.sqrt(1 - r) / r / Math.sqrt(bursts.size());
        double gapSe = Math.sqrt(1 - p) / p / Math.sqrt(gaps.size());
        System.out.printf("burst=%s/%s: loss %.4f%% (p/(p+r) = %.4f%%, z = %.2f), %d bursts of mean length %.3f"
                        + " (1/r = %.3f), mean gap %.2f (1/p = %.2f)%n", enter, exit, 100.0 * lost / n, 100 * pi,
                (lost - n * pi) / sd, bursts.size(), meanBurst, 1 / r, meanGap, 1 / p);
        assertEquals(n * pi, lost, SIGMAS * sd, "average loss of the chain");
        assertEquals(1 / r, meanBurst, SIGMAS * burstSe, "mean burst length");
        assertEquals(1 / p, meanGap, SIGMAS * gapSe, "mean gap between bursts");
        assertEquals(pi, link.impairment(a).burstLossRate(), 1e-12);
        assertPoolBalanced();
    }

    // ------------------------------------------------------------------ duplication, corruption, reordering

    @Test
    void duplicationRateIsWithinStatisticalBoundsAndCopiesAreExact() {
        link.seed(41);
        link.impair(a, Impairment.parse("duplicate=5%"));
        int n = 100_000;
        offer(0, n, 64, 10_000);
        drain();
        int[] copies = new int[n];
        for (Arrival r : receiver.arrivals) {
            copies[r.seq()]++;
            assertEquals(0, r.flippedBits(), "a duplicate is an exact copy");
            assertEquals(64, r.length());
        }
        long twice = Arrays.stream(copies).filter(c -> c == 2).count();
        assertEquals(0, Arrays.stream(copies).filter(c -> c == 0 || c > 2).count(), "every frame arrives once or twice");
        assertEquals(twice, link.duplicated(a));
        assertBinomial("duplicate=5%", twice, n, 0.05);
        assertPoolBalanced();
    }

    @Test
    void corruptionFlipsExactlyOneBitPastTheEthernetHeaderAtTheConfiguredRate() {
        link.seed(51);
        link.impair(a, Impairment.parse("corrupt=1%"));
        int n = 100_000;
        int length = 100;
        offer(0, n, length, 10_000);
        drain();
        assertEquals(n, receiver.arrivals.size(), "corruption loses nothing");
        long corrupted = 0;
        int lowest = Integer.MAX_VALUE;
        int highest = 0;
        for (Arrival r : receiver.arrivals) {
            if (r.flippedBits() == 0) {
                continue;
            }
            corrupted++;
            assertEquals(1, r.flippedBits(), "frame " + r.seq() + ": exactly one bit flips");
            assertTrue(r.firstFlippedByte() >= ETHERNET_HEADER, "the Ethernet header is never corrupted: byte "
                    + r.firstFlippedByte());
            lowest = Math.min(lowest, r.firstFlippedByte());
            highest = Math.max(highest, r.firstFlippedByte());
        }
        assertEquals(corrupted, link.corrupted(a));
        assertBinomial("corrupt=1%", corrupted, n, 0.01);
        assertTrue(lowest <= ETHERNET_HEADER + 2 && highest >= length - 3,
                "any byte of the payload may be hit: bytes " + lowest + ".." + highest);
        assertPoolBalanced();
    }

    /**
     * netem's reorder: a chosen frame skips the delay and goes out at once, overtaking the frames
     * still delayed before it; the others keep the exact delay.
     */
    @Test
    void reorderRateIsWithinStatisticalBoundsAndReorderedFramesOvertake() {
        link.seed(61);
        link.impair(a, Impairment.parse("delay=10ms reorder=25%"));
        int n = 50_000;
        offer(0, n, 64, MS);
        drain();
        assertEquals(n, receiver.arrivals.size());
        long immediate = 0;
        long overtook = 0;
        int highest = -1;
        for (Arrival r : receiver.arrivals) {
            long d = r.at() - sentAt[r.seq()];
            assertTrue(d == 0 || d == 10 * MS, "a frame is either sent at once or delayed exactly: " + d);
            if (d == 0) {
                immediate++;
            }
            if (r.seq() < highest) {
                overtook++;
            }
            highest = Math.max(highest, r.seq());
        }
        assertEquals(immediate, link.reordered(a));
        assertBinomial("reorder=25%", immediate, n, 0.25);
        System.out.printf("reorder=25%%: %d frames arrived after a later-sent one%n", overtook);
        assertTrue(overtook > n / 10, "the reordered frames overtake the delayed ones");
    }

    // ------------------------------------------------------------------ repeatability and faults

    List<Arrival> runEverything(long seed, boolean seedFirst) {
        EventLoop l = EventLoop.virtual();
        List<Arrival> out = new ArrayList<>();
        Port x = new Port(l, "x", "eth0", (p, f) -> f.release());
        Port y = new Port(l, "y", "eth0", (p, f) -> {
            ByteBuffer buf = f.buffer();
            int h = 0;
            for (int i = 0; i < f.length(); i++) {
                h = h * 31 + buf.get(f.offset() + i);
            }
            out.add(new Arrival(buf.getInt(f.offset()), l.now(), f.length(), h, 0));
            f.release();
        });
        Link k = Link.connect(x, y);
        Impairment im = Impairment.parse("delay=5ms jitter=3ms loss=2% burst=1%/40% duplicate=3% corrupt=2%"
                + " reorder=5% rate=50mbit queue=20");
        if (seedFirst) {
            k.seed(seed);
            k.impair(x, im);
        } else {
            k.impair(x, im);
            k.seed(seed);
        }
        for (int i = 0; i < 10_000; i++) {
            Frame f = l.pool().acquire();
            f.setLength(200 + i % 1000);
            for (int j = 4; j < f.length(); j++) {
                f.buffer().put(f.offset() + j, pattern(i, j));
            }
            f.buffer().putInt(f.offset(), i);
            x.transmit(f);
            l.runFor(100_000 + (i % 7) * 37_000L);
        }
        l.runFor(SECOND);
        return out;
    }

    @Test
    void theSameSeedReplaysTheSameDeliveriesAndAnotherSeedDoesNot() {
        List<Arrival> first = runEverything(7, true);
        List<Arrival> second = runEverything(7, false);
        List<Arrival> other = runEverything(8, true);
        assertTrue(first.size() > 9_000, "most frames arrive: " + first.size());
        assertEquals(first, second, "same seed, same frames at the same instants with the same bytes");
        assertNotEquals(first, other);
    }

    @Test
    void aFrameInFlightWhenTheLinkGoesDownIsNeverDelivered() {
        link.impair(a, Impairment.parse("delay=100ms"));
        long t0 = loop.now();
        for (int i = 0; i < 10; i++) {
            send(i, 64);
        }
        loop.runFor(50 * MS);
        link.setUp(false);
        loop.runFor(10 * MS);
        link.setUp(true); // back up before the frames were due: they are gone all the same
        send(100, 64);
        loop.runFor(SECOND);
        assertEquals(List.of(new Arrival(100, t0 + 160 * MS, 64, 0, -1)), receiver.arrivals);
        assertEquals(0, b.rxDrops());
        assertPoolBalanced();
    }

    /**
     * The same on a perfect wire, where a frame is in flight between {@code transmit} and the loop
     * handing it to the far port (LinkTest's definition): a link that goes down and straight back up
     * in between must still lose it.
     */
    @Test
    void aFrameOnAPerfectWireSurvivesNoDownAndUpBeforeItsDelivery() {
        a.transmit(frame(1, 64));
        link.setUp(false);
        link.setUp(true);
        loop.runFor(MS);
        assertEquals(List.of(), receiver.arrivals);
        assertPoolBalanced();
    }

    @Test
    void aFrameQueuedBehindTheRateWhenTheLinkGoesDownIsNeverDelivered() {
        link.impair(a, Impairment.parse("rate=1mbit"));
        for (int i = 0; i < 20; i++) {
            send(i, 1514); // 12.3 ms each
        }
        loop.runFor(30 * MS);
        assertEquals(2, receiver.arrivals.size());
        link.setUp(false);
        link.setUp(true);
        loop.runFor(SECOND);
        assertEquals(List.of(0, 1), receiver.arrivals.stream().map(Arrival::seq).toList());
        assertPoolBalanced();
    }

    /**
     * Taking a link down throws away the frames queued for serialization, like a qdisc reset on a
     * carrier loss; the transmitter must then be idle. Otherwise a frame sent after the link came back
     * waits for the serialization of frames that no longer exist.
     */
    @Test
    void afterALinkComesBackTheRateQueueIsEmptyAndIdle() {
        link.impair(a, Impairment.parse("rate=1mbit"));
        for (int i = 0; i < 100; i++) {
            send(i, 1514); // 1.23 s of serialization
        }
        loop.runFor(10 * MS);
        link.setUp(false);
        loop.runFor(10 * MS);
        link.setUp(true);
        long t = loop.now();
        send(1000, 1514);
        loop.runFor(5 * SECOND);
        assertEquals(List.of(new Arrival(1000, t + 12_304_000, 1514, 0, -1)), receiver.arrivals,
                "the frame sent on the revived link leaves after its own serialization time only");
    }

    /** The same for jitter without reordering: frames dropped by the link must not hold back new ones. */
    @Test
    void afterALinkComesBackJitterWithoutReorderingDoesNotWaitForDroppedFrames() {
        link.seed(3);
        link.impair(a, Impairment.parse("delay=1s jitter=500ms jitter-reorder=off"));
        for (int i = 0; i < 50; i++) {
            send(i, 64);
            loop.runFor(MS);
        }
        link.setUp(false);
        link.setUp(true);
        link.impair(a, Impairment.parse("delay=10ms jitter=1ms jitter-reorder=off"));
        long t = loop.now();
        send(1000, 64);
        loop.runFor(5 * SECOND);
        assertEquals(1, receiver.arrivals.size());
        long oneWay = receiver.arrivals.get(0).at() - t;
        assertTrue(oneWay >= 9 * MS && oneWay <= 11 * MS, "one-way delay " + oneWay / 1e6 + " ms, not 10 +/- 1 ms");
    }

    @Test
    void theConsoleSyntaxOfTheIssueParsesAndPrintsBack() {
        Impairment im = Impairment.parse("delay=20ms jitter=5ms loss=1% rate=10mbit queue=100");
        assertEquals(20 * MS, im.delayNanos());
        assertEquals(5 * MS, im.jitterNanos());
        assertEquals(0.01, im.loss(), 1e-12);
        assertEquals(10_000_000L, im.rateBitsPerSecond());
        assertEquals(100, im.queueLimit());
        assertEquals("delay=20ms jitter=5ms loss=1% rate=10mbit queue=100", im.toString());
        assertEquals(im, Impairment.parse(im.toString()));
        Impairment changed = Impairment.parse("loss=2%", im);
        assertEquals(Impairment.builder().delay(Duration.ofMillis(20)).jitter(Duration.ofMillis(5)).loss(0.02)
                .rate(10_000_000L).queue(100).build(), changed, "set changes only what it names");
        assertFalse(changed.isNone());
    }
}
