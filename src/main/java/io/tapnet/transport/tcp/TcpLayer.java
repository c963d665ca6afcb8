package io.tapnet.transport.tcp;

import io.tapnet.collect.IntObjectMap;
import io.tapnet.ip.IcmpListener;
import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.ip.ProtocolHandler;
import io.tapnet.ip.Route;
import io.tapnet.ip.TokenBucket;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.transport.EphemeralPorts;
import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.ParseStatus;
import io.tapnet.wire.TcpOptionsWriter;
import io.tapnet.wire.TcpView;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * TCP for one node: the {@link ProtocolHandler} IPv4 hands segments to. It validates each segment,
 * finds its connection by 4-tuple and otherwise a listener (one bound to the exact address before a
 * wildcard one), answers segments nobody wants with a RST (RFC 9293 3.10.7.1), owns the port
 * bindings, the ISN generator (RFC 6528), SYN cookies, the RFC 5961 challenge-ACK rate limit, and
 * routes ICMP errors to the connection whose segment they quote.
 *
 * <p>All of it runs on the node's event loop; the receive path parses into one reusable
 * {@link Segment} and allocates nothing.
 */
public final class TcpLayer implements ProtocolHandler, IcmpListener {
    private static final int ETH = EthernetView.HEADER_LENGTH;
    private static final int IP = Ipv4View.MIN_HEADER;

    private final Ipv4Stack stack;
    private final EventLoop loop;
    private final TcpConfig config;
    final TcpCounters counters = new TcpCounters();
    private final ConnectionTable connections = new ConnectionTable();
    private final IntObjectMap<TcpListener> listeners = new IntObjectMap<>();
    /** Port -> endpoints and listeners that bound it (accepted connections share their listener's). */
    private final IntObjectMap<List<Object>> bindings = new IntObjectMap<>();
    private final EphemeralPorts ephemeral;
    private final IsnGenerator isn;
    private final SipHash timestampKey;
    final SynCookies cookies;
    /** RFC 5961 7: Linux's tcp_challenge_ack_limit, 1000 per second. */
    private final TokenBucket challengeAcks = new TokenBucket(1000, 1000);

    private final TcpView view = new TcpView();
    /** Reused by connections to fill checksums of outgoing segments. */
    final TcpView outView = new TcpView();
    private final Segment segment = new Segment();

    public TcpLayer(Ipv4Stack stack) {
        this(stack, TcpConfig.defaults());
    }

    public TcpLayer(Ipv4Stack stack, TcpConfig config) {
        this.stack = stack;
        this.loop = stack.loop();
        this.config = config;
        SplittableRandom random = new SplittableRandom(config.seed() != null ? config.seed()
                : new SecureRandom().nextLong());
        this.isn = new IsnGenerator(random.nextLong(), random.nextLong());
        this.timestampKey = new SipHash(random.nextLong(), random.nextLong());
        this.cookies = new SynCookies(random.nextLong(), random.nextLong());
        this.ephemeral = new EphemeralPorts(random.split());
        stack.registerProtocol(Ipv4View.PROTO_TCP, this);
        stack.addIcmpListener(this);
    }

    public Ipv4Stack stack() {
        return stack;
    }

    public EventLoop loop() {
        return loop;
    }

    public TcpConfig config() {
        return config;
    }

    public TcpCounters counters() {
        return counters;
    }

    // =================================================================== application entry points

    /** A new endpoint in CLOSED, to bind and connect. */
    public TcpEndpoint open() {
        return new TcpEndpoint(this);
    }

    /** Opens an endpoint and connects it to {@code address:port}. */
    public TcpEndpoint connect(int address, int port, TcpEndpoint.Events events) {
        TcpEndpoint e = open();
        e.setEvents(events);
        e.connect(address, port);
        return e;
    }

