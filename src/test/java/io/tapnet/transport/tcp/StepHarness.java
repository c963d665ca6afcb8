package io.tapnet.transport.tcp;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Link;
import io.tapnet.phy.Port;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;
import io.tapnet.wire.ParseStatus;
import io.tapnet.wire.SackBlock;
import io.tapnet.wire.TcpHeader;
import io.tapnet.wire.TcpOptionsValue;
import io.tapnet.wire.TcpView;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The step language for TCP layer tests: one {@link Ipv4Stack} with a {@link TcpLayer} on
 * 10.0.0.1, wired to a test port that plays the peer 10.0.0.2. The test sends segments as the peer
 * ({@link #send}), takes what the stack sent ({@link #expect}), asserts silence
 * ({@link #expectNothing}) and moves virtual time ({@link #advance}).
 */
final class StepHarness implements FrameHandler {
    static final int HOST = Ipv4Address.parse("10.0.0.1");
    static final int PEER = Ipv4Address.parse("10.0.0.2");
    static final long HOST_MAC = 0x02_00_00_00_00_01L;
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final long MS = 1_000_000L;

    /** A segment the stack sent, decoded. */
    record Seg(int sourcePort, int destinationPort, long seq, long ack, int flags, int window, byte[] payload,
               TcpOptionsValue options, long time) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        int length() {
            return payload.length + (has(TcpView.SYN) ? 1 : 0) + (has(TcpView.FIN) ? 1 : 0);
        }

        Seg expectFlags(int expected) {
            assertEquals(flagNames(expected), flagNames(flags), "flags of " + this);
            return this;
        }

        @Override
        public String toString() {
            return flagNames(flags) + " seq=" + seq + " ack=" + ack + " win=" + window + " len=" + payload.length
                    + " " + options + " @" + time / MS + "ms";
        }
    }

    static String flagNames(int f) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        for (int i = 0; i < 8; i++) {
            if ((f & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        return sb.toString();
    }

    final EventLoop loop = EventLoop.virtual();
    final Ipv4Stack stack;
    final TcpLayer tcp;
    final Port peer;
    final ArrayDeque<Seg> sent = new ArrayDeque<>();
    final ArrayDeque<byte[]> icmpSent = new ArrayDeque<>();
    private final TcpView view = new TcpView();
    private final Ipv4View ip = new Ipv4View();

    StepHarness(TcpConfig config) {
        stack = new Ipv4Stack(loop, "h1", false);
        IpInterface eth0 = stack.addInterface("eth0", HOST_MAC, HOST, 24, 1500);
        peer = new Port(loop, "peer", "eth0", this);
        Link.connect(eth0.port(), peer);
        eth0.arp().addPermanent(PEER, PEER_MAC);
        tcp = new TcpLayer(stack, config);
        settle();
        sent.clear();
    }

    static TcpConfig defaults() {
        return TcpConfig.defaults().withSeed(42);
    }

    long now() {
        return loop.now();
    }

    /** Runs everything ready at this instant. */
    void settle() {
        loop.runFor(0);
    }

    void advance(long nanos) {
        loop.runFor(nanos);
    }

    void advanceMs(long ms) {
        advance(ms * MS);
    }

    @Override
    public void onFrame(Port port, Frame frame) {
        try {
            ByteBuffer b = frame.buffer();
            if (frame.length() < EthernetView.HEADER_LENGTH
                    || (b.getShort(frame.offset() + 12) & 0xffff) != EthernetView.ETHERTYPE_IPV4) {
                return;
            }
            int ipAt = frame.offset() + EthernetView.HEADER_LENGTH;
            if (ip.wrap(b, ipAt, frame.length() - EthernetView.HEADER_LENGTH) != ParseStatus.OK) {
                fail("stack sent a bad IPv4 packet");
            }
            if (ip.protocol() == Ipv4View.PROTO_ICMP) {
                byte[] icmp = new byte[ip.payloadLength()];
                b.get(ip.payloadOffset(), icmp);
                icmpSent.add(icmp);
                return;
            }
            if (ip.protocol() != Ipv4View.PROTO_TCP) {
                return;
            }
            int status = view.wrap(b, ip.payloadOffset(), ip.payloadLength(), ip.source(), ip.destination());
            assertEquals(ParseStatus.OK, status, "segment from the stack has a bad checksum or header");
            TcpHeader h = TcpHeader.parse(view);
            byte[] payload = new byte[view.payloadLength()];
            b.get(view.payloadOffset(), payload);
            sent.add(new Seg(h.sourcePort(), h.destinationPort(), h.sequenceNumber(), h.acknowledgmentNumber(),
                    h.flags(), h.window(), payload, h.options(), loop.now()));
        } finally {
            frame.release();
        }
    }

    /** The next segment the stack sent (running what is ready first). */
    Seg expect() {
        settle();
        Seg s = sent.poll();
        assertNotNull(s, "expected a segment from the stack at " + now() / MS + " ms");
        return s;
    }

    Seg expect(int flags) {
        return expect().expectFlags(flags);
    }

    void expectNothing() {
        settle();
        assertNull(sent.poll(), "expected no segment at " + now() / MS + " ms");
    }

    /** Advances until the stack sends something (at most {@code maxMs}); returns it. */
    Seg awaitSegment(long maxMs) {
        settle();
        if (sent.isEmpty()) {
            loop.runUntil(() -> !sent.isEmpty(), maxMs * MS);
        }
        return expect();
    }

    // ------------------------------------------------------------------ peer side

    void send(int sourcePort, int destinationPort, long seq, long ack, int flags, int window, byte[] payload,
              TcpOptionsValue options) {
        Frame f = loop.pool().acquire();
        ByteBuffer b = f.buffer();
        int off = f.offset();
        MacAddress.write(b, off, HOST_MAC);
        MacAddress.write(b, off + 6, PEER_MAC);
        b.putShort(off + 12, (short) EthernetView.ETHERTYPE_IPV4);
        int ipAt = off + EthernetView.HEADER_LENGTH;
        int tcpAt = ipAt + Ipv4View.MIN_HEADER;
        TcpHeader h = new TcpHeader(sourcePort, destinationPort, seq & 0xffffffffL, ack & 0xffffffffL, flags, window,
                0, options);
        int hl = h.emit(b, tcpAt);
        b.put(tcpAt + hl, payload);
        int segLen = hl + payload.length;
        view.wrap(b, tcpAt, segLen);
        view.fillChecksum(PEER, HOST, segLen);
        Ipv4Stack.writeIpv4Header(b, ipAt, Ipv4View.MIN_HEADER + segLen, 1, 0, 64, Ipv4View.PROTO_TCP, PEER, HOST);
        b.putShort(ipAt + 10, (short) InternetChecksum.compute(b, ipAt, Ipv4View.MIN_HEADER));
        f.setLength(EthernetView.HEADER_LENGTH + Ipv4View.MIN_HEADER + segLen);
        peer.transmit(f);
        settle();
    }

    /** Sends an ICMP error from the peer quoting the given (our) segment header fields. */
    void sendIcmpError(int type, int code, int nextHopMtu, int sourcePort, int destinationPort, long seq) {
        Frame f = loop.pool().acquire();
        ByteBuffer b = f.buffer();
        int off = f.offset();
        MacAddress.write(b, off, HOST_MAC);
        MacAddress.write(b, off + 6, PEER_MAC);
        b.putShort(off + 12, (short) EthernetView.ETHERTYPE_IPV4);
        int ipAt = off + EthernetView.HEADER_LENGTH;
        int icmpAt = ipAt + Ipv4View.MIN_HEADER;
        int quoteAt = icmpAt + IcmpView.HEADER_LENGTH;
        Ipv4Stack.writeIpv4Header(b, quoteAt, 40, 7, 0x4000, 64, Ipv4View.PROTO_TCP, HOST, PEER);
        b.putShort(quoteAt + 10, (short) InternetChecksum.compute(b, quoteAt, 20));
        b.putShort(quoteAt + 20, (short) sourcePort);
        b.putShort(quoteAt + 22, (short) destinationPort);
        b.putInt(quoteAt + 24, (int) seq);
        b.putInt(quoteAt + 28, 0);
        int icmpLen = IcmpView.HEADER_LENGTH + 28;
        b.put(icmpAt, (byte) type);
        b.put(icmpAt + 1, (byte) code);
        b.putShort(icmpAt + 2, (short) 0);
        b.putInt(icmpAt + 4, nextHopMtu & 0xffff);
        b.putShort(icmpAt + 2, (short) InternetChecksum.compute(b, icmpAt, icmpLen));
        Ipv4Stack.writeIpv4Header(b, ipAt, Ipv4View.MIN_HEADER + icmpLen, 2, 0, 64, Ipv4View.PROTO_ICMP, PEER, HOST);
        b.putShort(ipAt + 10, (short) InternetChecksum.compute(b, ipAt, Ipv4View.MIN_HEADER));
        f.setLength(EthernetView.HEADER_LENGTH + Ipv4View.MIN_HEADER + icmpLen);
        peer.transmit(f);
        settle();
    }

    static TcpOptionsValue ts(long val, long ecr) {
        return new TcpOptionsValue(-1, -1, false, List.of(), val, ecr);
    }

    static TcpOptionsValue sack(long... edges) {
        SackBlock[] blocks = new SackBlock[edges.length / 2];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new SackBlock(edges[2 * i] & 0xffffffffL, edges[2 * i + 1] & 0xffffffffL);
        }
        return new TcpOptionsValue(-1, -1, false, List.of(blocks), -1, -1);
    }

    static byte[] bytes(int n, int seed) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (seed + i * 31);
        }
        return d;
    }
}
