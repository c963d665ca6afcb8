package io.tapnet.bench;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.FramePool;
import io.tapnet.phy.Port;
import io.tapnet.topology.Cidr;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.RouteSpec;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.Ipv4Header;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;
import io.tapnet.wire.UdpHeader;
import io.tapnet.wire.UdpView;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * In-JVM forwarding: UDP frames through a chain of ten routers, in virtual time, on one thread.
 *
 * <pre>
 *   h1 --- r1 --- r2 --- ... --- r10 --- h2        10.50.k.0/24 between neighbours
 * </pre>
 *
 * A ping from h1 to h2 first fills every ARP cache. Then h2's port gets a counting sink instead of
 * its stack, and the benchmark sends frames out of h1's port (h1's link delivers them to r1): each
 * frame is read, validated, routed, TTL-decremented and re-framed by ten routers and crosses eleven
 * links, all on the event loop, in place in its pooled buffer. Frames come from the loop's pool and
 * the sink releases them, so in steady state nothing should be allocated.
 *
 * <p>Reported per run: hop-forwards per second of CPU time of the benchmark thread (ten per frame
 * that arrives; "per core", since everything runs on this one thread), the same per wall-clock
 * second, and heap bytes allocated per frame by this thread ({@code ThreadMXBean}). Source and sink
 * costs (copying the 60-byte template into the frame, counting it) are included, so the routers alone
 * are somewhat faster than reported.
 *
 * <p>Arguments: {@code [--runs N] [--seconds S] [--warmup S] [--size BYTES]...}; output: lines of
 * {@link Samples}.
 */
public final class RouterChainBench {
    static final int ROUTERS = 10;
    private static final int BATCH = 256;
    private static final String SECTION = "In-JVM";

