package io.tapnet.phy;

import static io.tapnet.testing.OffloadFrames.ACK;
import static io.tapnet.testing.OffloadFrames.CWR;
import static io.tapnet.testing.OffloadFrames.ETH;
import static io.tapnet.testing.OffloadFrames.FIN;
import static io.tapnet.testing.OffloadFrames.HEADERS;
import static io.tapnet.testing.OffloadFrames.L4;
import static io.tapnet.testing.OffloadFrames.PSH;
import static io.tapnet.testing.OffloadFrames.TCP_HEADER;
import static io.tapnet.testing.OffloadFrames.UDP_CHECKSUM_OFFSET;
import static io.tapnet.testing.OffloadFrames.bytes;
import static io.tapnet.testing.OffloadFrames.ipChecksumValid;
import static io.tapnet.testing.OffloadFrames.ipId;
import static io.tapnet.testing.OffloadFrames.ipTotalLength;
import static io.tapnet.testing.OffloadFrames.tcpFlags;
import static io.tapnet.testing.OffloadFrames.tcpPayload;
import static io.tapnet.testing.OffloadFrames.tcpSeq;
import static io.tapnet.testing.OffloadFrames.transportChecksumValid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.testing.Frames;
import io.tapnet.testing.OffloadFrames;
import io.tapnet.testing.OffloadFrames.Tcp;
import io.tapnet.testing.Tshark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checksum and segmentation offloads ({@link Offload}): a TSO super-frame becomes the segments Linux's
 * {@code tcp_gso_segment} would have sent, a partial checksum is completed as a full computation would
 * have made it, malformed offload state is dropped and counted, and ports, impaired links and captures
 * resolve offloads exactly where a wire's view is needed.
 */
class OffloadTest {
    static final long A_MAC = 0x02_00_00_00_00_0aL;
    static final long B_MAC = 0x02_00_00_00_00_0bL;
    static final int A = Frames.ip("10.9.0.1");
    static final int B = Frames.ip("10.9.0.2");
    static final int MSS = 1448;
    static final int PAYLOAD = 10_000;
    /** Close to the top of the sequence space, so the run of segments wraps around it. */
    static final long SEQ = 0xffff_e000L;
    static final long ACK_NUMBER = 0x1234_5678L;
    /** {@code VIRTIO_NET_HDR_GSO_UDP_L4} (virtio 1.1, 5.1.6): USO, which tapnet never offers the kernel. */
    static final int VIRTIO_NET_HDR_GSO_UDP_L4 = 5;

    final EventLoop loop = EventLoop.virtual();
    /** What a sink was handed, as bytes; the frames go back to their pool at once. */
    final List<byte[]> got = new ArrayList<>();
    /** Whether each frame handed over was still offloaded. */
    final List<Boolean> gotOffloaded = new ArrayList<>();
    final Offload.Sink sink = f -> {
        got.add(bytes(f));
        gotOffloaded.add(f.isOffloaded());
        f.release();
    };

    static Tcp tcp(int flags, int ipId) {
        return new Tcp(B_MAC, A_MAC, A, B, 40000, 5201, SEQ, ACK_NUMBER, flags, ipId, true, 64);
    }

    static byte[] randomPayload(int size, long seed) {
        byte[] p = new byte[size];
        new Random(seed).nextBytes(p);
        return p;
    }

    // ------------------------------------------------------------------ segmentation

