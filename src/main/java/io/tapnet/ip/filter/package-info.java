/**
 * Access control and address translation on a node's IPv4 path: stateless interface ACLs, stateful
 * filtering through a connection tracker, security groups on host interfaces, source NAT (masquerade)
 * and destination NAT (port forwards), all composed by one {@link io.tapnet.ip.filter.Firewall} per
 * node that plugs into the stack's {@link io.tapnet.ip.PacketFilter} hooks.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.tapnet.ip.filter.Rule}: one match (direction, source and destination prefix,
 *       protocol, port ranges, ICMP type and code, connection state) and an
 *       {@link io.tapnet.ip.filter.Action} (allow, deny, reject). Values, read from a compact text
 *       form ({@code allow tcp from 10.0.1.10 to any port 22}).</li>
 *   <li>{@link io.tapnet.ip.filter.InterfaceAcl}: the ordered rules of an interface per direction;
 *       first match wins, no match is denied.</li>
 *   <li>{@link io.tapnet.ip.filter.SecurityGroup}: cloud-style allow-lists per host interface,
 *       stateful, inbound denied and outbound allowed by default.</li>
 *   <li>{@link io.tapnet.ip.filter.Chain}: the runtime form of either, with a packet and byte
 *       counter per rule and for the policy.</li>
 *   <li>{@link io.tapnet.ip.filter.ConnTrack}: the bounded connection table, keyed by 5-tuple (the
 *       ICMP query identifier stands in for ports), aged by the loop time every hook is handed,
 *       never by a clock. Timeouts and the bound are a {@link io.tapnet.ip.filter.ConnTrackConfig}.</li>
 *   <li>{@link io.tapnet.ip.filter.PortForward} and masquerade: NAT decided per connection, applied
 *       per packet by incremental checksum updates (RFC 1624), ICMP errors translated whole
 *       (RFC 5508).</li>
 * </ul>
 *
 * <h2>Semantics worth knowing</h2>
 * <ul>
 *   <li>Rules see packets after destination NAT and before source NAT, as iptables' filter chains
 *       do.</li>
 *   <li>A connection is entered in the table only once its first packet has passed every check;
 *       "established" means the packet belongs to an entry (either direction), "related" that it is
 *       an ICMP error about one.</li>
 *   <li>Fragments after the first carry no ports; they follow the first fragment's connection through
 *       a small fragment memory, or are treated as untracked (and dropped on a masquerading
 *       interface, so inside addresses never leak).</li>
 *   <li>The steady path (a packet of a known connection) allocates nothing; a new connection
 *       allocates its entry.</li>
 * </ul>
 */
package io.tapnet.ip.filter;
