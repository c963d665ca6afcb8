package io.tapnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.FrameObserver;
import io.tapnet.phy.Frame;
import io.tapnet.phy.IpCommand;
import io.tapnet.phy.Link;
import io.tapnet.phy.LinkCapture;
import io.tapnet.phy.Port;
import io.tapnet.phy.TapAttachment;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.testing.Tshark;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux hosts with the kernel's offloads on ({@code IFF_VNET_HDR}, TSO and checksum offload) behind a
 * tapnet router, in real time:
 *
 * <pre>
 *   a (linux 10.77.1.10) --- eth0  r1  eth1 --- b (linux 10.77.3.20)
 *                                  eth2 --- h1 (Java host, echo :7, 10.77.2.10)
 *                                  eth3 ~~~ c (linux 10.77.4.30), link with delay and loss
 * </pre>
 *
 * <p>Bulk TCP from a to b travels as super-frames of up to 64 KiB (the TAP of a reads them) and
 * arrives intact; a's bytes to the Java echo server are cut into wire segments for h1's stack and
 * come back intact; the impaired link to c carries wire segments. Captures are written in segment mode
 * (no frame over 1514 bytes) and, on a's link, also whole (super-frames with valid checksums); tshark
 * finds all of them clean. To keep tshark quick, the captures see only a smaller round of the same
 * transfers, run by the capture test. A second network with {@code offloads: false} reads no
 * super-frame and still carries the transfer.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class OffloadInteropTest {
    static final String A = "10.77.1.10";
    static final String B = "10.77.3.20";
    static final String H1 = "10.77.2.10";
    static final String C = "10.77.4.30";
    static final int BIG = 20 << 20;
    static final int IMPAIRED = 6 << 20;
    static final int WIRE_MSS = 1448;
    /** What is captured: small, so tshark's passes over the captures stay short. */
    static final int CAPTURED = 2 << 20;
    /**
     * The port every transfer uses: the echo port, whose Wireshark dissector takes any bytes, so no
     * heuristic dissector (Thrift, say) mistakes random data for its protocol and reports it malformed.
     */
    static final int PORT = 7;

    @TempDir
    static Path dir;

    final LinuxTestNetwork names = new LinuxTestNetwork();
    final String ns3 = LinuxTestNetwork.uniqueNamespace();
    Network network;
    Path segmentCaptures;
    Path wholeCapture;
    LinkCapture whole;

    String yaml(String name, String nsA, String nsB, String nsC, boolean offloads, LinuxTestNetwork macs) {
        String off = offloads ? "" : ", offloads: false";
        return """
                name: %s
                nodes:
                  a: { kind: linux, netns: %s, ip: 10.77.1.10/24, gateway: 10.77.1.1, mac: "%s"%s }
                  b: { kind: linux, netns: %s, ip: 10.77.3.20/24, gateway: 10.77.3.1, mac: "%s"%s }
                %s
                  h1: { kind: host, ip: 10.77.2.10/24, gateway: 10.77.2.1, mac: "%s", services: ["echo :7"] }
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.1.1/24, mac: "%s" }
                      eth1: { ip: 10.77.3.1/24, mac: "%s" }
                      eth2: { ip: 10.77.2.1/24, mac: "%s" }
                      eth3: { ip: 10.77.4.1/24, mac: "%s" }
                links:
                  - endpoints: [a, "r1:eth0"]
                  - endpoints: ["r1:eth1", b]
                  - endpoints: ["r1:eth2", h1]
                %s
                """.formatted(name, nsA, macs.mac(1, 0), off, nsB, macs.mac(7, 0), off,
                nsC == null ? "" : "  c: { kind: linux, netns: %s, ip: 10.77.4.30/24, gateway: 10.77.4.1, mac: \"%s\" }"
                        .formatted(nsC, macs.mac(8, 0)),
                macs.mac(4, 0), macs.mac(2, 0), macs.mac(2, 1), macs.mac(2, 2), macs.mac(2, 3),
                nsC == null ? "" : "  - { endpoints: [\"r1:eth3\", c], delay: 1ms, loss: 0.5% }");
    }

    /** Captures see frames only while {@link #capturing} is set (on the loop), while test 4 runs its traffic. */
    static volatile boolean capturing;

    /** Lets frames through to a capture only while {@link #capturing} is set. */
    record Gate(FrameObserver inner) implements FrameObserver {
        @Override
        public void observe(Link link, Port from, Frame frame, long epochNanos) {
            if (capturing) {
                inner.observe(link, from, frame, epochNanos);
            }
        }
    }

    /** Passes every frame to two observers (both only read it). */
    record Tee(FrameObserver first, FrameObserver second) implements FrameObserver {
        @Override
        public void observe(Link link, Port from, Frame frame, long epochNanos) {
            first.observe(link, from, frame, epochNanos);
            second.observe(link, from, frame, epochNanos);
        }
    }

    @BeforeAll
    void build() throws Exception {
        RootRequirement.assumeRoot();
        writeRandom(dir.resolve("big.bin"), BIG, 1);
        writeRandom(dir.resolve("impaired.bin"), IMPAIRED, 2);
        writeRandom(dir.resolve("captured.bin"), CAPTURED, 3);
        segmentCaptures = Files.createDirectories(dir.resolve("segments"));
        network = NetworkBuilder.of(TopologyLoader.parse(
                        yaml("offload-interop", names.ns1(), names.ns2(), ns3, true, names), "offload-interop.yaml"))
                .captureTo(segmentCaptures).captureSegments(true).build();
        // a's link is captured a second time, in the default mode that writes super-frames whole.
        Link edge = network.link("a", "r1");
        wholeCapture = dir.resolve("a-whole.pcapng");
        whole = new LinkCapture(edge, wholeCapture);
        network.run(() -> {
            edge.setObserver(new Tee(edge.observer(), whole));
            for (Link l : network.links().values()) {
                l.setObserver(new Gate(l.observer()));
            }
        });
        for (String target : List.of(B, H1, C)) {
            assertTrue(LinuxTestNetwork.ping(names.ns1(), 1, target).received() >= 1, "a reaches " + target);
        }
    }

    @AfterAll
    void close() {
        try {
            if (network != null) {
                network.close();
            }
            if (whole != null) {
                whole.close();
                whole = null;
            }
        } finally {
            names.close();
            LinuxTestNetwork.deleteNamespaces(List.of(ns3));
        }
    }

    TapAttachment tap(Network net, String node) {
        return net.linuxHost(node).attachment("eth0");
    }

    long superFramesRead(Network net, String node) {
        TapAttachment t = tap(net, node);
        return net.call(t::superFramesRead);
    }

    @Test
    @Order(1)
    void bulkTcpBetweenTwoLinuxHostsTravelsAsSuperFramesAndArrivesIntact() throws Exception {
        long readBefore = superFramesRead(network, "a");
        long forwardedBefore = network.call(() -> network.stack("r1").counters().get("IpForwDatagrams"));
        Path got = dir.resolve("b-got.bin");
        transfer(network, names.ns1(), names.ns2(), B, dir.resolve("big.bin"), got);
        assertEquals(sha256(dir.resolve("big.bin")), sha256(got));

        long superFrames = superFramesRead(network, "a") - readBefore;
        long forwarded = network.call(() -> network.stack("r1").counters().get("IpForwDatagrams")) - forwardedBefore;
        assertTrue(superFrames > 0, "the kernel handed tapnet no TSO super-frame");
        // Data whole, the router forwards far fewer datagrams (both ways) than the wire segments they stand for.
        assertTrue(forwarded < BIG / WIRE_MSS, "r1 forwarded " + forwarded + " datagrams for " + BIG / WIRE_MSS
                + " wire segments of data (" + superFrames + " super-frames read)");
        assertCountersClean(network);
    }

    @Test
    @Order(2)
    void aLinuxHostsSuperFramesReachTheJavaEchoServerAsSegmentsAndComeBackIntact() throws Exception {
        long readBefore = superFramesRead(network, "a");
        Path got = dir.resolve("echoed.bin");
        IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(40), "sh", "-c",
                "nc -N -w 10 " + H1 + " 7 < " + dir.resolve("big.bin") + " > " + got);
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(BIG, Files.size(got));
        assertEquals(sha256(dir.resolve("big.bin")), sha256(got));
        assertTrue(superFramesRead(network, "a") > readBefore, "a sent super-frames toward h1");
        assertCountersClean(network);
    }

    @Test
    @Order(3)
    void aTransferAcrossAnImpairedLinkArrivesIntact() throws Exception {
        Link impaired = network.link("r1", "c");
        Path got = dir.resolve("c-got.bin");
        transfer(network, names.ns1(), ns3, C, dir.resolve("impaired.bin"), got);
        assertEquals(sha256(dir.resolve("impaired.bin")), sha256(got));
        long lost = network.call(() -> impaired.lost(impaired.a()) + impaired.lost(impaired.b()));
        assertTrue(lost > 0, "the impairment acted");
        assertCountersClean(network);
    }

    @Test
    @Order(4)
    void capturesShowWireSegmentsInSegmentModeAndWholeSuperFramesOtherwiseAndDecodeCleanly() throws Exception {
        Path source = dir.resolve("captured.bin");
        network.run(() -> capturing = true);
        try {
            transfer(network, names.ns1(), names.ns2(), B, source, dir.resolve("captured-b.bin"));
            IpCommand.Result r = LinuxTestNetwork.exec(names.ns1(), Duration.ofSeconds(30), "sh", "-c",
                    "nc -N -w 10 " + H1 + " 7 < " + source + " > " + dir.resolve("captured-echo.bin"));
            assertEquals(0, r.exitCode(), r.describe());
            transfer(network, names.ns1(), ns3, C, source, dir.resolve("captured-c.bin"));
        } finally {
            network.run(() -> capturing = false);
        }
        for (String got : List.of("captured-b.bin", "captured-echo.bin", "captured-c.bin")) {
            assertEquals(sha256(source), sha256(dir.resolve(got)), got);
        }
        network.close();
        whole.close();
        whole = null;
        for (String ns : List.of(names.ns1(), names.ns2(), ns3)) {
            assertFalse(LinuxTestNetwork.namespaceList().contains(ns), "namespace " + ns + " outlived close()");
        }
        List<String> macs = List.of(names.mac(1, 0), names.mac(7, 0), names.mac(8, 0));
        List<String> leaked = LinuxTestNetwork.rootLinks().stream()
                .filter(l -> macs.contains(l.mac())).map(Object::toString).toList();
        assertEquals(List.of(), leaked, "TAP devices of the Linux hosts came back to the root namespace");

        List<Path> files;
        try (Stream<Path> s = Files.list(segmentCaptures)) {
            files = s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertEquals(4, files.size(), files.toString());
        Tshark.assumeAvailable();
        List<Path> all = new ArrayList<>(files);
        all.add(wholeCapture);
        List<String> failures = all.parallelStream().map(f -> {
            try {
                Tshark.assertCleanCapture(f);
                return null;
            } catch (AssertionError e) {
                return e.getMessage();
            }
        }).filter(m -> m != null).toList();
        assertEquals(List.of(), failures);

        // Per file: TCP payload bytes, largest frame, frames (one tshark pass each, in parallel).
        List<long[]> totals = all.parallelStream().map(OffloadInteropTest::tcpTotals).toList();
        for (int i = 0; i < files.size(); i++) {
            assertTrue(totals.get(i)[1] <= 1514, files.get(i).getFileName() + " holds a frame of "
                    + totals.get(i)[1] + " bytes");
        }
        // The same traffic on a's link, both ways: whole super-frames in one, their segments in the other.
        long[] seg = totals.get(files.indexOf(segmentCaptures.resolve("a-eth0--r1-eth0.pcapng")));
        long[] whl = totals.get(all.size() - 1);
        assertTrue(whl[1] > 1514, "the default mode writes super-frames whole: largest frame " + whl[1]);
        assertEquals(seg[0], whl[0], "both modes hold the same TCP payload bytes");
        assertTrue(seg[0] >= 4L * CAPTURED, "a's link carried the captured transfers: " + seg[0] + " bytes");
        assertTrue(seg[2] > whl[2], "more frames when cut into segments: " + seg[2] + " vs " + whl[2]);
    }

    /** TCP payload bytes, the largest frame and the number of frames in a capture. */
    static long[] tcpTotals(Path capture) {
        long bytes = 0;
        long max = 0;
        long frames = 0;
        for (String line : Tshark.decode(capture, "frame.len", "tcp.len")) {
            String[] c = line.split("\t", -1);
            max = Math.max(max, Long.parseLong(c[0]));
            bytes += c.length > 1 && !c[1].isEmpty() ? Long.parseLong(c[1]) : 0;
            frames++;
        }
        return new long[] {bytes, max, frames};
    }

    @Test
    @Order(5)
    void withOffloadsOffTheKernelHandsOverWireFramesOnlyAndTheTransferWorks() throws Exception {
        LinuxTestNetwork plainNames = new LinuxTestNetwork();
        try (Network plain = NetworkBuilder.of(TopologyLoader.parse(
                yaml("offload-off", plainNames.ns1(), plainNames.ns2(), null, false, plainNames),
                "offload-off.yaml")).build()) {
            assertFalse(plain.call(() -> tap(plain, "a").acceptsOffloads()), "a plain TAP, no vnet header");
            assertEquals("1", napiThreaded(plainNames.ns1()),
                    "without offloads the kernel receives on a NAPI thread of its own by default");
            assertTrue(LinuxTestNetwork.ping(plainNames.ns1(), 1, B).received() >= 1);
            Path got = dir.resolve("plain-got.bin");
            transfer(plain, plainNames.ns1(), plainNames.ns2(), B, dir.resolve("impaired.bin"), got);
            assertEquals(sha256(dir.resolve("impaired.bin")), sha256(got));
            assertEquals(0, superFramesRead(plain, "a"));
            assertEquals(0, superFramesRead(plain, "b"));
            long forwarded = plain.call(() -> plain.stack("r1").counters().get("IpForwDatagrams"));
            assertTrue(forwarded >= IMPAIRED / WIRE_MSS, "every wire segment crossed r1: " + forwarded);
            assertCountersClean(plain);
        } finally {
            plainNames.close();
        }
    }

    @Test
    @Order(0)
    void withOffloadsTheKernelReceivesInsideTapnetsWritesByDefault() {
        assertEquals("0", napiThreaded(names.ns1()), "threaded NAPI costs more than it gives with offloads");
    }

    // ------------------------------------------------------------------ helpers

    /** {@code /sys/class/net/eth0/threaded} as the namespace sees it. */
    static String napiThreaded(String ns) {
        IpCommand.Result r = LinuxTestNetwork.exec(ns, Duration.ofSeconds(10), "cat", "/sys/class/net/eth0/threaded");
        assertTrue(r.ok(), "reading threaded in " + ns + ": " + r);
        return r.stdout().strip();
    }

    static void assertCountersClean(Network net) {
        assertEquals(0, net.call(() -> net.loop().offloadErrors()), "offload errors");
        assertEquals(0, net.call(() -> net.loop().handlerErrors()), "handler errors");
        for (var host : net.linuxHosts().values()) {
            for (TapAttachment t : host.attachments()) {
                assertEquals(0, net.call(t::malformed), host.name() + ": malformed reads");
            }
        }
    }

    /** {@code nc} from {@code fromNs} sends {@code file} to a {@code nc -l} in {@code toNs}, which writes {@code got}. */
    static void transfer(Network net, String fromNs, String toNs, String toAddress, Path file, Path got)
            throws Exception {
        Process listener = new ProcessBuilder("ip", "netns", "exec", toNs, "nc", "-l", "-N", toAddress, Integer.toString(PORT))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(got.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            waitForListener(toNs, PORT);
            IpCommand.Result r = LinuxTestNetwork.exec(fromNs, Duration.ofSeconds(40), "sh", "-c",
                    "nc -N -w 10 " + toAddress + " " + PORT + " < " + file);
            assertEquals(0, r.exitCode(), r.describe());
            assertTrue(listener.waitFor(20, TimeUnit.SECONDS), "the listener saw the end of the transfer");
        } finally {
            listener.destroy();
            listener.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static void waitForListener(String ns, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!LinuxTestNetwork.exec(ns, Duration.ofSeconds(5), "ss", "-Hltn", "sport = :" + port)
                    .stdout().isBlank()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + ns);
    }

    static void writeRandom(Path file, int size, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int done = 0; done < size; done += chunk.length) {
                r.nextBytes(chunk);
                out.write(chunk, 0, Math.min(chunk.length, size - done));
            }
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
