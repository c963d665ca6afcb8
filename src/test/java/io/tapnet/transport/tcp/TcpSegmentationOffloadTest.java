package io.tapnet.transport.tcp;

import io.tapnet.phy.Frame;
import io.tapnet.phy.Impairment;
import io.tapnet.phy.Link;
import io.tapnet.phy.LinkCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tapnet.testing.Tshark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TSO and GRO between Java hosts: with the stacks' segmentation offload on, TCP sends super-frames
 * of up to 64 KiB that three routers forward whole and the receiver takes whole; the data arrives
 * intact, far fewer frames cross the links than there are MSS segments, and a capture cut into
 * segments shows only frames a 1500-byte wire could carry.
 */
class TcpSegmentationOffloadTest {
    static final long MS = 1_000_000L;
    static final long MIB = 1024 * 1024;

    static final String THREE_ROUTERS = """
            name: tso
            nodes:
              h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 },
                    routes: [ "10.0.2.0/24 via 10.0.12.2", "10.0.23.0/24 via 10.0.12.2" ] }
              r2: { kind: router, interfaces: { eth0: 10.0.12.2/24, eth1: 10.0.23.1/24 },
                    routes: [ "10.0.1.0/24 via 10.0.12.1", "10.0.2.0/24 via 10.0.23.2" ] }
              r3: { kind: router, interfaces: { eth0: 10.0.23.2/24, eth1: 10.0.2.1/24 },
                    routes: [ "10.0.1.0/24 via 10.0.23.1", "10.0.12.0/24 via 10.0.23.1" ] }
              h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
            links:
              - endpoints: [h1, "r1:eth0"]
              - endpoints: ["r1:eth1", "r2:eth0"]
              - endpoints: ["r2:eth1", "r3:eth0"]
              - endpoints: ["r3:eth1", h2]
            """;

    /** Counts the frames crossing a link and their largest length, and hashes them with their times. */
    static final class Counter implements io.tapnet.phy.FrameObserver {
        long frames;
        long bytes;
        int largest;
        long offloaded;
        final MessageDigest trace = TransferHarness.sha256();

        @Override
        public void observe(Link link, io.tapnet.phy.Port from, Frame frame, long epochNanos) {
            frames++;
            bytes += frame.length();
            largest = Math.max(largest, frame.length());
            if (frame.isGso()) {
                offloaded++;
            }
            byte[] b = new byte[frame.length()];
            frame.buffer().get(frame.offset(), b);
            trace.update(b);
            trace.update(Long.toString(epochNanos).getBytes());
        }
    }

    record Outcome(TransferHarness.Result result, Counter middle, byte[] trace) {
    }

    static Outcome transfer(boolean offload, long bytes, long seed, Impairment impairment, Path capture,
                            boolean upload) throws Exception {
        return transfer(THREE_ROUTERS, offload, bytes, seed, impairment, capture, upload);
    }

    static Outcome transfer(String topology, Boolean offload, long bytes, long seed, Impairment impairment,
                            Path capture, boolean upload) throws Exception {
        return transfer(topology, offload, bytes, seed, impairment, capture, true, upload);
    }

    static Outcome transfer(String topology, Boolean offload, long bytes, long seed, Impairment impairment,
                            Path capture, boolean segments, boolean upload) throws Exception {
        TcpConfig config = TcpConfig.defaults().withBuffers(1 << 20, 1 << 20);
        try (TransferHarness h = new TransferHarness(topology, config, null, null, seed)) {
            if (offload != null) {
                h.network.stack("h1").setSegmentationOffload(offload);
                h.network.stack("h2").setSegmentationOffload(offload);
            }
            Link middle = h.network.link("r1", "r2");
            Counter counter = new Counter();
            LinkCapture cap = null;
            if (capture != null) {
                cap = new LinkCapture(h.network.link("r2", "r3"), capture, segments);
                h.network.link("r2", "r3").setObserver(cap);
            }
            middle.setObserver(counter);
            if (impairment != null) {
                middle.impairBoth(impairment);
            }
            TransferHarness.Result r = h.transfer(bytes, upload, seed, 600_000 * MS);
            if (cap != null) {
                cap.close();
            }
            assertEquals(0, h.network.loop().handlerErrors(), "exceptions escaped on the loop");
            assertEquals(0, h.network.loop().offloadErrors(), "offloaded frames dropped as malformed");
            assertTrue(r.completed(), "transfer did not complete: received " + r.received() + " of " + bytes
                    + "; sender " + r.senderInfo());
            assertEquals(bytes, r.received());
            assertArrayEquals(r.sentHash(), r.receivedHash(), "SHA-256 of received bytes differs from sent");
            return new Outcome(r, counter, counter.trace.digest());
        }
    }

    @Test
    void superFramesCrossThreeRoutersAndArriveIntact() throws Exception {
        long bytes = 8 * MIB;
        Outcome on = transfer(true, bytes, 1, null, null, true);
        Outcome off = transfer(false, bytes, 1, null, null, true);
        long mssSegments = bytes / 1448;
        System.out.printf("offload on: %d frames on the middle link (%d super-frames, largest %d B); off: %d frames "
                        + "(largest %d B); %d MSS segments of data%n", on.middle.frames, on.middle.offloaded,
                on.middle.largest, off.middle.frames, off.middle.largest, mssSegments);
        assertTrue(on.middle.offloaded > 0, "no super-frames crossed the routers");
        assertTrue(on.middle.largest > 1514, "frames larger than the MTU expected, got " + on.middle.largest);
        assertTrue(on.middle.frames * 5 < mssSegments, "far fewer frames than MSS segments: " + on.middle.frames);
        // Without offloads, nothing changes: wire segments only, at least one per MSS.
        assertEquals(0, off.middle.offloaded);
        assertTrue(off.middle.largest <= 1514, "largest frame " + off.middle.largest);
        assertTrue(off.middle.frames >= mssSegments, "frames " + off.middle.frames);
    }

