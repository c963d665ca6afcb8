package io.tapnet.ip;

import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.link.Switch;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Link;
import io.tapnet.phy.Port;
import io.tapnet.testing.Frames;
import io.tapnet.transport.TransportException;
import io.tapnet.transport.tcp.TcpEndpoint;
import io.tapnet.transport.tcp.TcpLayer;
import io.tapnet.transport.tcp.TcpListener;
import io.tapnet.transport.udp.UdpEndpoint;
import io.tapnet.transport.udp.UdpLayer;
import io.tapnet.wire.TcpView;
import io.tapnet.wire.ArpPacket;
import io.tapnet.wire.ArpView;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Header;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames into a switch, a router and a Java host, through test ports, in virtual
 * time with a fixed seed. Nothing may throw, every drop is counted under its reason, no frame may leak,
 * the pools stay small, and afterwards the network still works end to end.
 *
 * <p>Every node has UDP and TCP as the network builder gives them, with a TCP listener and a UDP
 * socket on h1 and r1. The far end of each fuzz port answers ARP for its own address and remembers
 * the SYN-ACKs it gets, so that part of the fuzz completes handshakes and then throws in-window and
 * out-of-window data, FINs, RSTs and duplicate SYNs at established connections.
 *
 * <pre>
 *   fuzzS -- s1 --+-- h1 eth0 10.0.1.10/24        h1 eth1 10.9.1.10/24 -- fuzzH
 *                 +-- r1 eth0 10.0.1.1/24  r1 eth1 10.0.2.1/24 -- h2 10.0.2.10/24
 *                                          r1 eth2 10.9.2.1/24 -- fuzzR
 * </pre>
 */
class NodeFuzzTest {
    static final long H1_ETH0 = 0x02_00_00_00_01_01L;
    static final long H1_ETH1 = 0x02_00_00_00_01_02L;
    static final long R1_ETH0 = 0x02_00_00_00_0a_01L;
    static final long R1_ETH1 = 0x02_00_00_00_0a_02L;
    static final long R1_ETH2 = 0x02_00_00_00_0a_03L;
    static final long H2_ETH0 = 0x02_00_00_00_02_01L;
    static final int FRAMES = 100_000;
    static final long STEP_NANOS = 100_000;
    static final long SECOND = 1_000_000_000L;

    static final long PEER_MAC = 0x02_00_00_00_99_99L;
    static final int H1_PEER = ip("10.9.1.20");
    static final int R1_PEER = ip("10.9.2.20");
    static final int LISTEN_PORT = 80;
    static final int SSH_PORT = 22;

    /** A TCP connection the fuzzer opened: what it sends next and what it acknowledges. */
    static final class Flow {
        int node;
        int peer;
        int nodePort;
        int peerPort;
        /** The fuzzer's next sequence number, and the node's next one (what the fuzzer acknowledges). */
        long nextSeq;
        long nextAck;
    }

    /**
     * A fuzz port's far end: counts and releases what the node sends, answers ARP for the fuzzer's
     * own addresses, and records SYN-ACKs so that the generator can complete handshakes.
     */
    final class Peer implements FrameHandler {
        long frames;
        final List<Flow> flows = new ArrayList<>();