    public static void main(String[] args) throws Exception {
        int runs = 5;
        double seconds = 1;
        double warmup = 2;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--size" -> sizes.add(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (sizes.isEmpty()) {
            sizes.add(60);
            sizes.add(1514);
        }
        for (int size : sizes) {
            measure(size, runs, seconds, warmup);
        }
    }

    static Network buildChain() throws Exception {
        Topologies t = new Topologies();
        // subnet k = 10.50.k.0/24; h1 on 0, h2 on ROUTERS; router i (1-based) has eth0 on i-1, eth1 on i.
        t.host("h1", Topologies.ip(10, 50, 0, 10), 24, Topologies.ip(10, 50, 0, 1));
        for (int i = 1; i <= ROUTERS; i++) {
            int left = i - 1;
            int right = i;
            Cidr eth0 = new Cidr(Topologies.ip(10, 50, left, left == 0 ? 1 : 2), 24);
            Cidr eth1 = new Cidr(Topologies.ip(10, 50, right, 1), 24);
            List<RouteSpec> routes = new ArrayList<>();
            if (i < ROUTERS) {
                routes.add(new RouteSpec(new Cidr(Topologies.ip(10, 50, ROUTERS, 0), 24), Topologies.ip(10, 50, right, 2)));
            }
            if (i > 1) {
                routes.add(new RouteSpec(new Cidr(Topologies.ip(10, 50, 0, 0), 24), Topologies.ip(10, 50, left, 1)));
            }
            t.router("r" + i, List.of(eth0, eth1), routes);
        }
        t.host("h2", Topologies.ip(10, 50, ROUTERS, 10), 24, Topologies.ip(10, 50, ROUTERS, 1));
        t.link("h1", "eth0", "r1", "eth0");
        for (int i = 1; i < ROUTERS; i++) {
            t.link("r" + i, "eth1", "r" + (i + 1), "eth0");
        }
        t.link("r" + ROUTERS, "eth1", "h2", "eth0");
        return NetworkBuilder.of(t.build("router-chain-" + ROUTERS)).virtualTime(true).build();
    }

    /** Counts and releases what arrives. */
    static final class Sink implements FrameHandler {
        long frames;

        @Override
        public void onFrame(Port port, Frame frame) {
            frames++;
            frame.release();
        }
    }

    private static void measure(int frameSize, int runs, double seconds, double warmup) throws Exception {
        try (Network network = buildChain()) {
            EventLoop loop = network.loop();
            Ipv4Stack h1 = network.stack("h1");
            Ipv4Stack h2 = network.stack("h2");
            int h1Ip = h1.interfaces().get(0).address();
            int h2Ip = h2.interfaces().get(0).address();
            Ping ping = new Ping(h1, h2Ip, "h2", 1, 1_000_000_000L, 2_000_000_000L, 56, Ipv4Stack.DEFAULT_TTL, s -> { });
            CompletableFuture<PingResult> result = ping.start();
            PingResult pr = network.await(result, 10_000_000_000L);
            if (pr.received() != 1) {
                throw new IllegalStateException("warm-up ping across " + ROUTERS + " routers failed: " + pr);
            }
            Port source = network.port("h1", "eth0");
            Port sinkPort = network.port("h2", "eth0");
            Sink sink = new Sink();
            sinkPort.setHandler(sink);

            ByteBuffer template = template(frameSize, h1.interfaces().get(0).mac(),
                    network.stack("r1").iface("eth0").mac(), h1Ip, h2Ip);
            FramePool pool = loop.pool();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

            runFor(loop, pool, source, template, frameSize, (long) (warmup * 1e9));
            for (int run = 1; run <= runs; run++) {
                long framesBefore = sink.frames;
                long allocBefore = threads.getCurrentThreadAllocatedBytes();
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long wallBefore = System.nanoTime();
                long sent = runFor(loop, pool, source, template, frameSize, (long) (seconds * 1e9));
                long wall = System.nanoTime() - wallBefore;
                long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
                long alloc = threads.getCurrentThreadAllocatedBytes() - allocBefore;
                long arrived = sink.frames - framesBefore;
                if (arrived != sent) {
                    throw new IllegalStateException(sent + " frames sent but " + arrived + " arrived");
                }
                double hops = (double) arrived * ROUTERS;
                String path = ROUTERS + " routers, " + frameSize + " B frames";
                Samples.emit(System.out, SECTION, "hop-forwards per CPU-second (per core)", path, hops / (cpu / 1e9) / 1e6,
                        "M/s", "higher", null, -1, "");
                Samples.emit(System.out, SECTION, "hop-forwards per wall-clock second", path, hops / (wall / 1e9) / 1e6,
                        "M/s", "higher", null, -1, "");
                Samples.emit(System.out, SECTION, "heap allocated per frame", path, (double) alloc / arrived,
                        "B", "lower", null, -1, "");
            }
            if (loop.handlerErrors() != 0) {
                throw new IllegalStateException(loop.handlerErrors() + " handler errors on the loop");
            }
        }
    }

    /** Sends template frames in batches for {@code nanos} of wall-clock time; returns how many. */
    private static long runFor(EventLoop loop, FramePool pool, Port source, ByteBuffer template, int size, long nanos) {
        long sent = 0;
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            for (int k = 0; k < BATCH; k++) {
                Frame f = pool.acquire();
                f.buffer().put(f.offset(), template, 0, size);
                f.setLength(size);
                source.transmit(f);
            }
            sent += BATCH;
            loop.runFor(0);
        }
        return sent;
    }

    /** An Ethernet + IPv4 + UDP frame of {@code size} bytes from h1 to h2, addressed to r1's MAC. */
    private static ByteBuffer template(int size, long srcMac, long dstMac, int srcIp, int dstIp) {
        int ipLength = size - EthernetView.HEADER_LENGTH;
        int udpPayload = ipLength - Ipv4View.MIN_HEADER - UdpView.HEADER_LENGTH;
        if (udpPayload < 0) {
            throw new IllegalArgumentException("frame size " + size + " is below 42 bytes");
        }
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        MacAddress.write(b, 0, dstMac);
        MacAddress.write(b, 6, srcMac);
        b.putShort(12, (short) EthernetView.ETHERTYPE_IPV4);
        Ipv4Header.of(Ipv4View.PROTO_UDP, srcIp, dstIp, UdpView.HEADER_LENGTH + udpPayload, 1, 64)
                .emit(b, EthernetView.HEADER_LENGTH);
        UdpHeader.of(40000, 9, udpPayload).emit(b, EthernetView.HEADER_LENGTH + Ipv4View.MIN_HEADER);
        // checksum 0: "no checksum" in UDP over IPv4 (RFC 768); routers do not look at it.
        return b;
    }
}
