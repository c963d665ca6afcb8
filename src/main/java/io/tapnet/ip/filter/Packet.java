package io.tapnet.ip.filter;

import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.TcpView;
import io.tapnet.wire.UdpView;

import java.nio.ByteBuffer;

/**
 * What the firewall needs to know about the datagram it is looking at, read once per datagram into
 * this reused object (so the hooks allocate nothing): addresses, ports or ICMP identifier, TCP flags,
 * ICMP type, and for an ICMP error the datagram it quotes. Transport headers are read with the wire
 * views' field offsets directly, because a first fragment holds only part of its datagram and the
 * views' length checks would reject it.
 */
final class Packet {
    // Connection states, as netfilter names them.
    static final int NEW = 0;
    static final int ESTABLISHED = 1;
    static final int RELATED = 2;
    /** A tracked protocol whose header is too short or malformed to read. */
    static final int INVALID = 3;

    // How the datagram is tracked.
    /** Not tracked: a fragment after the first (resolved through fragment memory), or an ICMP type without identity. */
    static final int UNTRACKED = 0;
    /** By its 5-tuple: TCP and UDP ports, the ICMP query identifier (in both port fields), or addresses only. */
    static final int TUPLE = 1;
    /** An ICMP error, tracked through the datagram it quotes. */
    static final int ICMP_ERROR = 2;
    /** A header that should be there is not. */
    static final int MALFORMED = 3;

    int ipOffset;
    int protocol;
    int source;
    int destination;
    /** IPv4 total length: what counters count. */
    int length;
    int identification;
    /** Offset 0 with more fragments to come: carries the transport header of a fragmented datagram. */
    boolean firstFragment;
    /** A fragment with a non-zero offset: no transport header. */
    boolean laterFragment;
    int l4Offset;
    int l4Length;

    /** TCP or UDP ports were read. */
    boolean hasPorts;
    int sourcePort;
    int destinationPort;
    int tcpFlags;
    int icmpType = -1;
    int icmpCode = -1;

    int track;
    /**
     * The protocol as the connection table keys it: the protocol number, except that ICMP queries
     * carry their type above it ({@link #icmpKey}), so that an echo request never passes for the reply
     * of another.
     */
    int keyProtocol;
    /** Tuple ports: TCP/UDP ports, or the ICMP query identifier in both. */
    int keySourcePort;
    int keyDestinationPort;
    /** A datagram that may open a connection (not an ICMP reply, not a lone RST). */
    boolean mayCreate;

    // The datagram an ICMP error quotes.
    int innerIpOffset;
    int innerProtocol;
    int innerKeyProtocol;
    int innerSource;
    int innerDestination;
    int innerL4Offset;
    /** Bytes of the inner datagram's transport header present in the quote. */
    int innerL4Length;
    int innerKeySourcePort;
    int innerKeyDestinationPort;

    int state;

    /** Reads {@code ip}, which the stack has validated. */
    void read(Ipv4View ip) {
        ByteBuffer b = ip.buffer();
        ipOffset = ip.offset();
        protocol = ip.protocol();
        source = ip.source();
        destination = ip.destination();
        length = ip.totalLength();
        identification = ip.identification();
        int fragmentOffset = ip.fragmentOffset();
        laterFragment = fragmentOffset != 0;
        firstFragment = fragmentOffset == 0 && ip.moreFragments();
        l4Offset = ip.payloadOffset();
        l4Length = ip.payloadLength();
        hasPorts = false;
        sourcePort = 0;
        destinationPort = 0;
        tcpFlags = 0;
        icmpType = -1;
        icmpCode = -1;
        keySourcePort = 0;
        keyDestinationPort = 0;
        mayCreate = false;
        keyProtocol = protocol;
        state = NEW;
        if (laterFragment) {
            track = UNTRACKED;
            return;
        }
        switch (protocol) {
            case Ipv4View.PROTO_TCP -> {
                if (l4Length < TcpView.MIN_HEADER) {
                    track = MALFORMED;
                    return;
                }
                readPorts(b);
                tcpFlags = b.get(l4Offset + TcpView.FLAGS_OFFSET) & 0xff;
                mayCreate = (tcpFlags & TcpView.RST) == 0;
                track = TUPLE;
            }
            case Ipv4View.PROTO_UDP -> {
                if (l4Length < UdpView.HEADER_LENGTH) {
                    track = MALFORMED;
                    return;
                }
                readPorts(b);
                mayCreate = true;
                track = TUPLE;
            }
            case Ipv4View.PROTO_ICMP -> readIcmp(b);
            default -> {
                mayCreate = true;
                track = TUPLE;
            }
        }
    }

    private void readPorts(ByteBuffer b) {
        hasPorts = true;
        sourcePort = b.getShort(l4Offset + UdpView.SOURCE_PORT_OFFSET) & 0xffff;
        destinationPort = b.getShort(l4Offset + UdpView.DESTINATION_PORT_OFFSET) & 0xffff;
        keySourcePort = sourcePort;
        keyDestinationPort = destinationPort;
    }