        @Override
        public void onFrame(Port port, Frame frame) {
            frames++;
            ByteBuffer b = frame.buffer();
            int off = frame.offset();
            int type = frame.length() >= 42 ? b.getShort(off + 12) & 0xffff : 0;
            if (type == EthernetView.ETHERTYPE_ARP && b.getShort(off + 20) == ArpView.OP_REQUEST) {
                int target = b.getInt(off + 38);
                if (target == H1_PEER || target == R1_PEER) {
                    long asker = MacAddress.read(b, off + 22);
                    int askerIp = b.getInt(off + 28);
                    byte[] reply = Frames.arpReply(PEER_MAC, target, asker, askerIp);
                    frame.release();
                    Frame r = loop.pool().acquire();
                    r.setLength(reply.length);
                    r.buffer().put(r.offset(), reply);
                    port.transmit(r);
                    return;
                }
            }
            if (type == EthernetView.ETHERTYPE_IPV4 && frame.length() >= 54 && (b.get(off + 23) & 0xff) == 6) {
                int tcp = off + 14 + (b.get(off + 14) & 0x0f) * 4;
                int flags = b.get(tcp + 13) & 0xff;
                if ((flags & (TcpView.SYN | TcpView.ACK)) == (TcpView.SYN | TcpView.ACK) && flows.size() < 64
                        && tcp + 20 <= off + frame.length()) {
                    Flow f = new Flow();
                    f.node = b.getInt(off + 26);
                    f.peer = b.getInt(off + 30);
                    f.nodePort = b.getShort(tcp) & 0xffff;
                    f.peerPort = b.getShort(tcp + 2) & 0xffff;
                    f.nextAck = ((b.getInt(tcp + 4) & 0xffffffffL) + 1) & 0xffffffffL;
                    f.nextSeq = b.getInt(tcp + 8) & 0xffffffffL;
                    flows.add(f);
                }
            }
            frame.release();
        }
    }

    final EventLoop loop = EventLoop.virtual();
    final Switch s1 = new Switch(loop, "s1", 1024, 300 * SECOND);
    final Ipv4Stack h1 = new Ipv4Stack(loop, "h1", false);
    final Ipv4Stack r1 = new Ipv4Stack(loop, "r1", true);
    final Ipv4Stack h2 = new Ipv4Stack(loop, "h2", false);
    final Peer peerS = new Peer();
    final Peer peerH = new Peer();
    final Peer peerR = new Peer();
    final Port fuzzS = new Port(loop, "fuzz", "s", peerS);
    final Port fuzzH = new Port(loop, "fuzz", "h", peerH);
    final Port fuzzR = new Port(loop, "fuzz", "r", peerR);
    final TcpLayer tcpH1;
    final TcpLayer tcpR1;
    final TcpLayer tcpH2;
    final UdpLayer udpH1;
    final UdpLayer udpR1;
    final UdpLayer udpH2;
    final TcpListener web;
    final TcpListener ssh;
    final UdpEndpoint dns;
    final UdpEndpoint snmp;
    final List<TcpEndpoint> accepted = new ArrayList<>();

    NodeFuzzTest() {
        IpInterface h1e0 = h1.addInterface("eth0", H1_ETH0, ip("10.0.1.10"), 24, 1500);
        IpInterface h1e1 = h1.addInterface("eth1", H1_ETH1, ip("10.9.1.10"), 24, 1500);
        h1.addRoute(0, 0, ip("10.0.1.1"), null);
        IpInterface r1e0 = r1.addInterface("eth0", R1_ETH0, ip("10.0.1.1"), 24, 1500);
        IpInterface r1e1 = r1.addInterface("eth1", R1_ETH1, ip("10.0.2.1"), 24, 1400);
        IpInterface r1e2 = r1.addInterface("eth2", R1_ETH2, ip("10.9.2.1"), 24, 1500);
        IpInterface h2e0 = h2.addInterface("eth0", H2_ETH0, ip("10.0.2.10"), 24, 1500);
        h2.addRoute(0, 0, ip("10.0.2.1"), null);
        Link.connect(h1e0.port(), s1.addPort("p1"));
        Link.connect(r1e0.port(), s1.addPort("p2"));
        Link.connect(fuzzS, s1.addPort("p3"));
        Link.connect(fuzzH, h1e1.port());
        Link.connect(fuzzR, r1e2.port());
        Link.connect(r1e1.port(), h2e0.port());
        tcpH1 = new TcpLayer(h1);
        tcpR1 = new TcpLayer(r1);
        tcpH2 = new TcpLayer(h2);
        udpH1 = new UdpLayer(h1, new java.util.SplittableRandom(1));
        udpR1 = new UdpLayer(r1, new java.util.SplittableRandom(2));
        udpH2 = new UdpLayer(h2, new java.util.SplittableRandom(3));
        web = tcpH1.listen(0, LISTEN_PORT, 8);
        ssh = tcpR1.listen(0, SSH_PORT, 4);
        dns = udpH1.bind(0, 53);
        snmp = udpR1.bind(0, 161);
    }