    /**
     * A listener on {@code address} (0 for all of this node's addresses) and {@code port} (0 for an
     * ephemeral one) that keeps at most {@code backlog} established connections waiting for accept.
     */
    public TcpListener listen(int address, int port, int backlog) {
        TcpListener l = new TcpListener(this, backlog);
        bind(l, address, port);
        l.localAddress = address;
        l.localPort = port == 0 ? boundPort : port;
        l.nextOnPort = listeners.get(l.localPort);
        listeners.put(l.localPort, l);
        return l;
    }

    /** Every connection (including TIME_WAIT and half-open ones), for {@code NODE sockets}. */
    public List<TcpEndpoint> connections() {
        List<TcpEndpoint> list = new ArrayList<>();
        for (TcpConnection c : connections.all()) {
            list.add(c.endpoint);
        }
        return list;
    }

    /** Every listener. */
    public List<TcpListener> listeners() {
        List<TcpListener> list = new ArrayList<>();
        listeners.forEach((port, first) -> {
            for (TcpListener l = first; l != null; l = l.nextOnPort) {
                list.add(l);
            }
        });
        return list;
    }

    // =================================================================== bindings

    private int boundPort;

    private static int addressOf(Object owner) {
        return owner instanceof TcpListener l ? l.localAddress : ((TcpEndpoint) owner).conn.localAddress;
    }

    /** Whether an existing binding still holds its port against a new bind. */
    private static boolean holds(Object owner) {
        if (owner instanceof TcpEndpoint e) {
            // Like SO_REUSEADDR, which Java sets on server sockets: TIME_WAIT does not block a bind.
            return e.conn.state != TcpState.TIME_WAIT;
        }
        return true;
    }