    @Test
    void aTsoSuperFrameBecomesTheSegmentsLinuxWouldHaveSent() {
        byte[] payload = randomPayload(PAYLOAD, 1);
        Tcp t = tcp(ACK | PSH | FIN | CWR, 0x1234);
        byte[] original = OffloadFrames.superFrame(t, payload);
        Frame f = OffloadFrames.tsoFrame(loop, t, payload, MSS);
        assertTrue(f.isOffloaded() && f.isGso());
        assertEquals(MSS, f.gsoSize());
        assertEquals(ETH + 20 + TCP_HEADER + MSS, ETH + Offload.segmentIpLength(f));
        FramePool large = f.pool();
        long largeAllocated = large.allocated();
        int largeRetained = large.retained();

        int n = Offload.resolve(loop, f, sink);

        int count = (PAYLOAD + MSS - 1) / MSS;
        assertEquals(7, count);
        assertEquals(count, n);
        assertEquals(count, got.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            byte[] s = got.get(i);
            String what = "segment " + i;
            int chunk = Math.min(MSS, PAYLOAD - i * MSS);
            assertFalse(gotOffloaded.get(i), what + " is what a wire carries");
            assertEquals(HEADERS + chunk, s.length, what);
            assertEquals(20 + TCP_HEADER + chunk, ipTotalLength(s), what);
            assertEquals((0x1234 + i) & 0xffff, ipId(s), what + ": IP identification counts up");
            assertTrue(ipChecksumValid(s), what + ": IPv4 header checksum");
            assertTrue(transportChecksumValid(s), what + ": TCP checksum over the segment");
            assertEquals((SEQ + (long) i * MSS) & 0xffffffffL, tcpSeq(s), what + ": sequence number");
            int flags = tcpFlags(s);
            assertEquals(i == 0, (flags & CWR) != 0, what + ": CWR only on the first");
            assertEquals(i == count - 1, (flags & PSH) != 0, what + ": PSH only on the last");
            assertEquals(i == count - 1, (flags & FIN) != 0, what + ": FIN only on the last");
            assertTrue((flags & ACK) != 0, what + ": ACK on every segment");
            // Everything else of the headers is the super-frame's: addresses, DF, TTL, ports, ack, window, options.
            byte[] expectedHeaders = Arrays.copyOf(original, HEADERS);
            byte[] actualHeaders = Arrays.copyOf(s, HEADERS);
            for (int at : new int[] {ETH + 2, ETH + 3, ETH + 4, ETH + 5, ETH + 10, ETH + 11, L4 + 4, L4 + 5, L4 + 6,
                    L4 + 7, L4 + 13, L4 + 16, L4 + 17}) {
                expectedHeaders[at] = 0;
                actualHeaders[at] = 0;
            }
            assertEquals(Frames.hex(expectedHeaders), Frames.hex(actualHeaders), what + ": other header fields");
            joined.writeBytes(tcpPayload(s));
        }
        assertArrayEquals(payload, joined.toByteArray(), "the segments carry the payload in order");
        assertEquals(0, loop.offloadErrors());
        assertEquals(largeAllocated, large.allocated());
        assertEquals(largeRetained + 1, large.retained(), "the super-frame went back to its pool");
        assertEquals(loop.pool().allocated(), loop.pool().retained(), "every segment came from the pool and went back");
    }

    @Test
    void identificationWrapsAndAPlainTsoRunWithoutEcnKeepsItsFlags() {
        byte[] payload = randomPayload(3 * MSS, 2);
        Tcp t = tcp(ACK, 0xfffe);
        Frame f = OffloadFrames.frame(loop, OffloadFrames.superFrame(t, payload));
        OffloadFrames.markTso(f, MSS, false);
        assertEquals(3, Offload.resolve(loop, f, sink));
        assertEquals(List.of(0xfffe, 0xffff, 0x0000), got.stream().map(OffloadFrames::ipId).toList());
        for (byte[] s : got) {
            assertEquals(HEADERS + MSS, s.length, "an exact multiple of gso_size leaves no short segment");
            assertEquals(ACK, tcpFlags(s));
            assertTrue(ipChecksumValid(s) && transportChecksumValid(s));
        }
        assertEquals(0, loop.offloadErrors());
    }

    @Test
    void aRunShorterThanOneSegmentIsOneSegmentWithAllItsFlags() {
        byte[] payload = randomPayload(100, 3);
        Tcp t = tcp(ACK | PSH | FIN | CWR, 7);
        Frame f = OffloadFrames.tsoFrame(loop, t, payload, MSS);
        assertEquals(1, Offload.resolve(loop, f, sink));
        byte[] s = got.get(0);
        assertEquals(ACK | PSH | FIN | CWR, tcpFlags(s));
        assertEquals(7, ipId(s));
        assertTrue(ipChecksumValid(s) && transportChecksumValid(s));
        assertArrayEquals(payload, tcpPayload(s));
    }

