package io.tapnet.ip;

import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Link;
import io.tapnet.phy.Port;
import io.tapnet.testing.Frames;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The design's hot-path promise: once ARP is resolved and the frame pools are warm, forwarding a
 * frame allocates nothing on the heap. Measured with the JVM's per-thread allocation counter, which
 * works here because in virtual time the loop runs on the test thread.
 *
 * <p>A test port plays h1 on r1's free interface and puts prebuilt echo requests on the wire. Each
 * one crosses three routers and a switch to h2, which answers; the reply crosses them back and is
 * released by the test port's handler. Nothing in the measured loop allocates by construction: frames
 * come from the loop's pool and are filled by a buffer copy from a template.
 */
class ForwardingAllocationTest {
    static final String CHAIN = """
            name: chain
            nodes:
              r1:
                kind: router
                interfaces:
                  eth0: 10.0.1.1/24
                  eth1: 10.0.12.1/30
                routes:
                  - default via 10.0.12.2
              r2:
                kind: router
                interfaces:
                  eth0: 10.0.12.2/30
                  eth1: 10.0.23.1/30
                routes:
                  - 10.0.1.0/24 via 10.0.12.1
                  - 10.0.3.0/24 via 10.0.23.2
              r3:
                kind: router
                interfaces:
                  eth0: 10.0.23.2/30
                  eth1: 10.0.3.1/24
                routes:
                  - default via 10.0.23.1
              s3: { kind: switch }
              h2: { kind: host, ip: 10.0.3.10/24, gateway: 10.0.3.1 }
            links:
              - endpoints: ["r1:eth1", "r2:eth0"]
              - endpoints: ["r2:eth1", "r3:eth0"]
              - endpoints: ["r3:eth1", s3]
              - endpoints: [h2, s3]
            """;
    static final long H1_MAC = 0x02_00_00_00_aa_01L;
    static final int H1 = ip("10.0.1.10");
    static final int H2 = ip("10.0.3.10");
    static final int BATCH = 64;

    /** Counts the frames that come back to h1 and releases them. */
    static final class Sink implements FrameHandler {
        long frames;
        long echoReplies;

        @Override
        public void onFrame(Port port, Frame frame) {
            frames++;
            // An echo reply: IPv4, protocol ICMP, type 0.
            if (frame.buffer().getShort(frame.offset() + 12) == 0x0800 && frame.buffer().get(frame.offset() + 23) == 1
                    && frame.buffer().get(frame.offset() + 34) == 0) {
                echoReplies++;
            }
            frame.release();
        }
    }

    /**
     * Sends {@code batches} batches of {@link #BATCH} frames. The per-frame loop lives in
     * {@link #pumpBatch}, which the warm-up gets compiled; this outer loop runs few iterations. That
     * matters: when a long-running loop is compiled on-stack (OSR) in the middle of a measurement, the
     * JVM's frame migration shows up as a few hundred bytes on the thread's counter, which have nothing
     * to do with the code under test.
     */
    static void pump(EventLoop loop, Port h1, Frame template, int batches) {
        for (int k = 0; k < batches; k++) {
            pumpBatch(loop, h1, template);
        }
    }

    static void pumpBatch(EventLoop loop, Port h1, Frame template) {
        for (int i = 0; i < BATCH; i++) {
            Frame f = loop.pool().acquire();
            f.copyFrom(template);
            h1.transmit(f);
        }
        loop.runFor(1_000);
    }

    @Test
    void forwardingAcrossThreeRoutersAndASwitchAndBackAllocatesNothingPerFrame() throws IOException {
        try (Network n = NetworkBuilder.of(TopologyLoader.parse(CHAIN, "chain")).virtualTime(true).build()) {
            EventLoop loop = n.loop();
            Sink sink = new Sink();
            Port h1 = new Port(loop, "h1", "eth0", sink);
            Link.connect(h1, n.port("r1", "eth0"));
            long r1Mac = n.stack("r1").iface("eth0").mac();

            Frame arp = loop.pool().acquire();
            byte[] who = Frames.arpRequest(H1_MAC, H1, ip("10.0.1.1"));
            arp.setLength(who.length);
            arp.buffer().put(arp.offset(), who);
            h1.transmit(arp);
            loop.runFor(0);

            byte[] echo = Frames.echoRequest(r1Mac, H1_MAC, H1, H2, 64, 0x4242, 1, 56);
            Frame template = loop.pool().acquire();
            template.setLength(echo.length);
            template.buffer().put(template.offset(), echo);

            Frame first = loop.pool().acquire();
            first.copyFrom(template);
            h1.transmit(first); // one alone first: ARP along the chain queues at most 16 per neighbour
            loop.runFor(1_000);
            assertEquals(1, sink.echoReplies);
            int warmUp = 3_000;
            pump(loop, h1, template, warmUp); // fill the pools, let the JIT compile the path
            assertEquals(1 + warmUp * BATCH, sink.echoReplies, "every request was answered during warm-up");

            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
            long calibrate = threads.getCurrentThreadAllocatedBytes();
            sinkhole = new byte[10_000];
            assertTrue(threads.getCurrentThreadAllocatedBytes() - calibrate >= 10_000, "the counter sees allocations");
            int batches = 1_600;
            int frames = batches * BATCH; // 102 400
            long repliesBefore = sink.echoReplies;
            long forwardedBefore = forwarded(n);
            long switchedBefore = n.switchNamed("s3").forwarded();
            long poolBefore = loop.pool().allocated();
            long before = threads.getCurrentThreadAllocatedBytes();
            pump(loop, h1, template, batches);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(frames, sink.echoReplies - repliesBefore, "every request answered");
            assertEquals(6L * frames, forwarded(n) - forwardedBefore, "three routers each way");
            assertEquals(2L * frames, n.switchNamed("s3").forwarded() - switchedBefore, "known unicast both ways");
            assertEquals(poolBefore, loop.pool().allocated(), "no new frames: the pool is warm");
            assertEquals(0, loop.handlerErrors());
            double perFrame = (double) allocated / frames;
            System.out.printf("tapnet: %d bytes allocated for %d echo requests across 3 routers, a switch and back (%.4f bytes per frame)%n",
                    allocated, frames, perFrame);
            assertTrue(perFrame < 1, allocated + " bytes for " + frames + " frames: " + perFrame + " per frame");
        }
    }

    static volatile byte[] sinkhole;

    static long forwarded(Network n) {
        long sum = 0;
        for (String r : new String[] {"r1", "r2", "r3"}) {
            sum += n.stack(r).counters().get("IpForwDatagrams");
        }
        return sum;
    }
}