    /** Binds {@code owner}; the port chosen is left in {@link #boundPort}. */
    void bind(Object owner, int address, int port) {
        if (address != Ipv4Address.ANY && !stack.isLocalAddress(address)) {
            throw new TransportException(SocketError.ADDRESS_NOT_AVAILABLE, Ipv4Address.format(address));
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        if (port == 0) {
            port = ephemeral.pick(p -> bindings.get(p) == null && listeners.get(p) == null);
            if (port < 0) {
                throw new TransportException(SocketError.ADDRESS_NOT_AVAILABLE, "no free ephemeral port");
            }
        } else {
            List<Object> owners = bindings.get(port);
            if (owners != null) {
                for (Object o : owners) {
                    int a = addressOf(o);
                    if (holds(o) && (a == Ipv4Address.ANY || address == Ipv4Address.ANY || a == address)) {
                        throw new TransportException(SocketError.ADDRESS_IN_USE, Ipv4Address.format(address) + ":" + port);
                    }
                }
            }
        }
        List<Object> owners = bindings.get(port);
        if (owners == null) {
            owners = new ArrayList<>(1);
            bindings.put(port, owners);
        }
        owners.add(owner);
        boundPort = port;
    }

    int lastBoundPort() {
        return boundPort;
    }

    void releasePort(Object owner) {
        int port = owner instanceof TcpListener l ? l.localPort : ((TcpEndpoint) owner).conn.localPort;
        List<Object> owners = bindings.get(port);
        if (owners != null && owners.remove(owner) && owners.isEmpty()) {
            bindings.remove(port);
        }
    }

    void removeListener(TcpListener l) {
        TcpListener first = listeners.get(l.localPort);
        if (first == l) {
            if (l.nextOnPort == null) {
                listeners.remove(l.localPort);
            } else {
                listeners.put(l.localPort, l.nextOnPort);
            }
        } else {
            for (TcpListener p = first; p != null; p = p.nextOnPort) {
                if (p.nextOnPort == l) {
                    p.nextOnPort = l.nextOnPort;
                    break;
                }
            }
        }
        releasePort(l);
    }

    private TcpListener findListener(int address, int port) {
        TcpListener wildcard = null;
        for (TcpListener l = listeners.get(port); l != null; l = l.nextOnPort) {
            if (l.localAddress == address) {
                return l;
            }
            if (l.localAddress == Ipv4Address.ANY) {
                wildcard = l;
            }
        }
        return wildcard;
    }

    /** Starts an active open for {@code e}: picks the local address and port and sends the SYN. */
    void connect(TcpEndpoint e, int address, int port) {
        TcpConnection c = e.conn;
        if (address == Ipv4Address.ANY || address == Ipv4Address.BROADCAST || isBroadcast(address)
                || (address >>> 28) == 0xE) {
            throw new TransportException(SocketError.NETWORK_UNREACHABLE, "cannot connect to " + Ipv4Address.format(address));
        }
        int local = c.localAddress != Ipv4Address.ANY ? c.localAddress : stack.sourceFor(address);
        if (local == 0) {
            throw new TransportException(SocketError.NETWORK_UNREACHABLE, Ipv4Address.format(address));
        }
        if (!e.bound) {
            bind(e, Ipv4Address.ANY, 0);
            c.localPort = boundPort;
            e.bound = true;
        }
        TcpConnection existing = connections.get(local, c.localPort, address, port);
        if (existing != null) {
            if (existing.state != TcpState.TIME_WAIT) {
                throw new TransportException(SocketError.ADDRESS_IN_USE, "4-tuple in use");
            }
            existing.destroy(); // reuse of a TIME_WAIT 4-tuple; the new ISN is larger (RFC 6528)
        }
        c.localAddress = local;
        c.remoteAddress = address;
        c.remotePort = port;
        counters.activeOpens++;
        c.connect(loop.now());
    }

    void register(TcpConnection c) {
        connections.put(c);
        c.inTable = true;
    }

    void unregister(TcpConnection c) {
        connections.remove(c);
        c.inTable = false;
    }

    int connectionCount() {
        return connections.size();
    }

    // =================================================================== per-connection helpers

    long isn(int la, int lp, int ra, int rp, long now) {
        return isn.isn(la, lp, ra, rp, now);
    }

    /** RFC 7323 7.1: a per-connection random offset for the timestamp clock. */
    long timestampOffset(int la, int lp, int ra, int rp) {
        return timestampKey.hash(((long) la << 32) | (ra & 0xffffffffL), ((long) lp << 16) | rp) & 0xffffffffL;
    }

    /** The MSS to advertise towards {@code remote}: the outgoing MTU minus 40 (RFC 9293 3.7.1). */
    int mssFor(int remote) {
        // Segments come from the loop's frame size classes, so the MSS follows the MTU up to 64 KiB links.
        int frameRoom = EventLoop.LARGE_FRAME_CAPACITY - Frame.HEADROOM - ETH - IP - TcpView.MIN_HEADER;
        int mtu;
        if (stack.isLocalAddress(remote)) {
            mtu = 65535;
        } else {
            Route r = stack.routes().lookup(remote);
            mtu = r == null ? 576 : r.iface().mtu();
        }
        return Math.min(mtu - IP - TcpView.MIN_HEADER, frameRoom);
    }

    boolean challengeAckAllowed(long now) {
        return challengeAcks.take(now);
    }

    boolean isBroadcast(int address) {
        if (address == Ipv4Address.BROADCAST) {
            return true;
        }
        for (IpInterface i : stack.interfaces()) {
            if (i.prefixLength() < 31 && i.broadcast() == address) {
                return true;
            }
        }
        return false;
    }

    // =================================================================== receive

    /** Partial checksums are trusted and super-frames taken as one segment (see {@link #receive}). */
    @Override
    public boolean acceptsOffloads() {
        return true;
    }

    @Override
    public void receive(IpInterface in, Frame frame, Ipv4View ip) {
        counters.inSegs++;
        ByteBuffer b = frame.buffer();
        int source = ip.source();
        int destination = ip.destination();
        // A partial checksum (NEEDS_CSUM) means the segment never crossed a wire: links that could
        // corrupt it resolve offloaded frames first, so there is nothing to verify (Linux trusts
        // CHECKSUM_PARTIAL the same way).
        int status = frame.needsChecksum() ? view.wrap(b, ip.payloadOffset(), ip.payloadLength())
                : view.wrap(b, ip.payloadOffset(), ip.payloadLength(), source, destination);
        if (status != ParseStatus.OK) {
            counters.inErrs++;
            if (status == ParseStatus.BAD_CHECKSUM) {
                counters.inCsumErrors++;
            }
            frame.release();
            return;
        }
        if (!stack.isLocalAddress(destination)) {
            frame.release(); // RFC 1122 4.2.3.10: no TCP to broadcast or multicast addresses
            return;
        }
        Segment s = segment;
        s.localAddress = destination;
        s.remoteAddress = source;
        s.localPort = view.destinationPort();
        s.remotePort = view.sourcePort();
        s.seq = view.sequenceNumber();
        s.ack = view.acknowledgmentNumber();
        s.flags = view.flags();
        s.window = view.window();
        s.buffer = b;
        s.payloadOffset = view.payloadOffset();
        s.payloadLength = view.payloadLength();
        s.segmentSize = frame.isGso() ? frame.gsoSize() : 0;
        s.optionsValid = view.parseOptions(s.options) == ParseStatus.OK;
        long now = loop.now();
        try {
            dispatch(s, now);
        } finally {
            s.buffer = null;
            frame.release();
        }
    }

    private void dispatch(Segment s, long now) {
        TcpConnection c = connections.get(s.localAddress, s.localPort, s.remoteAddress, s.remotePort);
        if (c != null && c.state == TcpState.TIME_WAIT && s.has(TcpView.SYN) && !s.has(TcpView.ACK)
                && !s.has(TcpView.RST) && SeqNum.gt(s.seq, c.receiver.rcvNxtSeq())
                && findListener(s.localAddress, s.localPort) != null) {
            // RFC 9293 3.10.7.4 note / RFC 6191: a new SYN beyond the old connection's sequence
            // space may reopen a 4-tuple in TIME_WAIT.
            c.destroy();
            c = null;
        }
        if (c != null) {
            c.segmentArrives(s, now);
            return;
        }
        TcpListener l = findListener(s.localAddress, s.localPort);
        if (l != null) {
            l.segmentArrives(s, now);
            return;
        }
        counters.noSocket++;
        sendResetFor(s);
    }

    /**
     * RFC 9293 3.10.7.1: the reply to a segment for no connection. Never to a RST; to a segment with
     * ACK, {@code <SEQ=SEG.ACK><CTL=RST>}; otherwise {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    void sendResetFor(Segment s) {
        if (s.has(TcpView.RST)) {
            return;
        }
        if (s.has(TcpView.ACK)) {
            sendReset(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.ack, 0, false);
        } else {
            sendReset(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, 0,
                    SeqNum.add(s.seq, s.length()), true);
        }
    }

    void sendReset(int la, int lp, int ra, int rp, long seq, long ack, boolean withAck) {
        counters.outRsts++;
        Frame f = loop.pool().acquire();
        ByteBuffer b = f.buffer();
        int ipAt = f.offset() + ETH;
        int tcpAt = ipAt + IP;
        writeHeader(b, tcpAt, lp, rp, seq, withAck ? ack : 0, TcpView.MIN_HEADER,
                TcpView.RST | (withAck ? TcpView.ACK : 0), 0);
        finish(f, ipAt, tcpAt, TcpView.MIN_HEADER, la, ra);
    }

    /** A stateless SYN-ACK whose ISN is a SYN cookie (RFC 4987 3.6): MSS is the only option. */
    void sendCookieSynAck(Segment s, long now) {
        int peerMss = s.optionsValid && s.options.mss() > 0 ? s.options.mss() : TcpConnection.DEFAULT_MSS;
        int mss = Math.min(peerMss, mssFor(s.remoteAddress));
        long cookie = cookies.make(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.seq, mss, now);
        counters.synCookiesSent++;
        Frame f = loop.pool().acquire();
        ByteBuffer b = f.buffer();
        int ipAt = f.offset() + ETH;
        int tcpAt = ipAt + IP;
        int headerLength = TcpView.MIN_HEADER + TcpOptionsWriter.writeMss(b, tcpAt + TcpView.MIN_HEADER,
                mssFor(s.remoteAddress));
        int window = Math.min(config.receiveBufferSize(), 65535);
        writeHeader(b, tcpAt, s.localPort, s.remotePort, cookie, SeqNum.add(s.seq, 1), headerLength,
                TcpView.SYN | TcpView.ACK, window);
        finish(f, ipAt, tcpAt, headerLength, s.localAddress, s.remoteAddress);
    }

    private static void writeHeader(ByteBuffer b, int at, int sourcePort, int destinationPort, long seq, long ack,
                                    int headerLength, int flags, int window) {
        b.putShort(at + TcpView.SOURCE_PORT_OFFSET, (short) sourcePort);
        b.putShort(at + TcpView.DESTINATION_PORT_OFFSET, (short) destinationPort);
        b.putInt(at + TcpView.SEQUENCE_NUMBER_OFFSET, (int) seq);
        b.putInt(at + TcpView.ACKNOWLEDGMENT_NUMBER_OFFSET, (int) ack);
        b.put(at + TcpView.DATA_OFFSET_OFFSET, (byte) ((headerLength / 4) << 4));
        b.put(at + TcpView.FLAGS_OFFSET, (byte) flags);
        b.putShort(at + TcpView.WINDOW_OFFSET, (short) window);
        b.putShort(at + TcpView.URGENT_POINTER_OFFSET, (short) 0);
    }

    private void finish(Frame f, int ipAt, int tcpAt, int segmentLength, int source, int destination) {
        outView.wrap(f.buffer(), tcpAt, segmentLength);
        outView.fillChecksum(source, destination, segmentLength);
        Ipv4Stack.writeIpv4Header(f.buffer(), ipAt, IP + segmentLength, stack.nextIdentification(), 0x4000,
                Ipv4Stack.DEFAULT_TTL, Ipv4View.PROTO_TCP, source, destination);
        f.setLength(ETH + IP + segmentLength);
        counters.outSegs++;
        stack.send(f);
    }

    // =================================================================== ICMP

    /**
     * ICMP destination unreachable and time exceeded quoting a TCP segment of ours (RFC 792: the
     * quote holds the IP header and at least 8 bytes, enough for ports and sequence number).
     */
    @Override
    public boolean onIcmp(Ipv4View ip, IcmpView icmp, long now) {
        int type = icmp.type();
        if (type != IcmpView.TYPE_DEST_UNREACHABLE && type != IcmpView.TYPE_TIME_EXCEEDED) {
            return false;
        }
        ByteBuffer b = icmp.buffer();
        int at = icmp.payloadOffset();
        int len = icmp.wrappedLength() - IcmpView.HEADER_LENGTH;
        if (len < IP || (b.get(at + Ipv4View.PROTOCOL_OFFSET) & 0xff) != Ipv4View.PROTO_TCP) {
            return false;
        }
        int ihl = (b.get(at) & 0x0f) * 4;
        if (ihl < IP || len < ihl + 8) {
            return false;
        }
        int quotedSource = b.getInt(at + Ipv4View.SOURCE_OFFSET);
        int quotedDestination = b.getInt(at + Ipv4View.DESTINATION_OFFSET);
        int sourcePort = b.getShort(at + ihl) & 0xffff;
        int destinationPort = b.getShort(at + ihl + 2) & 0xffff;
        long seq = b.getInt(at + ihl + 4) & 0xffffffffL;
        TcpConnection c = connections.get(quotedSource, sourcePort, quotedDestination, destinationPort);
        if (c == null) {
            return false;
        }
        c.icmpError(type, icmp.code(), seq, icmp.nextHopMtu(), now);
        return true;
    }
}