    @Test
    void oddSegmentSizesAndAnOddLastSegmentChecksumRight() {
        byte[] payload = randomPayload(5001, 16);
        int mss = 1377; // a segment size an odd option length can give
        Tcp t = tcp(ACK | PSH, 9);
        Frame f = OffloadFrames.frame(loop, OffloadFrames.superFrame(t, payload));
        OffloadFrames.markTso(f, mss, false);
        assertEquals(4, Offload.resolve(loop, f, sink));
        for (int i = 0; i < got.size(); i++) {
            byte[] s = got.get(i);
            assertEquals(Math.min(mss, 5001 - i * mss), tcpPayload(s).length);
            assertEquals(SEQ + (long) i * mss, tcpSeq(s));
            assertTrue(ipChecksumValid(s) && transportChecksumValid(s), "segment " + i);
        }
        assertArrayEquals(payload, joinPayloads(got));
    }

    @Test
    void aRecycledFrameForgetsItsOffloadState() {
        Frame f = OffloadFrames.tsoFrame(loop, tcp(ACK, 1), randomPayload(3000, 17), MSS);
        FramePool pool = f.pool();
        f.release();
        Frame again = pool.acquire();
        assertEquals(f, again, "the pool hands the same frame out again");
        assertFalse(again.isOffloaded());
        assertFalse(again.isGso());
        assertEquals(0, again.gsoSize());
        again.release();
    }

    @Test
    void aCopyKeepsTheOffloadStateAndClearOffloadForgetsIt() {
        Frame f = OffloadFrames.tsoFrame(loop, tcp(ACK, 1), randomPayload(3000, 18), MSS);
        Frame copy = loop.copy(f);
        assertTrue(copy.isGso());
        assertEquals(MSS, copy.gsoSize());
        assertEquals(3, Offload.resolve(loop, copy, sink), "the copy resolves like the original");
        assertTrue(got.stream().allMatch(s -> transportChecksumValid(s)));
        f.clearOffload();
        assertFalse(f.isOffloaded());
        f.release();
    }

    static byte[] joinPayloads(List<byte[]> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        segments.forEach(s -> out.writeBytes(tcpPayload(s)));
        return out.toByteArray();
    }

    @Test
    void aVlanTaggedSuperFrameIsSegmentedBehindItsTag() {
        byte[] payload = randomPayload(PAYLOAD, 20);
        Tcp t = tcp(ACK | PSH, 1);
        byte[] untagged = OffloadFrames.superFrame(t, payload);
        byte[] tagged = new byte[untagged.length + 4];
        System.arraycopy(untagged, 0, tagged, 0, 12);
        ByteBuffer.wrap(tagged).putShort(12, (short) 0x8100).putShort(14, (short) 5);
        System.arraycopy(untagged, 12, tagged, 16, untagged.length - 12);
        Frame f = OffloadFrames.frame(loop, tagged);
        Offload.setNeedsChecksum(f, L4 + 4, OffloadFrames.TCP_CHECKSUM_OFFSET);
        Offload.setGso(f, Offload.GSO_TCPV4, MSS, HEADERS + 4);
        assertEquals(7, Offload.resolve(loop, f, sink));
        List<byte[]> untaggedSegments = new ArrayList<>();
        for (byte[] s : got) {
            assertEquals(0x8100, OffloadFrames.u16(s, 12));
            assertEquals(5, OffloadFrames.u16(s, 14), "the tag stays");
            byte[] u = new byte[s.length - 4];
            System.arraycopy(s, 0, u, 0, 12);
            System.arraycopy(s, 16, u, 12, s.length - 16);
            assertTrue(ipChecksumValid(u) && transportChecksumValid(u));
            untaggedSegments.add(u);
        }
        assertArrayEquals(payload, joinPayloads(untaggedSegments));
    }

    // ------------------------------------------------------------------ checksum completion

    /** A UDP frame as Linux hands it over: the checksum field holds the pseudo-header sum only. */
    static byte[] partialUdp(byte[] complete) {
        byte[] partial = Frames.copy(complete);
        int udpLength = ipTotalLength(complete) - 20;
        ByteBuffer.wrap(partial).putShort(L4 + UDP_CHECKSUM_OFFSET,
                (short) OffloadFrames.partialChecksum(A, B, 17, udpLength));
        return partial;
    }

