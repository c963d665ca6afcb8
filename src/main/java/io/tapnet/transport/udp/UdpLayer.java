package io.tapnet.transport.udp;

import io.tapnet.collect.IntObjectMap;
import io.tapnet.ip.IcmpListener;
import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.ip.ProtocolHandler;
import io.tapnet.ip.Route;
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
import io.tapnet.wire.UdpView;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * UDP (RFC 768) for one node: the port table, demultiplexing of arriving datagrams to endpoints,
 * ICMP port unreachable for datagrams nobody wants, ICMP errors handed to the connected endpoint
 * whose datagram they quote, and sending with the pseudo-header checksum.
 *
 * <p>Demultiplexing follows Linux's scoring: among the endpoints bound to the destination port, one
 * bound to the exact destination address beats one bound to the wildcard, and a connected endpoint
 * only matches datagrams from its peer and beats an unconnected one. Two endpoints may share a port
 * only if they are bound to different specific addresses (no {@code SO_REUSEADDR}).
 *
 * <p>Everything runs on the node's event loop. The receive path allocates nothing: the arriving
 * {@link Frame} itself is queued on the endpoint until the application reads it.
 */
public final class UdpLayer implements ProtocolHandler, IcmpListener {
    private static final int ETH = EthernetView.HEADER_LENGTH;
    /** Largest payload of one unfragmented datagram in a pooled frame (we never fragment). */
    private static final int IP_UDP_HEADERS = Ipv4View.MIN_HEADER + UdpView.HEADER_LENGTH;

    private final Ipv4Stack stack;
    private final EventLoop loop;
    private final EphemeralPorts ephemeral;
    /** Port -> first endpoint bound to it; further ones chain through {@link UdpEndpoint#nextOnPort}. */
    private final IntObjectMap<UdpEndpoint> byPort = new IntObjectMap<>();
    private final UdpView udp = new UdpView();
    /** RFC 1812 4.3.2.8 rate limit, Linux's defaults (the stack's own limiter is not reachable from here). */

    long inDatagrams;
    long noPorts;
    long inErrors;
    long receiveBufferErrors;
    long outDatagrams;
    long icmpErrorsSent;

    /** A layer with a random source from the system's entropy. */
    public UdpLayer(Ipv4Stack stack) {
        this(stack, new SplittableRandom(new SecureRandom().nextLong()));
    }

    /** A layer whose ephemeral ports come from {@code random} (seed it for reproducible runs). */
    public UdpLayer(Ipv4Stack stack, RandomGenerator random) {
        this.stack = stack;
        this.loop = stack.loop();
        this.ephemeral = new EphemeralPorts(random);
        stack.registerProtocol(Ipv4View.PROTO_UDP, this);
        stack.addIcmpListener(this);
    }

    public Ipv4Stack stack() {
        return stack;
    }

    EventLoop loop() {
        return loop;
    }

    /** A new, unbound endpoint. */
    public UdpEndpoint open() {
        return new UdpEndpoint(this);
    }

    /** A new endpoint bound to {@code address} (0 for any) and {@code port} (0 for an ephemeral one). */
    public UdpEndpoint bind(int address, int port) {
        UdpEndpoint e = open();
        e.bind(address, port);
        return e;
    }

    /** Every open endpoint, for {@code NODE sockets}. */
    public List<UdpEndpoint> endpoints() {
        List<UdpEndpoint> all = new ArrayList<>();
        byPort.forEach((port, first) -> {
            for (UdpEndpoint e = first; e != null; e = e.nextOnPort) {
                all.add(e);
            }
        });
        return all;
    }

    public long inDatagrams() {
        return inDatagrams;
    }

    /** Datagrams for a port nobody listens on (RFC 4113 udpNoPorts). */
    public long noPorts() {
        return noPorts;
    }

    /** Datagrams dropped as truncated or with a bad checksum (udpInErrors). */
    public long inErrors() {
        return inErrors;
    }

    /** Datagrams dropped because the endpoint's receive queue was full. */
    public long receiveBufferErrors() {
        return receiveBufferErrors;
    }

    /** ICMP port unreachable messages this layer sent. */
    public long icmpErrorsSent() {
        return icmpErrorsSent;
    }

    public long outDatagrams() {
        return outDatagrams;
    }

    // ------------------------------------------------------------------ port table

