package io.tapnet.ip.filter;

import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;

/**
 * One direction of a tracked connection, as packets going that way look on the wire: protocol,
 * addresses and ports. For ICMP queries both ports hold the identifier; for protocols without ports
 * both are 0. A connection has an original tuple (how its first packet arrived) and a reply tuple
 * (how answers are expected to arrive), which differ by more than a swap when NAT rewrote the first
 * packet.
 */
public final class Tuple {
    final Connection connection;
    final boolean reply;
    final int protocol;
    final int source;
    final int destination;
    final int sourcePort;
    final int destinationPort;
    /** Next tuple in the same hash bucket. */
    Tuple nextInBucket;

    Tuple(Connection connection, boolean reply, int protocol, int source, int destination, int sourcePort,
          int destinationPort) {
        this.connection = connection;
        this.reply = reply;
        this.protocol = protocol;
        this.source = source;
        this.destination = destination;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
    }

    boolean is(int proto, int src, int dst, int sport, int dport) {
        return source == src && destination == dst && sourcePort == sport && destinationPort == dport
                && protocol == proto;
    }

    public Connection connection() {
        return connection;
    }

    /** True for the reply direction. */
    public boolean isReply() {
        return reply;
    }

    /** The IP protocol number. */
    public int protocol() {
        return protocol & 0xff;
    }

    /** The ICMP query type this direction carries (echo request 8, echo reply 0), or -1 for other protocols. */
    public int icmpType() {
        return (protocol & 0xff) == Ipv4View.PROTO_ICMP ? protocol >>> 8 : -1;
    }

    public int source() {
        return source;
    }

    public int destination() {
        return destination;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    /** {@code src=10.0.1.10 dst=10.0.2.10 sport=40000 dport=22}, as {@code conntrack -L} prints a tuple. */
    String describe() {
        String addresses = "src=" + Ipv4Address.format(source) + " dst=" + Ipv4Address.format(destination);
        return switch (protocol()) {
            case Ipv4View.PROTO_TCP, Ipv4View.PROTO_UDP -> addresses + " sport=" + sourcePort + " dport=" + destinationPort;
            case Ipv4View.PROTO_ICMP -> addresses + " type=" + icmpType() + " code=0 id=" + sourcePort;
            default -> addresses;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
