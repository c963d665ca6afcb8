package io.tapnet.ip.filter;

import static io.tapnet.testing.Frames.ip;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.testing.Frames;
import io.tapnet.testing.StepHarness;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * A node with a firewall between two test wires, one neighbour on each side already resolved both
 * ways, in virtual time:
 *
 * <pre>
 *   inside (h1 10.0.1.10) --- eth0 10.0.1.1/24  node  eth1 10.0.2.1/24 --- outside (h2 10.0.2.20)
 * </pre>
 *
 * A router forwards between them; a host (forwarding off) only talks to them.
 */
final class FilterRig {
    static final long H1_MAC = 0x02_00_00_00_01_0aL;
    static final long H2_MAC = 0x02_00_00_00_02_14L;
    static final long E0_MAC = 0x02_00_00_00_00_01L;
    static final long E1_MAC = 0x02_00_00_00_00_02L;
    static final int H1 = ip("10.0.1.10");
    static final int H2 = ip("10.0.2.20");
    static final int E0 = ip("10.0.1.1");
    static final int E1 = ip("10.0.2.1");
    static final long SECOND = 1_000_000_000L;

    final EventLoop loop = EventLoop.virtual();
    final Ipv4Stack stack;
    final Firewall firewall;
    final StepHarness inside;
    final StepHarness outside;

    FilterRig(boolean router, ConnTrackConfig config) {
        stack = new Ipv4Stack(loop, router ? "r1" : "h0", router);
        IpInterface e0 = stack.addInterface("eth0", E0_MAC, E0, 24, 1500);
        IpInterface e1 = stack.addInterface("eth1", E1_MAC, E1, 24, 1500);
        firewall = new Firewall(stack, config).install();
        inside = StepHarness.attach(e0.port());
        outside = StepHarness.attach(e1.port());
        inside.advance(Duration.ofMillis(50)); // the node announces its addresses shortly after link-up
        inside.drain();
        outside.drain();
        inside.receive(Frames.arpRequest(H1_MAC, H1, E0)).drain();
        outside.receive(Frames.arpRequest(H2_MAC, H2, E1)).drain();
    }

    /** Lets the node resolve another inside neighbour, as if it had asked. */
    void resolveInside(long mac, int address) {
        inside.receive(Frames.arpRequest(mac, address, E0)).drain();
    }

    /** Both neighbours ask for the node again, so its ARP entries are fresh after a long advance. */
    void refreshNeighbours() {
        inside.receive(Frames.arpRequest(H1_MAC, H1, E0)).drain();
        outside.receive(Frames.arpRequest(H2_MAC, H2, E1)).drain();
    }

    static FilterRig router() {
        return new FilterRig(true, ConnTrackConfig.DEFAULT);
    }

    static FilterRig router(ConnTrackConfig config) {
        return new FilterRig(true, config);
    }

    long now() {
        return loop.now();
    }

    void advanceSeconds(long seconds) {
        inside.advance(Duration.ofSeconds(seconds));
    }

    // ------------------------------------------------------------------ frames

    /** A UDP datagram from h1 (inside) to {@code dst}, as h1 puts it on the wire to eth0. */
    static byte[] udpFromInside(int dst, int sport, int dport, byte[] data) {
        return Frames.udpFrame(E0_MAC, H1_MAC, H1, dst, 64, sport, dport, data);
    }

    /** A UDP datagram from h2 (outside) to {@code dst}, as h2 puts it on the wire to eth1. */
    static byte[] udpFromOutside(int src, int dst, int sport, int dport, byte[] data) {
        return Frames.udpFrame(E1_MAC, H2_MAC, src, dst, 64, sport, dport, data);
    }

    static byte[] pingFromInside(int dst, int id, int seq) {
        return Frames.echoRequest(E0_MAC, H1_MAC, H1, dst, 64, id, seq, 56);
    }

    static byte[] pingFromOutside(int dst, int id, int seq) {
        return Frames.echoRequest(E1_MAC, H2_MAC, H2, dst, 64, id, seq, 56);
    }

    /** An echo reply from {@code src} to {@code dst} with its pattern data, sent by h2 to eth1. */
    static byte[] echoReplyFromOutside(int src, int dst, int id, int seq) {
        byte[] l4 = Frames.icmp(IcmpHeader.echoReply(id, seq), Frames.pattern(56));
        return Frames.ipv4(E1_MAC, H2_MAC, Frames.header(Ipv4View.PROTO_ICMP, src, dst, l4.length, 0x3000 + seq, 64,
                false), l4);
    }