    /** Takes established connections off the listeners now and then, reading and closing some. */
    void serviceListeners(Random r) {
        for (TcpListener l : List.of(web, ssh)) {
            TcpEndpoint e;
            while ((e = l.accept()) != null) {
                accepted.add(e);
            }
        }
        byte[] sinkhole = new byte[4096];
        List<TcpEndpoint> gone = new ArrayList<>();
        for (TcpEndpoint e : accepted) {
            try {
                e.read(sinkhole, 0, sinkhole.length);
                switch (r.nextInt(4)) {
                    case 0 -> e.close();
                    case 1 -> e.write(sinkhole, 0, r.nextInt(3000));
                    default -> {
                    }
                }
            } catch (TransportException reset) {
                gone.add(e); // the fuzzer reset it: what an application sees as an IOException
                e.abort();
            }
        }
        accepted.removeAll(gone);
        accepted.removeIf(TcpEndpoint::isClosed);
    }

    PingResult ping(Ipv4Stack from, String to, int count) {
        Ping p = new Ping(from, ip(to), to, count, SECOND, 2 * SECOND, 56, 64, line -> { });
        CompletableFuture<PingResult> r = p.start();
        loop.runUntil(r::isDone, (count + 5L) * SECOND);
        return r.join();
    }

    // ------------------------------------------------------------------ the generator

    static final int[] INTERESTING_IPS = {
            ip("10.0.1.10"), ip("10.9.1.10"), ip("10.0.1.1"), ip("10.0.2.1"), ip("10.9.2.1"), ip("10.0.2.10"),
            ip("10.9.1.20"), ip("10.9.2.20"), ip("10.0.2.99"), ip("10.9.2.99"), ip("192.168.1.1"),
            ip("10.0.1.255"), ip("10.9.1.255"), ip("10.0.2.255"), ip("255.255.255.255"), ip("0.0.0.0"),
            ip("127.0.0.1"), ip("224.0.0.1"), ip("239.1.2.3"),
    };

    final class Generator {
        final Random r;
        /** The address of the node being fuzzed, and the fuzzer's own address next to it. */
        int target;
        int peer;

        Generator(long seed) {
            r = new Random(seed);
        }

        int peerAddress() {
            return r.nextInt(5) == 0 ? anyIp() : peer;
        }

        /** A TCP segment with up to 40 bytes of random options and a correct checksum (mostly). */
        byte[] tcp(int from, int to, int sourcePort, int destinationPort, long seq, long ack, int flags, byte[] data) {
            int optionWords = r.nextInt(4) == 0 ? r.nextInt(11) : 0;
            int header = 20 + optionWords * 4;
            byte[] seg = new byte[header + data.length];
            ByteBuffer b = ByteBuffer.wrap(seg);
            b.putShort(0, (short) sourcePort);
            b.putShort(2, (short) destinationPort);
            b.putInt(4, (int) seq);
            b.putInt(8, (int) ack);
            b.put(12, (byte) ((header / 4) << 4));
            b.put(13, (byte) flags);
            b.putShort(14, (short) (r.nextBoolean() ? 65535 : r.nextInt(0x10000)));
            for (int i = 20; i < header; i++) {
                // Real option kinds with plausible and implausible lengths: MSS, WS, SACK-permitted, SACK, TS.
                seg[i] = (byte) (r.nextBoolean() ? new int[] {0, 1, 2, 3, 4, 5, 8}[r.nextInt(7)] : r.nextInt(256));
            }
            System.arraycopy(data, 0, seg, header, data.length);
            if (r.nextInt(20) != 0) {
                int sum = InternetChecksum.sum(b, 0, seg.length, InternetChecksum.pseudoHeaderSum(from, to, 6, seg.length));
                b.putShort(16, (short) InternetChecksum.fold(sum));
            }
            return seg;
        }

