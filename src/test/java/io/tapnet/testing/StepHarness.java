package io.tapnet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Link;
import io.tapnet.phy.Port;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The layer-test step language of the design ("receive frame, expect frame, advance time, expect
 * nothing"), in the spirit of Netty's {@code EmbeddedChannel}.
 *
 * <p>A harness is a test {@link Port} cabled by a {@link Link} to one port of the node under test.
 * {@link #receive} puts a frame on that cable, so the node receives it; every frame the node sends on
 * the port is copied out into a queue (and its pooled buffer released), where {@link #expect} takes
 * them in order. The loop must be in virtual time: each step runs it until everything that is due at
 * the current instant has happened, and only {@link #advance} moves time forward. Several harnesses
 * may sit on ports of the same node (or network); they share its loop.
 *
 * <pre>{@code
 * StepHarness h = StepHarness.attach(stack.iface("eth0").port());
 * h.expect(Frames.gratuitousArp(mac, address))         // sent when the link came up
 *  .receive(Frames.arpRequest(peerMac, peerIp, address))
 *  .expect(Frames.arpReply(mac, address, peerMac, peerIp))
 *  .advance(Duration.ofSeconds(1))
 *  .expectNothing();
 * }</pre>
 *
 * <p>The same steps can be written as a script, one per line, for table-driven tests:
 * {@code receive <hex>}, {@code expect <hex>}, {@code advance <n>(ns|us|ms|s)}, {@code expect nothing};
 * a line holding only hex continues the frame of the step above, and {@code #} starts a comment.
 */
public final class StepHarness implements FrameHandler {
    private final EventLoop loop;
    private final Port port;
    private final Port nodePort;
    private final Link link;
    private final ArrayDeque<byte[]> sent = new ArrayDeque<>();
    private final List<Boolean> carrierChanges = new ArrayList<>();
    private long sentTotal;

    private StepHarness(Port nodePort, String name) {
        this.loop = nodePort.loop();
        if (!loop.clock().isVirtual()) {
            throw new IllegalArgumentException("the step language needs a loop in virtual time");
        }
        this.nodePort = nodePort;
        this.port = new Port(loop, name, nodePort.name(), this);
        this.link = Link.connect(port, nodePort);
    }

    /** Cables a test port to {@code nodePort} (which must not be linked yet). The node sees carrier come up. */
    public static StepHarness attach(Port nodePort) {
        return new StepHarness(nodePort, "test-" + nodePort.node());
    }

    public EventLoop loop() {
        return loop;
    }

    /** The test side of the cable. */
    public Port port() {
        return port;
    }

    /** The node's port under test. */
    public Port nodePort() {
        return nodePort;
    }

    public Link link() {
        return link;
    }

    // ------------------------------------------------------------------ steps

    /** The node receives {@code frame} on its port; then the loop runs until idle at this instant. */
    public StepHarness receive(byte[] frame) {
        inject(frame);
        settle();
        return this;
    }

    /** Like {@link #receive}, several frames back to back before the loop runs. */
    public StepHarness receiveAll(List<byte[]> frames) {
        for (byte[] f : frames) {
            inject(f);
        }
        settle();
        return this;
    }

    /** Puts {@code frame} on the cable without running the loop. */
    public void inject(byte[] frame) {
        Frame f = loop.acquire(frame.length); // from the pool whose frames are big enough
        f.setLength(frame.length);
        f.buffer().put(f.offset(), frame);
        port.transmit(f);
    }

    /** The next frame the node sent; fails if it sent none. */
    public byte[] expect() {
        settle();
        byte[] f = sent.poll();
        if (f == null) {
            fail("expected a frame from " + nodePort.fullName() + " but it sent nothing");
        }
        return f;
    }

    /** The next frame the node sent is exactly {@code frame}. */
    public StepHarness expect(byte[] frame) {
        byte[] actual = expect();
        assertEquals(Frames.hex(frame), Frames.hex(actual), "frame sent by " + nodePort.fullName());
        return this;
    }

    /** The next frame the node sent satisfies {@code check}; returns it for further assertions. */
    public byte[] expect(String description, Predicate<byte[]> check) {
        byte[] actual = expect();
        if (!check.test(actual)) {
            fail("frame sent by " + nodePort.fullName() + " is not " + description + ": " + Frames.hex(actual));
        }
        return actual;
    }

    /** Skips frames that fail {@code check} and returns the first that passes; fails if none does. */
    public byte[] expectEventually(String description, Predicate<byte[]> check) {
        settle();
        while (!sent.isEmpty()) {
            byte[] f = sent.poll();
            if (check.test(f)) {
                return f;
            }
        }
        fail("no frame sent by " + nodePort.fullName() + " is " + description);
        return null;
    }

    /** The node has sent nothing (more) on this port by now. */
    public StepHarness expectNothing() {
        settle();
        if (!sent.isEmpty()) {
            fail(nodePort.fullName() + " sent " + sent.size() + " unexpected frame(s), first: " + Frames.hex(sent.peek()));
        }
        return this;
    }

    /** Lets {@code duration} of virtual time pass, running every timer that falls due. */
    public StepHarness advance(Duration duration) {
        return advanceNanos(duration.toNanos());
    }

    public StepHarness advanceNanos(long nanos) {
        loop.runFor(nanos);
        return this;
    }

    /** Runs the loop until nothing more is ready at the current instant. */
    public StepHarness settle() {
        loop.runFor(0);
        return this;
    }

    // ------------------------------------------------------------------ script form

    /** Runs steps written one per line (see the class comment); a line of hex alone continues the step above. */
    public StepHarness script(String steps) {
        List<String[]> parsed = new ArrayList<>();
        int lineNo = 0;
        for (String raw : steps.split("\n")) {
            lineNo++;
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            switch (words[0]) {
                case "receive", "expect", "advance" -> parsed.add(new String[] {words[0], words.length > 1 ? words[1] : ""});
                default -> {
                    if (parsed.isEmpty() || !line.matches("[0-9a-fA-F\\s]+")) {
                        throw new IllegalArgumentException("step " + lineNo + ": unknown step '" + words[0] + "'");
                    }
                    String[] previous = parsed.get(parsed.size() - 1);
                    previous[1] = previous[1] + " " + line;
                }
            }
        }
        for (String[] step : parsed) {
            String arg = step[1].strip();
            switch (step[0]) {
                case "receive" -> receive(Frames.fromHex(arg));
                case "expect" -> {
                    if (arg.equals("nothing")) {
                        expectNothing();
                    } else {
                        expect(Frames.fromHex(arg));
                    }
                }
                default -> advanceNanos(parseDuration(arg));
            }
        }
        return this;
    }

    static long parseDuration(String text) {
        String t = text.strip();
        long unit;
        String number;
        if (t.endsWith("ns")) {
            unit = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            unit = 1_000;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("ms")) {
            unit = 1_000_000;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1_000_000_000;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new IllegalArgumentException("duration needs a unit (ns, us, ms, s): " + text);
        }
        return Long.parseLong(number.strip()) * unit;
    }

    // ------------------------------------------------------------------ what was seen

    /** Frames sent by the node and not yet taken by {@code expect}. */
    public int pending() {
        settle();
        return sent.size();
    }

    /** Takes every frame not yet expected. */
    public List<byte[]> drain() {
        settle();
        List<byte[]> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }

    /** Frames the node sent on this port since the harness was attached, expected or not. */
    public long sentTotal() {
        return sentTotal;
    }

    /** Carrier changes seen by the test side of the cable, in order. */
    public List<Boolean> carrierChanges() {
        return carrierChanges;
    }

    // ------------------------------------------------------------------ FrameHandler

    @Override
    public void onFrame(Port p, Frame frame) {
        byte[] copy = new byte[frame.length()];
        frame.buffer().get(frame.offset(), copy);
        frame.release();
        sent.add(copy);
        sentTotal++;
    }

    @Override
    public void onCarrier(Port p, boolean up) {
        carrierChanges.add(up);
    }
}
