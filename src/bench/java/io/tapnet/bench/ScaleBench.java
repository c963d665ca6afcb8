package io.tapnet.bench;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.topology.Cidr;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.RouteSpec;
import io.tapnet.topology.Topology;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Scale: a network of N Java hosts on switches behind routers, built in virtual time.
 *
 * <pre>
 *                         core (one interface per LAN, 172.16.0.0/16 in /30s)
 *                /          |            \
 *              r0          r1    ...     rL-1          LAN routers, default route to core
 *              |            |              |
 *              s0          s1    ...     sL-1          one switch per LAN (/24, hosts-per-lan + 1 ports)
 *           h0_0..        h1_0..        ...            N hosts in all
 * </pre>
 *
 * Measured, in this order: generating the {@link Topology} records, {@link NetworkBuilder#build()}
 * (wall clock), heap in use after build (after GC, minus the heap in use before; the topology records
 * are still held, as a running tapnet holds them), the first run of the loop ("settle": every
 * node's gratuitous ARP on link-up, flooded by its switch; wall clock, deliveries and frame buffers
 * allocated), heap and direct memory after that, and a sample of pings between random hosts on
 * different LANs (wall clock per ping, each with ARP resolution across two LANs and the core).
 *
 * <p>The first loop run covers the whole network's boot, at every size: every node announces its
 * interfaces 5 to 10 ms (jittered per node) after they come up, so the switches flood about one
 * announcement at a time and the frames in flight stay at about one flood's worth.
 *
 * <p>Arguments: {@code --hosts N [--hosts-per-lan H] [--pings K] [--seed S]}; output: {@link Samples}.
 */
public final class ScaleBench {
    private static final String SECTION = "Scale (Java hosts, virtual time)";
    /** Virtual time the first loop run covers: every boot announcement and its flood. */
    private static final long SETTLE_NANOS = 20_000_000L;

    public static void main(String[] args) throws Exception {
        int hosts = 1000;
        int perLan = 100;
        int pings = 20;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--hosts-per-lan" -> perLan = Integer.parseInt(args[++i]);
                case "--pings" -> pings = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (perLan < 1 || perLan > 250) {
            throw new IllegalArgumentException("--hosts-per-lan must be 1..250 (one /24 per LAN)");
        }
        run(hosts, perLan, pings, seed);
    }

    static Topology generate(int hosts, int perLan) {
        int lans = (hosts + perLan - 1) / perLan;
        if (lans > 16_000) {
            throw new IllegalArgumentException("too many LANs for the address plan: " + lans);
        }
        Topologies t = new Topologies();
        List<Cidr> coreIfs = new ArrayList<>(lans);
        List<RouteSpec> coreRoutes = new ArrayList<>(lans);
        int placed = 0;
        for (int lan = 0; lan < lans; lan++) {
            int transit = Topologies.ip(172, 16, 0, 0) + lan * 4;
            int lanNet = Topologies.ip(10, lan >>> 8, lan & 0xff, 0);
            coreIfs.add(new Cidr(transit + 1, 30));
            coreRoutes.add(new RouteSpec(new Cidr(lanNet, 24), transit + 2));
            String r = "r" + lan;
            String s = "s" + lan;
            int here = Math.min(perLan, hosts - placed);
            t.router(r, List.of(new Cidr(transit + 2, 30), new Cidr(lanNet + 1, 24)),
                    List.of(new RouteSpec(Cidr.DEFAULT_ROUTE, transit + 1)));
            t.switchNode(s, here + 1);
            t.toSwitch(r, "eth1", s);
            for (int j = 0; j < here; j++) {
                String h = "h" + lan + "_" + j;
                t.host(h, lanNet + 2 + j, 24, lanNet + 1);
                t.toSwitch(h, "eth0", s);
            }
            placed += here;
            t.link("core", "eth" + lan, r, "eth0");
        }
        t.router("core", coreIfs, coreRoutes);
        return t.build("scale-" + hosts);
    }

    private static long heapUsedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100); // lets the Cleaner free the direct buffers the collection found dead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long directUsed() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }

    private static void run(int hosts, int perLan, int pings, long seed) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        String path = String.format("%,d hosts", hosts).replace(',', ' ');
        long heapBefore = heapUsedAfterGc(memory);

        long t0 = System.nanoTime();
        Topology topology = generate(hosts, perLan);
        long generated = System.nanoTime() - t0;
        Samples.emit(System.out, SECTION, "generate topology records", path, generated / 1e6, "ms", "lower", null, -1,
                topology.nodes().size() + " nodes, " + topology.links().size() + " links, " + perLan + " hosts per switch");

        Network network;
        try {
            long t1 = System.nanoTime();
            network = NetworkBuilder.of(topology).virtualTime(true).build();
            long built = System.nanoTime() - t1;
            Samples.emit(System.out, SECTION, "build time", path, built / 1e9, "s", "lower", null, -1, "");
        } catch (OutOfMemoryError e) {
            Samples.unavailable(System.out, SECTION, "build time", path, "s", "out of memory during build: " + e.getMessage());
            return;
        }
        try (network) {
            long heapBuilt = heapUsedAfterGc(memory);
            Samples.emit(System.out, SECTION, "heap after build", path, (heapBuilt - heapBefore) / 1048576.0, "MiB",
                    "lower", null, -1, String.format("%.1f KiB per host", (heapBuilt - heapBefore) / 1024.0 / hosts));

            EventLoop loop = network.loop();
            String settle = "settle: first loop run (gratuitous ARPs flooded by the switches)";
            // Every announcement is due within 10 ms of virtual time after the build (Ipv4Stack's boot
            // jitter); 20 ms covers them all and the floods they cause.
            long deliveredBefore = loop.delivered();
            long framesBefore = loop.pool().allocated();
            long t2 = System.nanoTime();
            try {
                loop.runFor(SETTLE_NANOS);
            } catch (OutOfMemoryError e) {
                Samples.unavailable(System.out, SECTION, settle, path, "s", "out of memory after "
                        + (loop.pool().allocated() - framesBefore) + " frames (" + e.getMessage() + ")");
                return;
            }
            long settled = System.nanoTime() - t2;
            Samples.emit(System.out, SECTION, settle, path, settled / 1e9, "s", "lower", null, -1,
                    String.format("%,d deliveries, %,d frame buffers of %,d B allocated",
                            loop.delivered() - deliveredBefore, loop.pool().allocated() - framesBefore,
                            EventLoop.STANDARD_FRAME_CAPACITY));
            long heapSettled = heapUsedAfterGc(memory);
            Samples.emit(System.out, SECTION, "heap after first loop run", path, (heapSettled - heapBefore) / 1048576.0,
                    "MiB", "lower", null, -1, String.format("plus %.0f MiB direct (frame buffers)", directUsed() / 1048576.0));

            samplePings(network, hosts, perLan, pings, seed, path);
        }
    }

    private static void samplePings(Network network, int hosts, int perLan, int count, long seed, String path) {
        int lans = (hosts + perLan - 1) / perLan;
        SplittableRandom random = new SplittableRandom(seed);
        long[] wall = new long[count];
        int answered = 0;
        int tried = 0;
        for (int i = 0; i < count; i++) {
            int a = random.nextInt(hosts);
            int b = random.nextInt(hosts);
            if (lans > 1) {
                while (b / perLan == a / perLan) {
                    b = random.nextInt(hosts);
                }
            }
            Ipv4Stack from = network.stack("h" + a / perLan + "_" + a % perLan);
            Ipv4Stack to = network.stack("h" + b / perLan + "_" + b % perLan);
            int target = to.interfaces().get(0).address();
            long t = System.nanoTime();
            Ping ping = new Ping(from, target, "h", 1, 1_000_000_000L, 2_000_000_000L, 56, Ipv4Stack.DEFAULT_TTL,
                    s -> { });
            CompletableFuture<PingResult> result = ping.start();
            PingResult r = network.await(result, 10_000_000_000L);
            wall[i] = System.nanoTime() - t;
            tried++;
            if (r.received() == 1) {
                answered++;
            }
        }
        Samples.emit(System.out, SECTION, "sample pings answered", path, 100.0 * answered / tried, "%", "higher", null,
                -1, answered + " of " + tried + " between random hosts on different LANs");
        for (long w : wall) {
            Samples.emit(System.out, SECTION, "wall time per sample ping (ARP across 2 LANs + core)", path, w / 1e6,
                    "ms", "lower", null, -1, "");
        }
    }
}