    Frame needsChecksum(byte[] bytes, int start, int offset) {
        Frame f = OffloadFrames.frame(loop, bytes);
        Offload.setNeedsChecksum(f, start, offset);
        return f;
    }

    @Test
    void aPartialUdpChecksumIsCompletedAsAFullComputationWouldHaveMadeIt() {
        byte[] complete = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 5353, 53, randomPayload(333, 4)); // odd length
        assertTrue(transportChecksumValid(complete));
        byte[] partial = partialUdp(complete);
        assertFalse(Arrays.equals(complete, partial));
        Frame f = needsChecksum(partial, L4, UDP_CHECKSUM_OFFSET);
        assertTrue(f.isOffloaded());
        assertFalse(f.isGso());
        assertEquals(1, Offload.resolve(loop, f, sink));
        assertEquals(Frames.hex(complete), Frames.hex(got.get(0)));
        assertFalse(gotOffloaded.get(0), "the frame is now what a wire carries");
        assertEquals(0, loop.offloadErrors());
    }

    @Test
    void theSumStopsAtTheEndOfTheIpPacketNotAtTheEthernetPadding() {
        byte[] complete = Frames.padded(Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 5353, 53, new byte[] {1, 2, 3}));
        assertEquals(60, complete.length);
        for (int i = ETH + ipTotalLength(complete); i < complete.length; i++) {
            complete[i] = (byte) 0xa5; // padding need not be zero
        }
        Frame f = needsChecksum(partialUdp(complete), L4, UDP_CHECKSUM_OFFSET);
        assertEquals(1, Offload.resolve(loop, f, sink));
        assertEquals(Frames.hex(complete), Frames.hex(got.get(0)));
    }

    @Test
    void aComputedZeroIsSentAsAllOnes() {
        // Make the sum come out at 0xffff: put the checksum of the frame with a zero word in that word.
        byte[] data = new byte[6];
        byte[] probe = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1000, 2000, data);
        int c = OffloadFrames.u16(probe, L4 + UDP_CHECKSUM_OFFSET);
        data[4] = (byte) (c >>> 8);
        data[5] = (byte) c;
        byte[] complete = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1000, 2000, data);
        assertEquals(0xffff, OffloadFrames.u16(complete, L4 + UDP_CHECKSUM_OFFSET), "the edge case is built");
        Frame f = needsChecksum(partialUdp(complete), L4, UDP_CHECKSUM_OFFSET);
        assertEquals(1, Offload.resolve(loop, f, sink));
        assertEquals(0xffff, OffloadFrames.u16(got.get(0), L4 + UDP_CHECKSUM_OFFSET),
                "0 means 'no checksum' in UDP (RFC 768)");
        assertEquals(Frames.hex(complete), Frames.hex(got.get(0)));
    }

    @Test
    void aComputedZeroStaysZeroInTcp() {
        // As above: the checksum of the segment with a zero word, put into that word, makes it 0.
        byte[] payload = new byte[8];
        Frame probe = needsChecksum(OffloadFrames.superFrame(tcp(ACK, 1), payload), L4, OffloadFrames.TCP_CHECKSUM_OFFSET);
        assertTrue(Offload.completeChecksum(probe));
        int c = OffloadFrames.u16(bytes(probe), L4 + OffloadFrames.TCP_CHECKSUM_OFFSET);
        probe.release();
        payload[6] = (byte) (c >>> 8);
        payload[7] = (byte) c;
        Frame f = needsChecksum(OffloadFrames.superFrame(tcp(ACK, 1), payload), L4, OffloadFrames.TCP_CHECKSUM_OFFSET);
        assertEquals(1, Offload.resolve(loop, f, sink));
        assertEquals(0x0000, OffloadFrames.u16(got.get(0), L4 + OffloadFrames.TCP_CHECKSUM_OFFSET),
                "only UDP turns a computed 0 into all ones; Wireshark flags 0xffff in TCP (RFC 1624)");
        assertTrue(transportChecksumValid(got.get(0)));
    }

    @Test
    void completeChecksumOnItsOwnFillsTheFieldAndClearsTheFlag() {
        byte[] payload = randomPayload(500, 5);
        byte[] wire = OffloadFrames.superFrame(tcp(ACK | PSH, 1), payload);
        Frame f = needsChecksum(wire, L4, OffloadFrames.TCP_CHECKSUM_OFFSET);
        assertTrue(Offload.completeChecksum(f));
        assertFalse(f.isOffloaded());
        assertTrue(transportChecksumValid(bytes(f)));
        f.release();
    }

    // ------------------------------------------------------------------ malformed

    private record Bad(String what, byte[] bytes, Consumer<Frame> mark) {}

    @Test
    void malformedOrUnsupportedOffloadsAreDroppedAndCounted() {
        byte[] payload = randomPayload(4000, 6);
        byte[] tso = OffloadFrames.superFrame(tcp(ACK, 1), payload);
        byte[] udp = partialUdp(Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 5353, 53, randomPayload(100, 7)));
        int udpEnd = ETH + ipTotalLength(udp);
        Consumer<Frame> tso4 = f -> OffloadFrames.markTso(f, MSS, false);
        List<Bad> cases = List.of(
                new Bad("csum offset past the end of the frame", udp, f -> Offload.setNeedsChecksum(f, L4, 5000)),
                new Bad("csum field straddling the end of the packet", udp,
                        f -> Offload.setNeedsChecksum(f, L4, udpEnd - L4 - 1)),
                new Bad("csum start inside the Ethernet header", udp, f -> Offload.setNeedsChecksum(f, 4, 6)),
                new Bad("csum start past the end", udp, f -> Offload.setNeedsChecksum(f, 3000, 6)),
                new Bad("IP total length beyond the frame (partial checksum)", with(udp, ETH + 2, 0x0400), f ->
                        Offload.setNeedsChecksum(f, L4, UDP_CHECKSUM_OFFSET)),
                new Bad("GSO TCPv6", tso, f -> Offload.setGso(f, Offload.GSO_TCPV6, MSS, HEADERS)),
                new Bad("GSO UDP (UFO)", tso, f -> Offload.setGso(f, Offload.GSO_UDP, MSS, HEADERS)),
                new Bad("GSO UDP L4 (USO)", tso, f -> Offload.setGso(f, VIRTIO_NET_HDR_GSO_UDP_L4, MSS, HEADERS)),
                new Bad("gso_size 0", tso, f -> Offload.setGso(f, Offload.GSO_TCPV4, 0, HEADERS)),
                new Bad("IP version 6 under EtherType IPv4", withByte(tso, ETH, 0x65), tso4),
                new Bad("IHL of 4 words", withByte(tso, ETH, 0x44), tso4),
                new Bad("IHL past the frame", withByte(Arrays.copyOf(tso, 60), ETH, 0x4f), tso4),
                new Bad("UDP in a TCPv4 GSO frame", withByte(tso, ETH + 9, 17), tso4),
                new Bad("TCP data offset of 4 words", withByte(tso, L4 + 12, 0x40), tso4),
                new Bad("TCP data offset past the IP packet", withByte(with(tso, ETH + 2, 20 + 24), L4 + 12, 0xf0),
                        tso4),
                new Bad("IP total length beyond the frame (GSO)", with(tso, ETH + 2, tso.length), tso4),
                new Bad("IP total length shorter than the headers", with(tso, ETH + 2, 30), tso4),
                new Bad("EtherType ARP", with(tso, 12, 0x0806), tso4),
                new Bad("shorter than an IPv4 header", Arrays.copyOf(tso, 30), tso4),
                new Bad("shorter than an Ethernet header", Arrays.copyOf(tso, 10), tso4));
        long errors = loop.offloadErrors();
        for (Bad bad : cases) {
            Frame f = OffloadFrames.frame(loop, bad.bytes());
            bad.mark().accept(f);
            assertTrue(f.isOffloaded(), bad.what());
            assertEquals(0, Offload.resolve(loop, f, sink), bad.what());
            assertEquals(List.of(), got, bad.what() + ": nothing handed on");
            errors++;
            assertEquals(errors, loop.offloadErrors(), bad.what() + ": counted");
        }
        for (FramePool p : List.of(loop.pool(), loop.largePool())) {
            assertEquals(p.allocated(), p.retained(), "every dropped frame went back to its pool");
        }
    }

    /** A copy of {@code frame} with the 16-bit word at {@code at} set to {@code value}. */
    static byte[] with(byte[] frame, int at, int value) {
        byte[] out = Frames.copy(frame);
        ByteBuffer.wrap(out).putShort(at, (short) value);
        return out;
    }

    static byte[] withByte(byte[] frame, int at, int value) {
        byte[] out = Frames.copy(frame);
        out[at] = (byte) value;
        return out;
    }

    @Test
    void anOrdinaryFrameIsPassedOnAsItIs() {
        byte[] wire = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1, 2, new byte[] {9});
        Frame f = OffloadFrames.frame(loop, wire);
        assertEquals(1, Offload.resolve(loop, f, sink));
        assertEquals(Frames.hex(wire), Frames.hex(got.get(0)));
        assertEquals(0, loop.offloadErrors());
    }

    // ------------------------------------------------------------------ ports, links, captures

    /** A node on a test port: keeps what it receives (bytes and whether it was offloaded). */
    static final class Recorder implements FrameHandler {
        final boolean takesOffloads;
        final List<byte[]> frames = new ArrayList<>();
        final List<Boolean> gso = new ArrayList<>();
        final List<Integer> gsoSizes = new ArrayList<>();
        final List<Boolean> offloaded = new ArrayList<>();

        Recorder(boolean takesOffloads) {
            this.takesOffloads = takesOffloads;
        }

        @Override
        public boolean acceptsOffloads() {
            return takesOffloads;
        }

        @Override
        public void onFrame(Port port, Frame frame) {
            frames.add(bytes(frame));
            gso.add(frame.isGso());
            gsoSizes.add(frame.gsoSize());
            offloaded.add(frame.isOffloaded());
            frame.release();
        }
    }

    final Recorder sender = new Recorder(false);

    Link cable(Recorder receiver) {
        return Link.connect(new Port(loop, "a", "eth0", sender), new Port(loop, "b", "eth0", receiver));
    }

    void assertWireSegmentsOf(byte[] payload, Recorder r) {
        assertEquals(7, r.frames.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < r.frames.size(); i++) {
            byte[] s = r.frames.get(i);
            assertFalse(r.offloaded.get(i), "segment " + i);
            assertTrue(s.length <= 1514, "segment " + i + " fits a 1500-byte MTU: " + s.length);
            assertTrue(ipChecksumValid(s) && transportChecksumValid(s), "segment " + i);
            joined.writeBytes(tcpPayload(s));
        }
        assertArrayEquals(payload, joined.toByteArray());
    }

    @Test
    void aPortWhoseNodeTakesNoOffloadsReceivesWireSegments() {
        Recorder b = new Recorder(false);
        Link link = cable(b);
        byte[] payload = randomPayload(PAYLOAD, 8);
        link.a().transmit(OffloadFrames.tsoFrame(loop, tcp(ACK | PSH, 1), payload, MSS));
        byte[] udp = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1, 2, randomPayload(77, 9));
        link.a().transmit(needsChecksum(partialUdp(udp), L4, UDP_CHECKSUM_OFFSET));
        loop.runFor(0);
        byte[] completed = b.frames.remove(7);
        assertEquals(Frames.hex(udp), Frames.hex(completed), "the partial checksum was completed");
        b.offloaded.remove(7);
        assertWireSegmentsOf(payload, b);
        assertEquals(2, link.b().rxFrames(), "the port counts what came over the cable");
        assertEquals(0, loop.offloadErrors());
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    @Test
    void aPortWhoseNodeTakesOffloadsReceivesTheSuperFrameUntouched() {
        Recorder b = new Recorder(true);
        Link link = cable(b);
        Tcp t = tcp(ACK | PSH, 1);
        byte[] payload = randomPayload(PAYLOAD, 10);
        link.a().transmit(OffloadFrames.tsoFrame(loop, t, payload, MSS));
        loop.runFor(0);
        assertEquals(1, b.frames.size());
        assertTrue(b.gso.get(0));
        assertEquals(MSS, b.gsoSizes.get(0));
        assertEquals(Frames.hex(OffloadFrames.superFrame(t, payload)), Frames.hex(b.frames.get(0)),
                "the super-frame, partial checksum and all");
    }

    @Test
    void anImpairedLinkCarriesWireSegmentsEvenToANodeThatTakesOffloads() {
        Recorder b = new Recorder(true);
        Link link = cable(b);
        link.impair(link.a(), Impairment.builder().delay(Duration.ofMillis(1)).build());
        byte[] payload = randomPayload(PAYLOAD, 11);
        link.a().transmit(OffloadFrames.tsoFrame(loop, tcp(ACK | PSH, 1), payload, MSS));
        loop.runFor(Duration.ofMillis(1).toNanos() - 1);
        assertEquals(0, b.frames.size(), "still on the wire");
        loop.runFor(Duration.ofMillis(1).toNanos());
        assertWireSegmentsOf(payload, b);
        assertEquals(0, loop.offloadErrors());
    }

    @Test
    void corruptionOnAnImpairedLinkActsAfterTheChecksumsSoTheReceiverCanTell() {
        Recorder b = new Recorder(true);
        Link link = cable(b);
        link.impair(link.a(), Impairment.builder().corrupt(1.0).build());
        link.a().transmit(OffloadFrames.tsoFrame(loop, tcp(ACK | PSH, 1), randomPayload(PAYLOAD, 21), MSS));
        byte[] udp = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1, 2, randomPayload(500, 22));
        link.a().transmit(needsChecksum(partialUdp(udp), L4, UDP_CHECKSUM_OFFSET));
        loop.runFor(Duration.ofMillis(1).toNanos());
        assertEquals(8, b.frames.size());
        assertEquals(8, link.corrupted(link.a()));
        for (byte[] s : b.frames) {
            boolean sound = s.length >= L4 && ipChecksumValid(s) && ipTotalLength(s) + ETH <= s.length
                    && transportChecksumValid(s);
            assertFalse(sound, "a flipped bit under a checksum computed before it: " + Frames.hex(s));
        }
    }

    @Test
    void lossOnAnImpairedLinkTakesSegmentsNotWholeSuperFrames() {
        Recorder b = new Recorder(true);
        Link link = cable(b);
        link.seed(42);
        link.impair(link.a(), Impairment.builder().loss(0.5).build());
        int sent = 0;
        for (int i = 0; i < 20; i++) {
            link.a().transmit(OffloadFrames.tsoFrame(loop, tcp(ACK, i), randomPayload(PAYLOAD, 100 + i), MSS));
            sent += 7;
        }
        loop.runFor(Duration.ofMillis(10).toNanos());
        long lost = link.lost(link.a());
        assertEquals(sent, b.frames.size() + lost, "loss is drawn per wire segment");
        assertTrue(lost > 20 && b.frames.size() > 20, "about half of " + sent + " lost: " + lost);
        assertTrue(b.offloaded.stream().noneMatch(o -> o));
    }

    @Test
    void aSwitchFloodsTheSuperFrameWholeAndEachPortResolvesForItsOwnNode() {
        io.tapnet.link.Switch sw = new io.tapnet.link.Switch(loop, "s1");
        Recorder takes = new Recorder(true);
        Recorder plain = new Recorder(false);
        Port source = new Port(loop, "a", "eth0", sender);
        Link.connect(source, sw.addPort("p1"));
        Link.connect(new Port(loop, "b", "eth0", takes), sw.addPort("p2"));
        Link.connect(new Port(loop, "c", "eth0", plain), sw.addPort("p3"));
        Tcp t = tcp(ACK | PSH, 1); // to B_MAC, which the switch has not learned: flooded
        byte[] payload = randomPayload(PAYLOAD, 19);
        source.transmit(OffloadFrames.tsoFrame(loop, t, payload, MSS));
        loop.runFor(0);
        assertEquals(1, sw.flooded());
        assertEquals(1, takes.frames.size(), "an offloading node gets the super-frame");
        assertTrue(takes.gso.get(0));
        assertEquals(Frames.hex(OffloadFrames.superFrame(t, payload)), Frames.hex(takes.frames.get(0)));
        assertWireSegmentsOf(payload, plain);
        assertEquals(0, loop.offloadErrors());
        for (FramePool p : List.of(loop.pool(), loop.largePool())) {
            assertEquals(p.allocated(), p.retained());
        }
    }

    // ------------------------------------------------------------------ captures

    /** Wireshark's PROTO_CHECKSUM_E_GOOD: the checksum was verified and is right. */
    static final String GOOD = "1";

    @TempDir
    Path dir;

    /** Sends one TSO super-frame and one UDP frame with a partial checksum over a captured link. */
    Recorder captureTraffic(Path file, boolean segments, Tcp t, byte[] payload, byte[] udp) throws IOException {
        Recorder b = new Recorder(true);
        Link link = cable(b);
        LinkCapture capture = new LinkCapture(link, file, segments);
        link.setObserver(capture);
        link.a().transmit(OffloadFrames.tsoFrame(loop, t, payload, MSS));
        link.a().transmit(needsChecksum(partialUdp(udp), L4, UDP_CHECKSUM_OFFSET));
        loop.runFor(0);
        capture.close();
        // The capture never changes what travels on.
        assertEquals(2, b.frames.size());
        assertEquals(Frames.hex(OffloadFrames.superFrame(t, payload)), Frames.hex(b.frames.get(0)));
        assertEquals(Frames.hex(partialUdp(udp)), Frames.hex(b.frames.get(1)));
        assertTrue(b.gso.get(0) && b.offloaded.get(1));
        for (FramePool p : List.of(loop.pool(), loop.largePool())) {
            assertEquals(p.allocated(), p.retained(), "the capture's copies went back");
        }
        return b;
    }

    @Test
    void aSegmentingCaptureWritesTheWireSegments() throws IOException {
        Path file = dir.resolve("segments.pcapng");
        byte[] payload = randomPayload(PAYLOAD, 12);
        byte[] udp = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1, 2, randomPayload(77, 13));
        captureTraffic(file, true, tcp(ACK | PSH | CWR, 1), payload, udp);
        Tshark.assertCleanCapture(file);
        List<String> lines = Tshark.decode(file, "frame.len", "tcp.len", "tcp.seq_raw", "ip.id", "udp.checksum.status");
        assertEquals(8, lines.size(), String.join("\n", lines));
        long tcpBytes = 0;
        for (int i = 0; i < 7; i++) {
            String[] c = lines.get(i).split("\t", -1);
            assertTrue(Integer.parseInt(c[0]) <= 1514, lines.get(i));
            tcpBytes += Long.parseLong(c[1]);
            assertEquals((SEQ + (long) i * MSS) & 0xffffffffL, Long.parseLong(c[2]), lines.get(i));
            assertEquals(Integer.toString(1 + i), c[3].startsWith("0x") ? Integer.toString(Integer.parseInt(
                    c[3].substring(2), 16)) : c[3], lines.get(i));
        }
        assertEquals(PAYLOAD, tcpBytes);
        assertEquals(udp.length, Integer.parseInt(lines.get(7).split("\t", -1)[0]));
        assertEquals(GOOD, lines.get(7).split("\t", -1)[4], "tshark verified the completed UDP checksum: " + lines.get(7));
    }

    @Test
    void aWholeFrameCaptureWritesTheSuperFrameWithAValidChecksum() throws IOException {
        Path file = dir.resolve("whole.pcapng");
        byte[] payload = randomPayload(PAYLOAD, 14);
        byte[] udp = Frames.udpFrame(B_MAC, A_MAC, A, B, 64, 1, 2, randomPayload(77, 15));
        captureTraffic(file, false, tcp(ACK | PSH, 1), payload, udp);
        Tshark.assertCleanCapture(file);
        List<String> lines = Tshark.decode(file, "frame.len", "tcp.len", "tcp.checksum.status", "udp.checksum.status");
        assertEquals(2, lines.size(), String.join("\n", lines));
        String[] tcp = lines.get(0).split("\t", -1);
        assertEquals(HEADERS + PAYLOAD, Integer.parseInt(tcp[0]));
        assertEquals(PAYLOAD, Integer.parseInt(tcp[1]));
        assertEquals(GOOD, tcp[2], "tshark verified the checksum over the whole super-frame: " + lines.get(0));
        assertEquals(GOOD, lines.get(1).split("\t", -1)[3], lines.get(1));
    }
}