        /**
         * A segment on a connection whose SYN-ACK the peer saw: the handshake's ACK, data in and out
         * of window, FIN, RST, a stray SYN. Null when no connection is known yet.
         */
        byte[] flowSegment(Peer p, long mac) {
            if (p.flows.isEmpty()) {
                return null;
            }
            Flow f = p.flows.get(r.nextInt(p.flows.size()));
            int[] choices = {TcpView.ACK, TcpView.ACK | TcpView.PSH, TcpView.ACK | TcpView.PSH, TcpView.FIN | TcpView.ACK,
                    TcpView.RST, TcpView.RST | TcpView.ACK, TcpView.SYN, TcpView.ACK | TcpView.URG};
            int flags = choices[r.nextInt(choices.length)];
            byte[] data = (flags & TcpView.PSH) != 0 ? bytes(1 + r.nextInt(1200)) : new byte[0];
            boolean exact = r.nextInt(4) != 0;
            long seq = exact ? f.nextSeq : (f.nextSeq + r.nextInt(200_000) - 100_000) & 0xffffffffL;
            long ack = r.nextInt(5) != 0 ? f.nextAck : (f.nextAck + r.nextInt(20_000) - 10_000) & 0xffffffffL;
            byte[] seg = tcp(f.peer, f.node, f.peerPort, f.nodePort, seq, ack, flags, data);
            if (exact) {
                f.nextSeq = (f.nextSeq + data.length + ((flags & (TcpView.FIN | TcpView.SYN)) != 0 ? 1 : 0)) & 0xffffffffL;
            }
            if ((flags & TcpView.RST) != 0 && exact) {
                p.flows.remove(f);
            }
            return Frames.ipv4(mac, PEER_MAC, Frames.header(Ipv4View.PROTO_TCP, f.peer, f.node, seg.length,
                    r.nextInt(0x10000), 64, true), seg);
        }

        int anyIp() {
            return r.nextInt(4) == 0 ? r.nextInt() : INTERESTING_IPS[r.nextInt(INTERESTING_IPS.length)];
        }

        long anyMac(long likely) {
            return switch (r.nextInt(8)) {
                case 0 -> MacAddress.BROADCAST;
                case 1 -> 0x01_00_5e_00_00_01L | (r.nextInt(0x7fffff));
                case 2 -> r.nextLong() & 0xffff_ffff_ffffL;
                case 3 -> new long[] {H1_ETH0, H1_ETH1, R1_ETH0, R1_ETH1, R1_ETH2, H2_ETH0}[r.nextInt(6)];
                default -> likely;
            };
        }

        long sourceMac() {
            return r.nextInt(10) == 0 ? anyMac(0) : MacAddress.locallyAdministered(r.nextInt(64));
        }

        byte[] bytes(int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        }

        Ipv4Header header(int protocol, int l4Length) {
            int src = r.nextInt(3) == 0 ? peer : anyIp();
            int dst = r.nextInt(3) == 0 ? target : anyIp();
            int flags = r.nextInt(5) == 0 ? r.nextInt(8) : (r.nextBoolean() ? Ipv4View.FLAG_DF : 0);
            int fragmentOffset = r.nextInt(6) == 0 ? r.nextInt(200) : 0;
            int ttl = switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                default -> 1 + r.nextInt(255);
            };
            return new Ipv4Header(0, 0, Ipv4View.MIN_HEADER + l4Length, r.nextInt(0x10000), flags, fragmentOffset, ttl,
                    protocol, src, dst);
        }