    private void readIcmp(ByteBuffer b) {
        if (l4Length < IcmpView.HEADER_LENGTH) {
            track = MALFORMED;
            return;
        }
        icmpType = b.get(l4Offset + IcmpView.TYPE_OFFSET) & 0xff;
        icmpCode = b.get(l4Offset + IcmpView.CODE_OFFSET) & 0xff;
        if (isQueryRequest(icmpType) || isQueryReply(icmpType)) {
            int id = b.getShort(l4Offset + IcmpView.IDENTIFIER_OFFSET) & 0xffff;
            keySourcePort = id;
            keyDestinationPort = id;
            keyProtocol = icmpKey(icmpType);
            mayCreate = isQueryRequest(icmpType);
            track = TUPLE;
            return;
        }
        if (isError(icmpType) && readQuoted(b)) {
            track = ICMP_ERROR;
            return;
        }
        track = UNTRACKED;
    }

    /** Reads the IP header and first 8 bytes an ICMP error quotes (RFC 792); false if they are not there. */
    private boolean readQuoted(ByteBuffer b) {
        int at = l4Offset + IcmpView.HEADER_LENGTH;
        int available = l4Length - IcmpView.HEADER_LENGTH;
        if (available < Ipv4View.MIN_HEADER + 8) {
            return false;
        }
        int versionIhl = b.get(at) & 0xff;
        int ihl = (versionIhl & 0x0f) * 4;
        if ((versionIhl >>> 4) != 4 || ihl < Ipv4View.MIN_HEADER || available < ihl + 8) {
            return false;
        }
        if ((b.getShort(at + Ipv4View.FLAGS_FRAGMENT_OFFSET_OFFSET) & Ipv4View.MAX_FRAGMENT_OFFSET) != 0) {
            return false; // a quoted later fragment carries no ports
        }
        innerIpOffset = at;
        innerProtocol = b.get(at + Ipv4View.PROTOCOL_OFFSET) & 0xff;
        innerSource = b.getInt(at + Ipv4View.SOURCE_OFFSET);
        innerDestination = b.getInt(at + Ipv4View.DESTINATION_OFFSET);
        innerL4Offset = at + ihl;
        innerL4Length = available - ihl;
        innerKeyProtocol = innerProtocol;
        switch (innerProtocol) {
            case Ipv4View.PROTO_TCP, Ipv4View.PROTO_UDP -> {
                innerKeySourcePort = b.getShort(innerL4Offset) & 0xffff;
                innerKeyDestinationPort = b.getShort(innerL4Offset + 2) & 0xffff;
            }
            case Ipv4View.PROTO_ICMP -> {
                int type = b.get(innerL4Offset) & 0xff;
                if (!isQueryRequest(type) && !isQueryReply(type)) {
                    return false;
                }
                int id = b.getShort(innerL4Offset + IcmpView.IDENTIFIER_OFFSET) & 0xffff;
                innerKeyProtocol = icmpKey(type);
                innerKeySourcePort = id;
                innerKeyDestinationPort = id;
            }
            default -> {
                innerKeySourcePort = 0;
                innerKeyDestinationPort = 0;
            }
        }
        return true;
    }

    /** The table key of an ICMP query of {@code type}: protocol 1 with the type in the next byte. */
    static int icmpKey(int type) {
        return Ipv4View.PROTO_ICMP | (type << 8);
    }

    /**
     * The key a packet going the other way has: the same protocol, and for an ICMP query the matching
     * reply (or request) type.
     */
    static int reverseKey(int keyProtocol) {
        if ((keyProtocol & 0xff) != Ipv4View.PROTO_ICMP) {
            return keyProtocol;
        }
        int type = keyProtocol >>> 8;
        int other = switch (type) {
            case IcmpView.TYPE_ECHO_REQUEST -> IcmpView.TYPE_ECHO_REPLY;
            case IcmpView.TYPE_ECHO_REPLY -> IcmpView.TYPE_ECHO_REQUEST;
            case 13, 15, 17 -> type + 1;
            case 14, 16, 18 -> type - 1;
            default -> type;
        };
        return icmpKey(other);
    }

    /** Echo, timestamp, information and address-mask requests (RFC 792, RFC 950). */
    static boolean isQueryRequest(int type) {
        return type == IcmpView.TYPE_ECHO_REQUEST || type == 13 || type == 15 || type == 17;
    }

    static boolean isQueryReply(int type) {
        return type == IcmpView.TYPE_ECHO_REPLY || type == 14 || type == 16 || type == 18;
    }

    /** Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
    static boolean isError(int type) {
        return type == IcmpView.TYPE_DEST_UNREACHABLE || type == 4 || type == 5
                || type == IcmpView.TYPE_TIME_EXCEEDED || type == 12;
    }

    static String stateName(int state) {
        return switch (state) {
            case NEW -> "NEW";
            case ESTABLISHED -> "ESTABLISHED";
            case RELATED -> "RELATED";
            default -> "INVALID";
        };
    }
}