    @Test
    void downloadWorksToo() throws Exception {
        Outcome on = transfer(true, 2 * MIB, 5, null, null, false);
        assertTrue(on.middle.offloaded > 0);
    }

    @Test
    void sameSeedGivesTheSameTrace() throws Exception {
        Outcome a = transfer(true, 2 * MIB, 3, null, null, true);
        Outcome b = transfer(true, 2 * MIB, 3, null, null, true);
        assertArrayEquals(a.trace, b.trace, "same seed, same frames at the same times");
        assertEquals(a.result.virtualNanos(), b.result.virtualNanos());
    }

    @Test
    void segmentedCaptureShowsOnlyWireSizedFrames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r2-r3.pcapng");
        Outcome on = transfer(true, MIB, 2, null, file, true);
        assertTrue(on.middle.offloaded > 0);
        int[] lengths = capturedLengths(file);
        assertTrue(lengths.length > MIB / 1448, "a segment per MSS at least: " + lengths.length);
        for (int len : lengths) {
            assertTrue(len <= 1514, "captured frame of " + len + " bytes");
        }
        if (Tshark.isAvailable()) {
            Tshark.assertCleanCapture(file);
        }
    }

    @Test
    void wholeCaptureShowsSuperFramesWithValidChecksums(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r2-r3-whole.pcapng");
        transfer(THREE_ROUTERS, true, MIB, 2, null, file, false, true);
        int[] lengths = capturedLengths(file);
        assertTrue(java.util.Arrays.stream(lengths).anyMatch(len -> len > 1514), "super-frames written whole");
        if (Tshark.isAvailable()) {
            Tshark.assertCleanCapture(file);
        }
    }

    @Test
    void lossyCorruptingLinkStillDeliversIntactData() throws Exception {
        // The link resolves super-frames into wire segments before it loses, duplicates, reorders or
        // corrupts them, so the receiver sees ordinary segments and its checksums catch the damage.
        Impairment lossy = Impairment.builder().delay(java.time.Duration.ofMillis(2)).loss(0.02).duplicate(0.01)
                .reorder(0.01).corrupt(0.01).build();
        Outcome on = transfer(true, 2 * MIB, 4, lossy, null, true);
        assertTrue(on.result.senderInfo().retransmits() > 0, "losses expected");
    }

    @Test
    void aSmallerMtuFurtherOnShrinksTheSegmentSizeThroughIcmp() throws Exception {
        // r2's link to r3 has MTU 1400: r2 answers super-frames whose segments would not fit with
        // fragmentation needed, and the sender's gso_size follows the new MSS.
        String topology = THREE_ROUTERS.replace("eth1: 10.0.23.1/24 }", "eth1: { ip: 10.0.23.1/24, mtu: 1400 } }")
                .replace("r3: { kind: router, interfaces: { eth0: 10.0.23.2/24,",
                        "r3: { kind: router, interfaces: { eth0: { ip: 10.0.23.2/24, mtu: 1400 },");
        Outcome on = transfer(topology, true, 2 * MIB, 6, null, null, true);
        assertEquals(1360, on.result.senderInfo().sendMss(), "RFC 1191: next-hop MTU 1400 minus 40");
        assertTrue(on.middle.offloaded > 0, "super-frames still cross r1-r2 after the MSS shrank");
    }

    @Test
    void offloadsFalseOnAHostTurnsThemOff() throws Exception {
        String topology = THREE_ROUTERS.replace("h1: { kind: host,", "h1: { kind: host, offloads: false,");
        try (io.tapnet.topology.Network n = io.tapnet.topology.NetworkBuilder.of(
                io.tapnet.topology.TopologyLoader.parse(topology, "tso.yaml")).virtualTime(true).build()) {
            assertTrue(!n.stack("h1").segmentationOffload() && !n.stack("h1").acceptsOffloads());
            assertTrue(n.stack("h2").segmentationOffload() && n.stack("h2").acceptsOffloads());
        }
        // h1 sends wire segments only; h2 still sends super-frames, which h1's port resolves for it.
        Outcome up = transfer(topology, null, MIB, 8, null, null, true);
        assertEquals(0, up.middle.offloaded);
        assertTrue(up.middle.largest <= 1514);
        Outcome down = transfer(topology, null, MIB, 8, null, null, false);
        assertTrue(down.middle.offloaded > 0);
    }

    /** Captured lengths of the Enhanced Packet Blocks of a pcapng file (native byte order, as written). */
    static int[] capturedLengths(Path file) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        int at = 0;
        while (at + 12 <= b.limit()) {
            int type = b.getInt(at);
            int length = b.getInt(at + 4);
            if (type == 6) {
                lengths.add(b.getInt(at + 20));
            }
            at += length;
        }
        return lengths.stream().mapToInt(Integer::intValue).toArray();
    }
}
