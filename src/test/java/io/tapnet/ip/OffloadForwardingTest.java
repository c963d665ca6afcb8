package io.tapnet.ip;

import static io.tapnet.testing.Frames.ip;
import static io.tapnet.testing.OffloadFrames.ACK;
import static io.tapnet.testing.OffloadFrames.ETH;
import static io.tapnet.testing.OffloadFrames.PSH;
import static io.tapnet.testing.OffloadFrames.bytes;
import static io.tapnet.testing.OffloadFrames.ipChecksumValid;
import static io.tapnet.testing.OffloadFrames.ipTotalLength;
import static io.tapnet.testing.OffloadFrames.tcpPayload;
import static io.tapnet.testing.OffloadFrames.tcpSeq;
import static io.tapnet.testing.OffloadFrames.transportChecksumValid;
import static io.tapnet.testing.OffloadFrames.ttl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.FramePool;
import io.tapnet.phy.Link;
import io.tapnet.phy.Offload;
import io.tapnet.phy.Port;
import io.tapnet.testing.Frames;
import io.tapnet.testing.OffloadFrames;
import io.tapnet.testing.OffloadFrames.Tcp;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4View;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A router in virtual time with TCP super-frames (as a Linux host behind an offloading TAP sends
 * them) arriving on one port: forwarded whole when each wire segment fits the egress MTU (only the
 * TTL changes, as Linux's {@code skb_gso_validate_network_len} allows), "fragmentation needed" when
 * not and DF is set, segmented and then fragmented when DF is clear, and cut into wire segments
 * before the router's own delivery and before its filter.
 *
 * <pre>
 *   lan (h1 10.0.1.10) --- eth0 10.0.1.1/24   r1   eth1 10.0.2.1/24 (1500) --- far (h2 10.0.2.10)
 *                                                  eth2 10.0.3.1/24 (1280) --- narrow (h3 10.0.3.10)
 * </pre>
 */
class OffloadForwardingTest {
    static final long H1_MAC = 0x02_00_00_00_01_0aL;
    static final long H2_MAC = 0x02_00_00_00_02_0aL;
    static final long H3_MAC = 0x02_00_00_00_03_0aL;
    static final long R0_MAC = 0x02_00_00_00_00_01L;
    static final long R1_MAC = 0x02_00_00_00_00_02L;
    static final long R2_MAC = 0x02_00_00_00_00_03L;
    static final int H1 = ip("10.0.1.10");
    static final int H2 = ip("10.0.2.10");
    static final int H3 = ip("10.0.3.10");
    static final int R0 = ip("10.0.1.1");
    static final int R1 = ip("10.0.2.1");
    static final int R2 = ip("10.0.3.1");
    static final int MSS = 1448;
    static final int PAYLOAD = 10_000;
    static final long SEQ = 1_000_000L;

    final EventLoop loop = EventLoop.virtual();
    final Ipv4Stack router = new Ipv4Stack(loop, "r1", true);
    final Wire lan;
    final Wire far;
    final Wire narrow;

    /**
     * A test cable to one router port; keeps every frame the router sends on it (still pooled, with
     * its offload state). {@code takesOffloads} plays a node that accepts offloads, like an
     * offloading TAP, so the port hands it super-frames as they are.
     */
    final class Wire implements FrameHandler {
        final Port port;
        final boolean takesOffloads;
        final List<Frame> frames = new ArrayList<>();

        Wire(IpInterface iface, boolean takesOffloads, long hostMac, int host) {
            this.takesOffloads = takesOffloads;
            this.port = new Port(loop, "test-" + iface.name(), iface.name(), this);
            Link.connect(port, iface.port());
            send(Frames.arpRequest(hostMac, host, iface.address())); // the router learns the host
            loop.runFor(0);
            clear(); // gratuitous ARP and the reply
        }

        @Override
        public boolean acceptsOffloads() {
            return takesOffloads;
        }

        @Override
        public void onFrame(Port p, Frame frame) {
            frames.add(frame);
        }

        void send(byte[] frame) {
            port.transmit(OffloadFrames.frame(loop, frame));
        }

        void send(Frame frame) {
            port.transmit(frame);
        }

        List<byte[]> bytesOf() {
            return frames.stream().map(OffloadFrames::bytes).toList();
        }

        void clear() {
            frames.forEach(Frame::release);
            frames.clear();
        }
    }

    OffloadForwardingTest() {
        IpInterface e0 = router.addInterface("eth0", R0_MAC, R0, 24, 1500);
        IpInterface e1 = router.addInterface("eth1", R1_MAC, R1, 24, 1500);
        IpInterface e2 = router.addInterface("eth2", R2_MAC, R2, 24, 1280);
        lan = new Wire(e0, false, H1_MAC, H1);
        far = new Wire(e1, true, H2_MAC, H2);
        narrow = new Wire(e2, true, H3_MAC, H3);
    }

    @AfterEach
    void everyFrameWentBack() {
        lan.clear();
        far.clear();
        narrow.clear();
        assertEquals(0, loop.handlerErrors());
        for (FramePool p : List.of(loop.pool(), loop.largePool())) {
            assertEquals(p.allocated(), p.retained(), "a frame was lost or kept");
        }
    }

    static Tcp toward(int destination, boolean dontFragment) {
        return new Tcp(R0_MAC, H1_MAC, H1, destination, 40000, 5201, SEQ, 777, ACK | PSH, 0x4000, dontFragment, 64);
    }

    static byte[] randomPayload(long seed) {
        byte[] p = new byte[PAYLOAD];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** The super-frame as a router forwards it: new MACs, TTL one less, header checksum updated. */
    static byte[] forwarded(byte[] in, long dstMac, long srcMac) {
        return Frames.withMacs(Frames.withTtl(in, (in[ETH + 8] & 0xff) - 1), dstMac, srcMac);
    }

    long counter(String name) {
        return router.counters().get(name);
    }

    // ------------------------------------------------------------------ forwarding whole

    @Test
    void aSuperFrameWhoseSegmentsFitTheEgressIsForwardedWhole() {
        Tcp t = toward(H2, true);
        byte[] payload = randomPayload(1);
        byte[] in = OffloadFrames.superFrame(t, payload);
        lan.send(OffloadFrames.tsoFrame(loop, t, payload, MSS));
        loop.runFor(0);

        assertEquals(1, far.frames.size(), "one super-frame, not segments");
        Frame out = far.frames.get(0);
        assertTrue(out.isGso(), "still a super-frame");
        assertEquals(MSS, out.gsoSize());
        byte[] b = bytes(out);
        assertEquals(63, ttl(b));
        assertTrue(ipChecksumValid(b), "IPv4 header checksum after the TTL decrement");
        assertEquals(Frames.hex(forwarded(in, H2_MAC, R1_MAC)), Frames.hex(b),
                "only MACs, TTL and header checksum change; the partial TCP checksum travels on");
        assertEquals(1, counter("IpForwDatagrams"));
        assertEquals(List.of(), lan.bytesOf(), "no ICMP error");
        assertEquals(0, loop.offloadErrors());

        // What the next offloading device does with it: the segments are sound, with the new TTL.
        far.frames.clear();
        List<byte[]> segments = new ArrayList<>();
        assertEquals(7, Offload.resolve(loop, out, s -> {
            segments.add(bytes(s));
            s.release();
        }));
        for (byte[] s : segments) {
            assertEquals(63, ttl(s));
            assertTrue(ipChecksumValid(s) && transportChecksumValid(s));
        }
        assertArrayEquals(payload, join(segments));
    }

    @Test
    void toANodeThatTakesNoOffloadsTheRouterPortHandsWireSegments() {
        // eth1 again, but the far end takes no offloads: its port cuts the forwarded super-frame.
        EventLoop l = EventLoop.virtual();
        Ipv4Stack r = new Ipv4Stack(l, "r9", true);
        IpInterface e0 = r.addInterface("eth0", R0_MAC, R0, 24, 1500);
        IpInterface e1 = r.addInterface("eth1", R1_MAC, R1, 24, 1500);
        List<byte[]> got = new ArrayList<>();
        List<Boolean> offloaded = new ArrayList<>();
        Port lanPort = new Port(l, "h1", "eth0", (p, f) -> f.release());
        Port farPort = new Port(l, "h2", "eth0", (p, f) -> {
            got.add(bytes(f));
            offloaded.add(f.isOffloaded());
            f.release();
        });
        Link.connect(lanPort, e0.port());
        Link.connect(farPort, e1.port());
        farPort.transmit(OffloadFrames.frame(l, Frames.arpRequest(H2_MAC, H2, R1)));
        l.runFor(0);
        got.clear();
        offloaded.clear();
        byte[] payload = randomPayload(2);
        lanPort.transmit(OffloadFrames.tsoFrame(l, toward(H2, true), payload, MSS));
        l.runFor(0);
        assertEquals(7, got.size());
        assertFalse(offloaded.contains(true));
        for (byte[] s : got) {
            assertEquals(63, ttl(s));
            assertTrue(s.length <= 1514 && ipChecksumValid(s) && transportChecksumValid(s));
        }
        assertArrayEquals(payload, join(got));
        assertEquals(0, l.offloadErrors());
    }

    // ------------------------------------------------------------------ too big

    @Test
    void withDfASegmentTooBigForTheEgressGetsFragmentationNeededAndNothingIsForwarded() {
        Tcp t = toward(H3, true);
        byte[] in = OffloadFrames.superFrame(t, randomPayload(3));
        lan.send(OffloadFrames.tsoFrame(loop, t, randomPayload(3), MSS));
        loop.runFor(0);

        assertEquals(List.of(), narrow.bytesOf(), "nothing crosses the 1280-byte link");
        List<byte[]> back = lan.bytesOf();
        assertEquals(1, back.size(), "one ICMP error for the super-frame");
        byte[] error = back.get(0);
        assertEquals(H1_MAC, Frames.destinationMac(error));
        Ipv4View v = Frames.ipOf(error);
        assertEquals(R0, v.source());
        assertEquals(H1, v.destination());
        IcmpView icmp = Frames.icmpOf(error);
        assertEquals(IcmpView.TYPE_DEST_UNREACHABLE, icmp.type());
        assertEquals(IcmpView.CODE_FRAGMENTATION_NEEDED, icmp.code());
        assertEquals(1280, icmp.nextHopMtu());
        assertTrue(Frames.icmpChecksumMatchesRecomputation(error));
        // RFC 792: the quote starts with the datagram's IP header as sent (TTL 64) and its first 8 bytes.
        byte[] quote = Arrays.copyOfRange(error, ETH + 20 + 8, error.length);
        assertTrue(quote.length >= 28, "quote of " + quote.length + " bytes");
        assertEquals(Frames.hex(Arrays.copyOfRange(in, ETH, ETH + 28)), Frames.hex(Arrays.copyOf(quote, 28)));
        assertEquals(0, counter("IpForwDatagrams"));
        assertEquals(1, counter("IpFragFails"));
    }

    @Test
    void theMtuCheckIsPerSegmentRightAtTheBoundary() {
        int fits = 1280 - 20 - OffloadFrames.TCP_HEADER; // 1228 bytes of payload per segment
        lan.send(OffloadFrames.tsoFrame(loop, toward(H3, true), randomPayload(4), fits));
        loop.runFor(0);
        assertEquals(1, narrow.frames.size(), "segments of exactly 1280 bytes fit");
        assertTrue(narrow.frames.get(0).isGso());
        assertEquals(List.of(), lan.bytesOf());

        lan.send(OffloadFrames.tsoFrame(loop, toward(H3, true), randomPayload(5), fits + 1));
        loop.runFor(0);
        assertEquals(1, narrow.frames.size(), "one byte more does not");
        List<byte[]> back = lan.bytesOf();
        assertEquals(1, back.size());
        assertEquals(IcmpView.CODE_FRAGMENTATION_NEEDED, Frames.icmpOf(back.get(0)).code());
    }

    @Test
    void withoutDfTheSuperFrameIsSegmentedAndEachSegmentFragmented() {
        Tcp t = toward(H3, false);
        byte[] payload = randomPayload(6);
        lan.send(OffloadFrames.tsoFrame(loop, t, payload, MSS));
        loop.runFor(0);

        assertEquals(List.of(), lan.bytesOf(), "no ICMP error without DF");
        List<byte[]> fragments = narrow.bytesOf();
        assertFalse(narrow.frames.stream().anyMatch(Frame::isOffloaded), "fragments are wire frames");
        assertEquals(14, fragments.size(), "7 segments of up to 1500 bytes, 2 fragments each");
        Map<Integer, List<byte[]>> byId = new TreeMap<>();
        for (byte[] f : fragments) {
            assertTrue(f.length <= ETH + 1280, "fits the MTU: " + f.length);
            assertTrue(ipChecksumValid(f));
            assertEquals(63, ttl(f));
            byId.computeIfAbsent(OffloadFrames.ipId(f), k -> new ArrayList<>()).add(f);
        }
        assertEquals(7, byId.size(), "one IP identification per segment");
        List<byte[]> segments = new ArrayList<>();
        for (List<byte[]> parts : byId.values()) {
            segments.add(reassemble(parts));
        }
        segments.sort(Comparator.comparingLong(OffloadFrames::tcpSeq));
        for (int i = 0; i < segments.size(); i++) {
            assertEquals(SEQ + (long) i * MSS, tcpSeq(segments.get(i)));
            assertTrue(transportChecksumValid(segments.get(i)), "segment " + i + " reassembled");
        }
        assertArrayEquals(payload, join(segments));
        assertEquals(7, counter("IpFragOKs"));
        assertEquals(14, counter("IpFragCreates"));
        assertEquals(0, loop.offloadErrors());
    }

    /** Puts fragments of one datagram back together as a frame with a 20-byte IP header. */
    static byte[] reassemble(List<byte[]> parts) {
        parts.sort(Comparator.comparingInt(f -> (OffloadFrames.u16(f, ETH + 6) & 0x1fff) * 8));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] f : parts) {
            int offset = (OffloadFrames.u16(f, ETH + 6) & 0x1fff) * 8;
            assertEquals(data.size(), offset, "fragments are contiguous");
            data.write(f, ETH + 20, ipTotalLength(f) - 20);
        }
        byte[] last = parts.get(parts.size() - 1);
        assertEquals(0, OffloadFrames.u16(last, ETH + 6) & 0x2000, "the last fragment has MF clear");
        byte[] whole = new byte[ETH + 20 + data.size()];
        System.arraycopy(parts.get(0), 0, whole, 0, ETH + 20);
        System.arraycopy(data.toByteArray(), 0, whole, ETH + 20, data.size());
        ByteBuffer.wrap(whole).putShort(ETH + 2, (short) (20 + data.size()));
        ByteBuffer.wrap(whole).putShort(ETH + 6, (short) 0);
        return whole;
    }

    // ------------------------------------------------------------------ the router itself

    @Test
    void aSuperFrameForTheRouterItselfIsDeliveredAsWireSegments() {
        List<byte[]> delivered = new ArrayList<>();
        List<Boolean> offloaded = new ArrayList<>();
        router.registerProtocol(Ipv4View.PROTO_TCP, (in, frame, ipView) -> {
            delivered.add(bytes(frame));
            offloaded.add(frame.isOffloaded());
            frame.release();
        });
        byte[] payload = randomPayload(7);
        Tcp t = toward(R0, true);
        lan.send(OffloadFrames.tsoFrame(loop, t, payload, MSS));
        loop.runFor(0);

        assertEquals(7, delivered.size(), "the router's TCP sees each wire segment");
        assertFalse(offloaded.contains(true));
        for (int i = 0; i < delivered.size(); i++) {
            byte[] s = delivered.get(i);
            assertEquals(SEQ + (long) i * MSS, tcpSeq(s), "in order");
            assertEquals(64, ttl(s), "delivered, not forwarded");
            assertTrue(ipChecksumValid(s) && transportChecksumValid(s), "segment " + i);
        }
        assertArrayEquals(payload, join(delivered));
        assertEquals(7, counter("IpInDelivers"));
        assertEquals(0, counter("IpForwDatagrams"));
        assertEquals(List.of(), far.bytesOf());
    }

    @Test
    void aSuperFrameForAnotherAddressOfTheRouterIsDeliveredToo() {
        List<byte[]> delivered = new ArrayList<>();
        router.registerProtocol(Ipv4View.PROTO_TCP, (in, frame, ipView) -> {
            assertFalse(frame.isOffloaded());
            delivered.add(bytes(frame));
            frame.release();
        });
        lan.send(OffloadFrames.tsoFrame(loop, toward(R1, true), randomPayload(8), MSS));
        loop.runFor(0);
        assertEquals(7, delivered.size());
        assertTrue(delivered.stream().allMatch(s -> transportChecksumValid(s)));
        assertEquals(List.of(), far.bytesOf());
    }

    @Test
    void aFilterSeesOnlyWireSegments() {
        List<Boolean> offloaded = new ArrayList<>();
        router.setFilter(new PacketFilter() {
            int seen(Frame frame) {
                offloaded.add(frame.isOffloaded());
                return ACCEPT;
            }

            @Override
            public int prerouting(IpInterface in, Frame frame, Ipv4View ip, long now) {
                return seen(frame);
            }

            @Override
            public int input(IpInterface in, Frame frame, Ipv4View ip, long now) {
                return seen(frame);
            }

            @Override
            public int forward(IpInterface in, IpInterface out, Frame frame, Ipv4View ip, long now) {
                return seen(frame);
            }

            @Override
            public int output(IpInterface out, Frame frame, Ipv4View ip, long now) {
                return seen(frame);
            }

            @Override
            public int postrouting(IpInterface out, Frame frame, Ipv4View ip, long now) {
                return seen(frame);
            }
        });
        byte[] payload = randomPayload(9);
        lan.send(OffloadFrames.tsoFrame(loop, toward(H2, true), payload, MSS));
        loop.runFor(0);
        assertFalse(offloaded.isEmpty());
        assertFalse(offloaded.contains(true), "a filter (NAT rewrites ports) never sees a super-frame");
        assertEquals(7, far.frames.size(), "behind a filter the far side gets wire segments");
        assertFalse(far.frames.stream().anyMatch(Frame::isOffloaded));
        List<byte[]> segments = far.bytesOf();
        for (byte[] s : segments) {
            assertEquals(63, ttl(s));
            assertTrue(ipChecksumValid(s) && transportChecksumValid(s));
        }
        assertArrayEquals(payload, join(segments));
        assertEquals(7, counter("IpForwDatagrams"));
    }

    @Test
    void aSuperFrameTooShortToHoldItsTcpHeaderIsDroppedAndCountedNotForwarded() {
        byte[] frame = OffloadFrames.superFrame(toward(H2, true), randomPayload(10));
        byte[] bad = Frames.fixIpChecksum(Arrays.copyOf(frame, ETH + 28));
        ByteBuffer.wrap(bad).putShort(ETH + 2, (short) 28); // a valid IPv4 header, 8 bytes of "TCP"
        Frames.fixIpChecksum(bad);
        Frame f = OffloadFrames.frame(loop, bad);
        OffloadFrames.markTso(f, MSS, false);
        lan.send(f);
        loop.runFor(0);
        assertEquals(List.of(), far.bytesOf());
        assertEquals(List.of(), lan.bytesOf());
        assertEquals(1, loop.offloadErrors());
        assertEquals(0, counter("IpForwDatagrams"));
    }

    @Test
    void aSuperFrameWithoutASegmentSizeIsDroppedAndCountedNotForwardedWhole() {
        Tcp t = toward(H2, true);
        Frame f = OffloadFrames.tsoFrame(loop, t, randomPayload(3), MSS);
        Offload.setGso(f, Offload.GSO_TCPV4, 0, 0); // gso_size 0: no segment would ever fit a wire
        lan.send(f);
        loop.runFor(0);
        assertEquals(List.of(), far.bytesOf());
        assertEquals(1, loop.offloadErrors());
        assertEquals(0, counter("IpForwDatagrams"));
    }

    @Test
    void aResolvedSuperFrameIsCountedOncePerSegmentReceived() {
        long before = counter("IpInReceives");
        lan.send(OffloadFrames.tsoFrame(loop, toward(R0, true), randomPayload(4), MSS));
        loop.runFor(0);
        assertEquals(before + 7, counter("IpInReceives"), "the 7 wire segments, not the super-frame too");
    }

    static byte[] join(List<byte[]> segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        segments.forEach(s -> out.writeBytes(tcpPayload(s)));
        return out.toByteArray();
    }
}