    /** A TCP segment with the given flags and no data. */
    static byte[] tcp(long dstMac, long srcMac, int src, int dst, int sport, int dport, int flags) {
        byte[] l4 = new byte[20];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.putShort(0, (short) sport);
        b.putShort(2, (short) dport);
        b.putInt(4, 1000);
        b.putInt(8, (flags & 0x10) != 0 ? 2000 : 0);
        b.put(12, (byte) 0x50);
        b.put(13, (byte) flags);
        b.putShort(14, (short) 65535);
        int sum = InternetChecksum.sum(b, 0, 20, InternetChecksum.pseudoHeaderSum(src, dst, 6, 20));
        b.putShort(16, (short) InternetChecksum.fold(sum));
        return Frames.ipv4(dstMac, srcMac, Frames.header(Ipv4View.PROTO_TCP, src, dst, 20, 0x4000, 64, true), l4);
    }

    static byte[] tcpFromInside(int dst, int sport, int dport, int flags) {
        return tcp(E0_MAC, H1_MAC, H1, dst, sport, dport, flags);
    }

    static byte[] tcpFromOutside(int src, int dst, int sport, int dport, int flags) {
        return tcp(E1_MAC, H2_MAC, src, dst, sport, dport, flags);
    }

    // ------------------------------------------------------------------ what the node sent

    /** The next IPv4 frame the node sent on {@code h}, skipping ARP (announcements, refreshes). */
    static byte[] nextIp(StepHarness h) {
        return h.expectEventually("an IPv4 frame", Frames::isIpv4);
    }

    /** The node sent no (more) IPv4 frame on {@code h}; ARP does not count. */
    static void noIp(StepHarness h) {
        List<byte[]> ip = ipFrames(h);
        if (!ip.isEmpty()) {
            throw new AssertionError(h.nodePort().fullName() + " sent " + ip.size() + " unexpected IPv4 frame(s), first: "
                    + Frames.hex(ip.get(0)));
        }
    }

    /** Every IPv4 frame the node sent on {@code h} and not yet taken. */
    static List<byte[]> ipFrames(StepHarness h) {
        return h.drain().stream().filter(Frames::isIpv4).toList();
    }

    // ------------------------------------------------------------------ reading

    static Ipv4View ipOf(byte[] frame) {
        return Frames.ipOf(frame);
    }

    static int sourcePort(byte[] frame) {
        Ipv4View v = ipOf(frame);
        return ByteBuffer.wrap(frame).getShort(v.payloadOffset()) & 0xffff;
    }

    static int destinationPort(byte[] frame) {
        Ipv4View v = ipOf(frame);
        return ByteBuffer.wrap(frame).getShort(v.payloadOffset() + 2) & 0xffff;
    }

    static int icmpId(byte[] frame) {
        return Frames.icmpOf(frame).identifier();
    }

    /**
     * True when the IPv4 header checksum and the transport checksum (TCP, UDP with pseudo-header, or
     * ICMP) equal a full recomputation: what incremental updates must preserve.
     */
    static boolean checksumsRecompute(byte[] frame) {
        if (!Frames.ipChecksumMatchesRecomputation(frame)) {
            return false;
        }
        Ipv4View v = ipOf(frame);
        ByteBuffer b = ByteBuffer.wrap(frame.clone());
        int at = v.payloadOffset();
        int len = v.payloadLength();
        return switch (v.protocol()) {
            case Ipv4View.PROTO_ICMP -> Frames.icmpChecksumMatchesRecomputation(frame);
            case Ipv4View.PROTO_UDP, Ipv4View.PROTO_TCP -> {
                int field = at + (v.protocol() == Ipv4View.PROTO_UDP ? 6 : 16);
                int stored = b.getShort(field) & 0xffff;
                if (v.protocol() == Ipv4View.PROTO_UDP && stored == 0) {
                    yield true;
                }
                b.putShort(field, (short) 0);
                int sum = InternetChecksum.sum(b, at, len,
                        InternetChecksum.pseudoHeaderSum(v.source(), v.destination(), v.protocol(), len));
                int computed = InternetChecksum.fold(sum);
                if (v.protocol() == Ipv4View.PROTO_UDP && computed == 0) {
                    computed = 0xffff;
                }
                yield computed == stored;
            }
            default -> true;
        };
    }

    /** The ICMP type and code of an ICMP frame, as "type/code". */
    static String icmpTypeCode(byte[] frame) {
        IcmpView v = Frames.icmpOf(frame);
        return v.type() + "/" + v.code();
    }
}