    void bind(UdpEndpoint e, int address, int port) {
        if (address != Ipv4Address.ANY && !stack.isLocalAddress(address)) {
            throw new TransportException(SocketError.ADDRESS_NOT_AVAILABLE, Ipv4Address.format(address));
        }
        if (port == 0) {
            port = ephemeral.pick(p -> portFree(address, p));
            if (port < 0) {
                throw new TransportException(SocketError.ADDRESS_NOT_AVAILABLE, "no free ephemeral port");
            }
        } else if (!portFree(address, port)) {
            throw new TransportException(SocketError.ADDRESS_IN_USE, Ipv4Address.format(address) + ":" + port);
        }
        e.localAddress = address;
        e.localPort = port;
        e.nextOnPort = byPort.get(port);
        byPort.put(port, e);
    }

    private boolean portFree(int address, int port) {
        for (UdpEndpoint e = byPort.get(port); e != null; e = e.nextOnPort) {
            if (e.localAddress == Ipv4Address.ANY || address == Ipv4Address.ANY || e.localAddress == address) {
                return false;
            }
        }
        return true;
    }

    void unbind(UdpEndpoint e) {
        UdpEndpoint first = byPort.get(e.localPort);
        if (first == e) {
            if (e.nextOnPort == null) {
                byPort.remove(e.localPort);
            } else {
                byPort.put(e.localPort, e.nextOnPort);
            }
        } else {
            for (UdpEndpoint p = first; p != null; p = p.nextOnPort) {
                if (p.nextOnPort == e) {
                    p.nextOnPort = e.nextOnPort;
                    break;
                }
            }
        }
        e.nextOnPort = null;
    }

