package io.tapnet.bench;

import io.tapnet.socket.EmulatedHost;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * In-JVM TCP throughput between two Java hosts across three routers, through the java.net-shaped
 * sockets applications use, in real time: one sender writes {@code --mib} MiB in 64 KiB writes, one
 * receiver reads them. Prints {@link Samples} lines, one per run. {@code --mtu} sets every
 * interface's MTU (default 1500), and so the MSS the hosts use.
 *
 * <pre>TcpBench [--mib N] [--runs N] [--mtu N] [--warmup-mib N]</pre>
 */
public final class TcpBench {
    private static final String TOPOLOGY = """
            name: tcp-bench
            nodes:
              h1: { kind: host, ip: 10.210.1.10/24, gateway: 10.210.1.1 }
              r1: { kind: router, interfaces: { eth0: 10.210.1.1/24, eth1: 10.210.12.1/30 }, routes: ["default via 10.210.12.2"] }
              r2: { kind: router, interfaces: { eth0: 10.210.12.2/30, eth1: 10.210.23.1/30 },
                    routes: ["10.210.1.0/24 via 10.210.12.1", "10.210.3.0/24 via 10.210.23.2"] }
              r3: { kind: router, interfaces: { eth0: 10.210.23.2/30, eth1: 10.210.3.1/24 }, routes: ["default via 10.210.23.1"] }
              h2: { kind: host, ip: 10.210.3.10/24, gateway: 10.210.3.1 }
            links:
              - endpoints: [h1, "r1:eth0"]
              - endpoints: ["r1:eth1", "r2:eth0"]
              - endpoints: ["r2:eth1", "r3:eth0"]
              - endpoints: ["r3:eth1", h2]
            """;

    private TcpBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = 256;
        int runs = 3;
        int mtu = 1500;
        int warmupMib = 256;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--mtu" -> mtu = Integer.parseInt(args[++i]);
                case "--warmup-mib" -> warmupMib = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        long bytes = (long) mib << 20;
        try (Network network = NetworkBuilder.of(TopologyLoader.parse(withMtu(mtu), "tcp-bench")).build()) {
            EmulatedHost h1 = network.host("h1");
            EmulatedHost h2 = network.host("h2");
            ServerSocket server = h2.serverSocketFactory().createServerSocket(5001);
            // Warm-up: ARP, slow start, and enough bytes for C2 to compile the whole path; with 16 MiB
            // the first measured run was often half the speed of the third.
            transfer(h1, h2, server, (long) warmupMib << 20);
            CpuMeter cpu = new CpuMeter("tapnet-loop");
            for (int run = 0; run < runs; run++) {
                cpu.start();
                double seconds = transfer(h1, h2, server, bytes);
                System.err.printf(Locale.ROOT, "run %d: %.3f Gbit/s, %s%n", run + 1, bytes * 8 / seconds / 1e9,
                        cpu.report(seconds));
                Samples.emit(System.out, "In-JVM", "TCP throughput, two Java hosts across three routers",
                        "java.net sockets, real time" + (mtu == 1500 ? "" : ", MTU " + mtu), bytes * 8 / seconds / 1e9,
                        "Gbit/s", "higher", null, 3, mib + " MiB per run");
            }
        }
    }

    /**
     * Where the CPU went during a run, printed to stderr for whoever is profiling: how busy the event
     * loop was (it is single-threaded, so near 100 % means it is the bottleneck) and how many cores
     * the whole process used.
     */
    private static final class CpuMeter {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final String loopName;
        private long loopStart;
        private long processStart;

        CpuMeter(String loopName) {
            this.loopName = loopName;
        }

        private long loopCpu() {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(loopName)) {
                    return threads.getThreadCpuTime(t.threadId());
                }
            }
            return -1;
        }

        void start() {
            loopStart = loopCpu();
            processStart = os.getProcessCpuTime();
        }

        String report(double seconds) {
            double loop = (loopCpu() - loopStart) / 1e9;
            double process = (os.getProcessCpuTime() - processStart) / 1e9;
            return String.format(Locale.ROOT, "loop busy %.0f %% of wall time, process %.2f cores",
                    100 * loop / seconds, process / seconds);
        }
    }

    /** The topology with {@code mtu: N} on every node (all its interfaces), unless N is the default. */
    private static String withMtu(int mtu) {
        if (mtu == 1500) {
            return TOPOLOGY;
        }
        return TOPOLOGY.replace("{ kind: host,", "{ kind: host, mtu: " + mtu + ",")
                .replace("{ kind: router,", "{ kind: router, mtu: " + mtu + ",");
    }

    private static double transfer(EmulatedHost h1, EmulatedHost h2, ServerSocket server, long bytes) throws Exception {
        CompletableFuture<Long> received = new CompletableFuture<>();
        h2.spawn("sink", () -> {
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                }
                received.complete(total);
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        });
        long start = System.nanoTime();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        h1.spawn("source", () -> {
            try (Socket s = h1.socketFactory().createSocket("h2", 5001); OutputStream out = s.getOutputStream()) {
                byte[] chunk = new byte[1 << 16];
                for (long done = 0; done < bytes; done += chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
                }
                sent.complete(null);
            } catch (Exception e) {
                sent.completeExceptionally(e);
            }
        });
        long got = received.get(10, TimeUnit.MINUTES);
        sent.get(1, TimeUnit.MINUTES);
        if (got != bytes) {
            throw new IllegalStateException("received " + got + " of " + bytes + " bytes");
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
