package io.tapnet.ip.filter;

import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.TcpView;
import io.tapnet.wire.UdpView;

import java.nio.ByteBuffer;

/**
 * Rewrites addresses and ports in place and keeps every checksum right without summing the packet
 * again: each changed 16-bit word is folded into the IPv4 header checksum and into the TCP or UDP
 * checksum (whose pseudo-header covers the addresses) by RFC 1624's incremental update. That also
 * works for the first fragment of a fragmented datagram, whose transport checksum covers bytes this
 * node never sees. ICMP errors are the exception: after the quoted datagram is rewritten, their
 * checksum is computed afresh (they are small, and rare).
 */
final class NatRewriter {
    private NatRewriter() {
    }

    /** RFC 1624 eqn. 3 for a 32-bit field: two 16-bit words. */
    static int update32(int checksum, int oldValue, int newValue) {
        int c = InternetChecksum.incrementalUpdate(checksum, oldValue >>> 16, newValue >>> 16);
        return InternetChecksum.incrementalUpdate(c, oldValue & 0xffff, newValue & 0xffff);
    }

    /** Sets the source (address, and port or ICMP identifier when {@code port >= 0}) of the datagram {@code p} describes. */
    static void source(ByteBuffer b, Packet p, int address, int port) {
        rewrite(b, p.ipOffset, p.protocol, p.laterFragment ? -1 : p.l4Offset, p.l4Length, true, address, port);
        p.source = address;
        if (port >= 0 && p.track == Packet.TUPLE) {
            setSourcePort(p, port);
        }
    }

    /** Sets the destination of the datagram {@code p} describes. */
    static void destination(ByteBuffer b, Packet p, int address, int port) {
        rewrite(b, p.ipOffset, p.protocol, p.laterFragment ? -1 : p.l4Offset, p.l4Length, false, address, port);
        p.destination = address;
        if (port >= 0 && p.track == Packet.TUPLE) {
            setDestinationPort(p, port);
        }
    }

    private static void setSourcePort(Packet p, int port) {
        if (p.protocol == Ipv4View.PROTO_ICMP) {
            p.keySourcePort = port;
            p.keyDestinationPort = port;
        } else if (p.hasPorts) {
            p.sourcePort = port;
            p.keySourcePort = port;
        }
    }

    private static void setDestinationPort(Packet p, int port) {
        if (p.protocol == Ipv4View.PROTO_ICMP) {
            p.keySourcePort = port;
            p.keyDestinationPort = port;
        } else if (p.hasPorts) {
            p.destinationPort = port;
            p.keyDestinationPort = port;
        }
    }

    /**
     * Rewrites the IP datagram whose header is at {@code ip}. {@code l4} is the transport header's
     * offset, or -1 when there is none (a later fragment); {@code l4Length} the bytes of it present.
     */
    static void rewrite(ByteBuffer b, int ip, int protocol, int l4, int l4Length, boolean source, int address,
                        int port) {
        int field = ip + (source ? Ipv4View.SOURCE_OFFSET : Ipv4View.DESTINATION_OFFSET);
        int oldAddress = b.getInt(field);
        int transportChecksum = l4 < 0 ? -1 : transportChecksumOffset(b, protocol, l4, l4Length);
        if (oldAddress != address) {
            b.putInt(field, address);
            int header = ip + Ipv4View.HEADER_CHECKSUM_OFFSET;
            b.putShort(header, (short) update32(b.getShort(header) & 0xffff, oldAddress, address));
            if (transportChecksum >= 0 && protocol != Ipv4View.PROTO_ICMP) {
                // The TCP and UDP pseudo-header (RFC 9293 3.1, RFC 768) covers both addresses.
                putTransportChecksum(b, protocol, transportChecksum,
                        update32(b.getShort(transportChecksum) & 0xffff, oldAddress, address));
            }
        }
        if (port < 0 || l4 < 0) {
            return;
        }
        int portField;
        switch (protocol) {
            case Ipv4View.PROTO_TCP, Ipv4View.PROTO_UDP -> {
                if (l4Length < 4) {
                    return;
                }
                portField = l4 + (source ? UdpView.SOURCE_PORT_OFFSET : UdpView.DESTINATION_PORT_OFFSET);
            }
            case Ipv4View.PROTO_ICMP -> {
                if (l4Length < IcmpView.HEADER_LENGTH) {
                    return;
                }
                portField = l4 + IcmpView.IDENTIFIER_OFFSET;
            }
            default -> {
                return;
            }
        }
        int oldPort = b.getShort(portField) & 0xffff;
        if (oldPort == port) {
            return;
        }
        b.putShort(portField, (short) port);
        if (transportChecksum >= 0) {
            putTransportChecksum(b, protocol, transportChecksum,
                    InternetChecksum.incrementalUpdate(b.getShort(transportChecksum) & 0xffff, oldPort, port));
        }
    }

    /**
     * Where the transport checksum is, or -1 when it is not in the bytes present or not in use (a UDP
     * checksum of 0 means the sender computed none, RFC 768, and must stay 0).
     */
    private static int transportChecksumOffset(ByteBuffer b, int protocol, int l4, int l4Length) {
        int at = switch (protocol) {
            case Ipv4View.PROTO_TCP -> TcpView.CHECKSUM_OFFSET;
            case Ipv4View.PROTO_UDP -> UdpView.CHECKSUM_OFFSET;
            case Ipv4View.PROTO_ICMP -> IcmpView.CHECKSUM_OFFSET;
            default -> -1;
        };
        if (at < 0 || at + 2 > l4Length) {
            return -1;
        }
        if (protocol == Ipv4View.PROTO_UDP && b.getShort(l4 + at) == 0) {
            return -1;
        }
        return l4 + at;
    }

    private static void putTransportChecksum(ByteBuffer b, int protocol, int at, int checksum) {
        if (protocol == Ipv4View.PROTO_UDP && checksum == 0) {
            checksum = UdpView.CHECKSUM_ZERO_SENT_AS; // RFC 768: a computed zero is sent as all ones
        }
        b.putShort(at, (short) checksum);
    }

    /**
     * Rewrites the datagram an ICMP error quotes to {@code source:sourcePort -> destination:destinationPort},
     * then recomputes the ICMP checksum over the whole message.
     */
    static void quoted(ByteBuffer b, Packet p, int source, int destination, int sourcePort, int destinationPort) {
        rewrite(b, p.innerIpOffset, p.innerProtocol, p.innerL4Offset, p.innerL4Length, true, source,
                p.innerProtocol == Ipv4View.PROTO_ICMP || hasPorts(p.innerProtocol) ? sourcePort : -1);
        rewrite(b, p.innerIpOffset, p.innerProtocol, p.innerL4Offset, p.innerL4Length, false, destination,
                hasPorts(p.innerProtocol) ? destinationPort : -1);
        p.innerSource = source;
        p.innerDestination = destination;
        p.innerKeySourcePort = sourcePort;
        p.innerKeyDestinationPort = destinationPort;
        int icmp = p.l4Offset;
        b.putShort(icmp + IcmpView.CHECKSUM_OFFSET, (short) 0);
        b.putShort(icmp + IcmpView.CHECKSUM_OFFSET, (short) InternetChecksum.compute(b, icmp, p.l4Length));
    }

    private static boolean hasPorts(int protocol) {
        return protocol == Ipv4View.PROTO_TCP || protocol == Ipv4View.PROTO_UDP;
    }
}