        /** A valid frame of one of many kinds, addressed to {@code mac} most of the time. */
        byte[] valid(long mac) {
            long dst = anyMac(mac);
            long src = sourceMac();
            switch (r.nextInt(9)) {
                case 0 -> {
                    ArpPacket p = new ArpPacket(r.nextBoolean() ? ArpView.OP_REQUEST : ArpView.OP_REPLY, src, anyIp(),
                            r.nextBoolean() ? 0 : anyMac(mac), anyIp());
                    return Frames.arp(dst, src, p);
                }
                case 1 -> {
                    byte[] icmp = Frames.icmp(IcmpHeader.echoRequest(r.nextInt(0x10000), r.nextInt(0x10000)),
                            bytes(r.nextInt(1600)));
                    return Frames.ipv4(dst, src, header(Ipv4View.PROTO_ICMP, icmp.length), icmp);
                }
                case 2 -> {
                    byte[] icmp = Frames.icmp(IcmpHeader.echoReply(r.nextInt(0x10000), r.nextInt(0x10000)), bytes(r.nextInt(64)));
                    return Frames.ipv4(dst, src, header(Ipv4View.PROTO_ICMP, icmp.length), icmp);
                }
                case 3 -> {
                    // An ICMP error quoting a plausible datagram (often one of h1's own echo requests).
                    byte[] inner = Arrays.copyOfRange(valid(mac), Frames.ETH, Frames.ETH + 28 + r.nextInt(40));
                    IcmpHeader h = r.nextBoolean() ? IcmpHeader.timeExceeded()
                            : IcmpHeader.destinationUnreachable(r.nextInt(16), r.nextInt(0x10000));
                    byte[] icmp = Frames.icmp(h, inner);
                    return Frames.ipv4(dst, src, header(Ipv4View.PROTO_ICMP, icmp.length), icmp);
                }
                case 4 -> {
                    Ipv4Header h = header(Ipv4View.PROTO_UDP, 0);
                    int[] ports = {53, 161, 33434, r.nextInt(0x10000)};
                    byte[] udp = Frames.udp(h.source(), h.destination(), r.nextInt(0x10000), ports[r.nextInt(ports.length)],
                            bytes(r.nextInt(1500)));
                    return Frames.ipv4(dst, src, withLength(h, udp.length), udp);
                }
                case 5 -> {
                    // A TCP segment to a listener or a random port, mostly well-formed, with its checksum.
                    int[] ports = {LISTEN_PORT, SSH_PORT, 53, r.nextInt(0x10000)};
                    int flags = r.nextInt(3) == 0 ? TcpView.SYN : r.nextInt(256);
                    int from = peerAddress();
                    int to = r.nextInt(4) == 0 ? anyIp() : target;
                    byte[] seg = tcp(from, to, 1024 + r.nextInt(60000), ports[r.nextInt(ports.length)],
                            r.nextInt() & 0xffffffffL, r.nextInt() & 0xffffffffL, flags, bytes(r.nextInt(3) == 0 ? r.nextInt(600) : 0));
                    return Frames.ipv4(dst, src, Frames.header(Ipv4View.PROTO_TCP, from, to, seg.length, r.nextInt(0x10000),
                            64, true), seg);
                }
                case 6 -> {
                    byte[] payload = bytes(r.nextInt(100));
                    return Frames.ipv4(dst, src, header(r.nextInt(256), payload.length), payload);
                }
                case 7 -> {
                    // IPv4 with options (IHL > 5), checksum fixed.
                    byte[] icmp = Frames.icmp(IcmpHeader.echoRequest(1, 1), bytes(r.nextInt(64)));
                    byte[] f = Frames.ipv4(dst, src, header(Ipv4View.PROTO_ICMP, icmp.length), icmp);
                    return RouterTest.withNopOptions(f, 1 + r.nextInt(10));
                }
                default -> {
                    byte[] f = Frames.ethernetUnpadded(dst, src, 0, bytes(r.nextInt(200)));
                    ByteBuffer.wrap(f).putShort(12, (short) r.nextInt(0x10000)); // any EtherType, 0x8100 included
                    return f;
                }
            }
        }

        Ipv4Header withLength(Ipv4Header h, int l4Length) {
            return new Ipv4Header(h.dscp(), h.ecn(), Ipv4View.MIN_HEADER + l4Length, h.identification(), h.flags(),
                    h.fragmentOffset(), h.ttl(), h.protocol(), h.source(), h.destination());
        }