    /** The best endpoint for a datagram, or null (see the class comment for the order). */
    private UdpEndpoint lookup(int localAddress, int localPort, int remoteAddress, int remotePort) {
        UdpEndpoint best = null;
        int bestScore = -1;
        for (UdpEndpoint e = byPort.get(localPort); e != null; e = e.nextOnPort) {
            int score = 0;
            if (e.localAddress != Ipv4Address.ANY) {
                if (e.localAddress != localAddress) {
                    continue;
                }
                score += 1;
            }
            if (e.remotePort != 0) {
                if (e.remoteAddress != remoteAddress || e.remotePort != remotePort) {
                    continue;
                }
                score += 2;
            }
            if (score > bestScore) {
                best = e;
                bestScore = score;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ receive

    @Override
    public void receive(IpInterface in, Frame frame, Ipv4View ip) {
        ByteBuffer b = frame.buffer();
        int status = udp.wrap(b, ip.payloadOffset(), ip.payloadLength(), ip.source(), ip.destination());
        if (status != ParseStatus.OK) {
            inErrors++;
            stack.counters().countUdpInError();
            frame.release();
            return;
        }
        int destination = ip.destination();
        boolean broadcast = !stack.isLocalAddress(destination);
        UdpEndpoint e = lookup(destination, udp.destinationPort(), ip.source(), udp.sourcePort());
        if (e == null) {
            noPorts++;
            stack.counters().countUdpNoPort();
            if (!broadcast) {
                // RFC 1122 3.2.2.1 / RFC 768: a closed port answers with ICMP port unreachable; the
                // stack's error path applies RFC 1122 3.2.2's rules and its rate limit.
                icmpErrorsSent++;
                stack.sendDestinationUnreachable(frame, IcmpView.CODE_PORT_UNREACHABLE);
            }
            frame.release();
            return;
        }
        inDatagrams++;
        if (!e.enqueue(frame, udp.payloadOffset(), udp.payloadLength(), ip.source(), udp.sourcePort())) {
            receiveBufferErrors++;
            frame.release();
        }
    }

    /**
     * RFC 1122 4.1.3.3: UDP passes ICMP errors up to the application. As Linux does by default, only
     * a connected endpoint hears about them, since only there is the peer unambiguous.
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
        if (len < Ipv4View.MIN_HEADER || (b.get(at + Ipv4View.PROTOCOL_OFFSET) & 0xff) != Ipv4View.PROTO_UDP) {
            return false;
        }
        int ihl = (b.get(at) & 0x0f) * 4;
        if (ihl < Ipv4View.MIN_HEADER || len < ihl + 4) {
            return false;
        }
        int quotedSource = b.getInt(at + Ipv4View.SOURCE_OFFSET);
        int quotedDestination = b.getInt(at + Ipv4View.DESTINATION_OFFSET);
        int sourcePort = b.getShort(at + ihl) & 0xffff;
        int destinationPort = b.getShort(at + ihl + 2) & 0xffff;
        UdpEndpoint e = lookup(quotedSource, sourcePort, quotedDestination, destinationPort);
        if (e == null || e.remotePort == 0) {
            return false;
        }
        SocketError error;
        if (type == IcmpView.TYPE_TIME_EXCEEDED) {
            error = SocketError.HOST_UNREACHABLE;
        } else {
            error = switch (icmp.code()) {
                case IcmpView.CODE_PORT_UNREACHABLE, IcmpView.CODE_PROTOCOL_UNREACHABLE -> SocketError.PORT_UNREACHABLE;
                case IcmpView.CODE_NET_UNREACHABLE -> SocketError.NETWORK_UNREACHABLE;
                case IcmpView.CODE_FRAGMENTATION_NEEDED -> SocketError.MESSAGE_TOO_LONG;
                default -> SocketError.HOST_UNREACHABLE;
            };
        }
        e.icmpError(error);
        return true;
    }

    // ------------------------------------------------------------------ send

    /** Builds and sends one datagram from {@code e}; returns the payload length sent. */
    int send(UdpEndpoint e, ByteBuffer src, int destination, int destinationPort) {
        if (destinationPort <= 0 || destinationPort > 0xffff) {
            throw new TransportException(SocketError.INVALID_STATE, "destination port " + destinationPort);
        }
        int length = src.remaining();
        boolean broadcast = isBroadcast(destination);
        if (broadcast && !e.broadcast) {
            throw new TransportException(SocketError.BROADCAST_NOT_ENABLED);
        }
        int source;
        int mtu;
        if (destination == Ipv4Address.BROADCAST) {
            List<IpInterface> ifs = stack.interfaces();
            if (ifs.isEmpty()) {
                throw new TransportException(SocketError.NETWORK_UNREACHABLE);
            }
            source = e.localAddress != Ipv4Address.ANY ? e.localAddress : ifs.get(0).address();
            mtu = ifs.get(0).mtu();
        } else if (stack.isLocalAddress(destination)) {
            source = e.localAddress != Ipv4Address.ANY ? e.localAddress : destination;
            mtu = 65535;
        } else {
            Route r = stack.routes().lookup(destination);
            if (r == null) {
                throw new TransportException(SocketError.NETWORK_UNREACHABLE, Ipv4Address.format(destination));
            }
            source = e.localAddress != Ipv4Address.ANY ? e.localAddress : r.iface().address();
            mtu = r.iface().mtu();
        }
        Frame f = loop.pool().acquire();
        int room = f.capacity() - f.offset() - ETH - IP_UDP_HEADERS;
        // No fragmentation in this stack: a datagram must fit the outgoing link (EMSGSIZE otherwise).
        if (length > mtu - IP_UDP_HEADERS || length > room) {
            f.release();
            throw new TransportException(SocketError.MESSAGE_TOO_LONG, length + " bytes");
        }
        ByteBuffer b = f.buffer();
        int ipAt = f.offset() + ETH;
        int udpAt = ipAt + Ipv4View.MIN_HEADER;
        int total = IP_UDP_HEADERS + length;
        Ipv4Stack.writeIpv4Header(b, ipAt, total, stack.nextIdentification(), 0, Ipv4Stack.DEFAULT_TTL,
                Ipv4View.PROTO_UDP, source, destination);
        b.put(udpAt + UdpView.HEADER_LENGTH, src, src.position(), length);
        src.position(src.position() + length);
        udp.wrap(b, udpAt, UdpView.HEADER_LENGTH + length);
        udp.sourcePort(e.localPort);
        udp.destinationPort(destinationPort);
        udp.length(UdpView.HEADER_LENGTH + length);
        udp.fillChecksum(source, destination);
        f.setLength(ETH + total);
        outDatagrams++;
        if (stack.send(f) != Ipv4Stack.SENT) {
            throw new TransportException(SocketError.NETWORK_UNREACHABLE, Ipv4Address.format(destination));
        }
        return length;
    }

    /** The limited broadcast or the directed broadcast of one of our subnets (RFC 919, RFC 922). */
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
}
