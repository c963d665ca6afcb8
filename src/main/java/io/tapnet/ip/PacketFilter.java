package io.tapnet.ip;

import io.tapnet.phy.Frame;
import io.tapnet.wire.Ipv4View;

/**
 * The netfilter-shaped hooks of a node's IPv4 path, where access control and address translation
 * plug in. Each hook sees a validated datagram whose IPv4 header is wrapped in {@code ip} (at
 * {@code frame.offset() + 14}); it may rewrite addresses and ports in place (keeping checksums
 * right) and returns a verdict. The stack releases dropped frames itself.
 *
 * <pre>
 *   in -> PREROUTING -> routing -> INPUT -> local delivery
 *                              \-> FORWARD -> POSTROUTING -> out
 *   local send -> routing -> OUTPUT -> POSTROUTING -> out
 * </pre>
 */
public interface PacketFilter {
    int ACCEPT = 0;
    /** Discard silently. */
    int DROP = 1;
    /** Discard and tell the sender (ICMP destination unreachable, communication administratively prohibited). */
    int REJECT = 2;

    /** Before routing, for every datagram that arrives: destination NAT and the reverse of source NAT. */
    int prerouting(IpInterface in, Frame frame, Ipv4View ip, long now);

    /** Datagrams addressed to this node, after PREROUTING. */
    int input(IpInterface in, Frame frame, Ipv4View ip, long now);

    /** Datagrams routed through this node, before the TTL is decremented. */
    int forward(IpInterface in, IpInterface out, Frame frame, Ipv4View ip, long now);

    /** Datagrams this node originates, after routing. */
    int output(IpInterface out, Frame frame, Ipv4View ip, long now);

    /** After routing, for every datagram that leaves: source NAT and the reverse of destination NAT. */
    int postrouting(IpInterface out, Frame frame, Ipv4View ip, long now);

    /** The node lost power: forget dynamic state such as tracked connections. Rules stay. */
    default void reset() {
    }
}