        /** Zero to three mutations, then maybe a fixed IP checksum so that the damage reaches deeper layers. */
        byte[] mutate(byte[] f) {
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                f = mutateOnce(f);
            }
            if (f.length >= Frames.IP + 20 && Frames.etherType(f) == EthernetView.ETHERTYPE_IPV4 && r.nextBoolean()) {
                Frames.fixIpChecksum(f);
            }
            return f;
        }

        byte[] mutateOnce(byte[] f) {
            ByteBuffer b = ByteBuffer.wrap(f);
            switch (r.nextInt(14)) {
                case 0 -> {
                    return Arrays.copyOf(f, r.nextInt(f.length + 1)); // truncation, down to nothing
                }
                case 1 -> {
                    if (f.length > 0) {
                        f[r.nextInt(f.length)] ^= (byte) (1 + r.nextInt(255));
                    }
                }
                case 2 -> {
                    if (f.length > Frames.IP + 11) {
                        f[Frames.IP + 10 + r.nextInt(2)] ^= (byte) (1 + r.nextInt(255)); // bad header checksum
                    }
                }
                case 3 -> {
                    if (f.length > Frames.IP + 3) {
                        b.putShort(Frames.IP + 2, (short) r.nextInt(0x10000)); // lying total length
                    }
                }
                case 4 -> {
                    if (f.length > Frames.IP) {
                        f[Frames.IP] = (byte) ((r.nextInt(3) == 0 ? r.nextInt(16) << 4 : 0x40) | r.nextInt(16)); // IHL, version
                    }
                }
                case 5 -> {
                    if (f.length > Frames.IP + 7) {
                        b.putShort(Frames.IP + 6, (short) r.nextInt(0x10000)); // flags and fragment offset
                    }
                }
                case 6 -> {
                    if (f.length > Frames.IP + 8) {
                        f[Frames.IP + 8] = (byte) r.nextInt(2); // TTL 0 or 1
                    }
                }
                case 7 -> {
                    if (f.length > 13) {
                        int[] types = {0x86dd, 0x88cc, 0x0842, r.nextInt(0x10000), 0x0806, 0x0800};
                        b.putShort(12, (short) types[r.nextInt(types.length)]);
                    }
                }
                case 8 -> {
                    if (f.length >= 14) { // insert an 802.1Q tag
                        byte[] g = new byte[f.length + 4];
                        System.arraycopy(f, 0, g, 0, 12);
                        ByteBuffer.wrap(g).putShort(12, (short) 0x8100).putShort(14, (short) r.nextInt(0x10000));
                        System.arraycopy(f, 12, g, 16, f.length - 12);
                        return g;
                    }
                }
                case 9 -> {
                    if (f.length >= 6) {
                        MacAddress.write(b, 0, r.nextBoolean() ? MacAddress.BROADCAST : 0x01_00_5e_7f_ff_faL);
                    }
                }
                case 10 -> {
                    byte[] g = Arrays.copyOf(f, f.length + r.nextInt(64)); // trailing junk or padding
                    for (int i = f.length; i < g.length; i++) {
                        g[i] = (byte) r.nextInt();
                    }
                    return g;
                }
                case 11 -> {
                    if (f.length >= Frames.ETH + 8 && Frames.etherType(f) == EthernetView.ETHERTYPE_ARP) {
                        int at = Frames.ETH + r.nextInt(8); // htype, ptype, hlen, plen, op
                        f[at] = (byte) r.nextInt(256);
                    }
                }
                case 12 -> {
                    // Damage the transport, then fix the ICMP checksum so ICMP parses it.
                    if (f.length > Frames.IP + 30 && Frames.etherType(f) == EthernetView.ETHERTYPE_IPV4) {
                        int ihl = (f[Frames.IP] & 0x0f) * 4;
                        int at = Frames.IP + ihl;
                        if (ihl >= 20 && at + 8 <= f.length) {
                            f[at + r.nextInt(Math.min(16, f.length - at))] = (byte) r.nextInt();
                            int len = Math.min(f.length - at, Math.max(0, (b.getShort(Frames.IP + 2) & 0xffff) - ihl));
                            if (len >= 4 && f[Frames.IP + 9] == 1) {
                                b.putShort(at + 2, (short) 0);
                                b.putShort(at + 2, (short) InternetChecksum.compute(b, at, len));
                            }
                        }
                    }
                }
                default -> {
                    return bytes(r.nextInt(100)); // pure noise
                }
            }
            return f;
        }

        byte[] next(long mac, Peer p) {
            if (r.nextInt(4) == 0) {
                byte[] flow = flowSegment(p, mac);
                if (flow != null) {
                    return r.nextInt(8) == 0 ? mutate(flow) : flow;
                }
            }
            byte[] f = valid(mac);
            return r.nextInt(5) == 0 ? f : mutate(f);
        }
    }

    void inject(Port into, byte[] bytes) {
        Frame f = loop.pool().acquire();
        int length = Math.min(bytes.length, f.capacity() - f.offset());
        f.setLength(length);
        f.buffer().put(f.offset(), bytes, 0, length);
        into.transmit(f);
    }

    @Test
    void randomAndMutatedFramesAreDroppedCountedAndNeverBreakTheNodes() {
        loop.runFor(SECOND);
        assertEquals(3, ping(h1, "10.0.2.10", 3).received(), "the network works before the fuzz");

        // A ping keeps running during the fuzz so that ICMP listeners see the noise too.
        Ping background = new Ping(h1, ip("10.0.2.10"), "h2", 2000, 10_000_000L, SECOND, 56, 64, line -> { });
        CompletableFuture<PingResult> backgroundResult = background.start();

        Map<String, Long> before = new LinkedHashMap<>(sum());
        Generator g = new Generator(0x7a9e7L);
        long maxPool = 0;
        for (int i = 0; i < FRAMES; i++) {
            switch (i % 3) {
                case 0 -> {
                    boolean toHost = g.r.nextBoolean();
                    g.target = toHost ? ip("10.0.1.10") : ip("10.0.1.1");
                    g.peer = ip("10.0.1.20");
                    inject(fuzzS, g.next(toHost ? H1_ETH0 : R1_ETH0, peerS));
                }
                case 1 -> {
                    g.target = ip("10.9.1.10");
                    g.peer = H1_PEER;
                    inject(fuzzH, g.next(H1_ETH1, peerH));
                }
                default -> {
                    g.target = ip("10.9.2.1");
                    g.peer = R1_PEER;
                    inject(fuzzR, g.next(R1_ETH2, peerR));
                }
            }
            if (i % 500 == 499) {
                serviceListeners(g.r);
            }
            if (i == FRAMES / 2) {
                // A SYN flood on the web port within one instant: the SYN queue overflows into cookies.
                for (int k = 0; k < 400; k++) {
                    byte[] syn = g.tcp(H1_PEER, ip("10.9.1.10"), 2000 + k, LISTEN_PORT, g.r.nextInt() & 0xffffffffL, 0,
                            TcpView.SYN, new byte[0]);
                    inject(fuzzH, Frames.ipv4(H1_ETH1, PEER_MAC, Frames.header(Ipv4View.PROTO_TCP, H1_PEER,
                            ip("10.9.1.10"), syn.length, k, 64, true), syn));
                }
                loop.runFor(0);
            }
            // Mostly spread out in time; now and then a burst within one instant, as a flood would be.
            loop.runFor(i % 5000 < 2000 ? 0 : STEP_NANOS);
            maxPool = Math.max(maxPool, loop.pool().allocated());
        }
        assertEquals(0, loop.handlerErrors(), "no exception escaped a node");

        Map<String, Long> after = sum();
        List<String> unmoved = new ArrayList<>();
        for (String reason : List.of("EthTruncated", "EthNotForUs", "EthUnknownType", "EthTagged", "ArpMalformed",
                "ArpUnsupported", "IpInTruncated", "IpInBadChecksum", "IpInHdrErrors", "IpInAddrErrors",
                "IpInUnknownProtos", "IpReasmReqds", "IpOutNoRoutes", "IcmpInErrors",
                "IcmpOutTimeExcds", "IcmpOutDestUnreachs", "IcmpRateLimited", "IpFragFails", "ArpRequestsAnswered")) {
            if (after.get(reason) <= before.get(reason)) {
                unmoved.add(reason);
            }
        }
        assertEquals(List.of(), unmoved, "drop counters that never moved: " + after);
        assertTrue(s1.runts() > 0, "the switch saw runts");
        Map<String, Long> tcp = new LinkedHashMap<>();
        for (TcpLayer t : List.of(tcpH1, tcpR1, tcpH2)) {
            t.counters().snapshot().forEach((k, v) -> tcp.merge(k, v, Long::sum));
        }
        List<String> tcpUnmoved = new ArrayList<>();
        for (String reason : List.of("InErrs", "InCsumErrors", "NoSocket", "OutRsts", "PassiveOpens", "InResets",
                "ListenOverflows", "SyncookiesSent", "ChallengeACKs", "OutOfWindow")) {
            if (tcp.get(reason) == 0) {
                tcpUnmoved.add(reason);
            }
        }
        assertEquals(List.of(), tcpUnmoved, "TCP counters that never moved: " + tcp);
        assertTrue(udpH1.noPorts() + udpR1.noPorts() + udpH2.noPorts() > 0);
        assertTrue(udpH1.inErrors() + udpR1.inErrors() + udpH2.inErrors() > 0);
        assertTrue(udpH1.inDatagrams() + udpR1.inDatagrams() > 0, "datagrams reached the bound sockets");


        // Bounded memory: the pool holds what is in flight or queued for ARP, not what went through.
        System.out.printf("tapnet: fuzz: %d frames, pool peaked at %d frames, nodes sent %d frames back, TCP %s%n", FRAMES,
                maxPool, peerS.frames + peerH.frames + peerR.frames, tcp);
        assertTrue(maxPool < 2_000, "frame pool grew to " + maxPool + " frames for " + FRAMES + " frames of fuzz");

        // Let every timer run out: ARP gives up on what it queued, reassembly times out, poisoned
        // neighbour entries expire, connections are closed and time out. Then every frame is back in
        // its pool: nothing leaked.
        for (TcpEndpoint e : accepted) {
            e.abort();
        }
        for (TcpEndpoint e : tcpH1.connections()) {
            e.abort();
        }
        for (TcpEndpoint e : tcpR1.connections()) {
            e.abort();
        }
        web.close();
        ssh.close();
        // Datagrams wait in a socket's queue as frames until read (as in a socket buffer); closing drops them.
        assertTrue(dns.queuedDatagrams() + snmp.queuedDatagrams() > 0);
        dns.close();
        snmp.close();
        loop.runFor(300 * SECOND);
        assertTrue(backgroundResult.isDone());
        assertEquals(0, loop.handlerErrors());
        assertEquals(loop.pool().allocated(), loop.pool().retained(), "frames not returned to the pool");
        assertEquals(loop.largePool().allocated(), loop.largePool().retained(), "large frames not returned");

        // And the network still works, both ways, across the switch and the router.
        assertEquals(3, ping(h1, "10.0.2.10", 3).received());
        assertEquals(3, ping(h2, "10.0.1.10", 3).received());
        assertEquals(3, ping(h1, "10.0.1.1", 3).received());
        assertEquals(0, loop.handlerErrors());
    }

    Map<String, Long> sum() {
        Map<String, Long> total = new LinkedHashMap<>();
        for (Ipv4Stack s : List.of(h1, r1, h2)) {
            s.counters().snapshot().forEach((k, v) -> total.merge(k, v, Long::sum));
        }
        return total;
    }
}
