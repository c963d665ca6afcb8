/**
 * Layer 3: one {@code Ipv4Stack} per node, shared by hosts (forwarding off) and routers (forwarding
 * on), as in Linux.
 *
 * <p>The receive path validates every datagram (the drop counters in {@code IpCounters} are named
 * after RFC 1213's MIB-II objects where one exists), delivers local ones to ICMP and the registered
 * transports, and forwards the rest by longest-prefix match ({@code RoutingTable}) with the TTL
 * decremented and the checksum updated incrementally (RFC 1624). ICMP errors follow RFC 1122 3.2.2
 * and RFC 1812 4.3.2: never about errors, broadcasts or non-initial fragments, rate-limited, quoting
 * as much of the datagram as fits in 576 bytes. Datagrams too big for a link are fragmented (or
 * answered with "fragmentation needed" when DF is set); hosts reassemble with bounded memory and
 * remember path MTUs (RFC 1191).
 *
 * <p>Frames are handled in place in their pooled buffers, with views kept in fields, so the forwarding
 * path allocates nothing. {@code PacketFilter} offers netfilter's five hooks; {@code filter} plugs ACLs,
 * connection tracking and NAT into them.
 */
package io.tapnet.ip;
