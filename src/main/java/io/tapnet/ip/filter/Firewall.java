package io.tapnet.ip.filter;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.ip.PacketFilter;
import io.tapnet.phy.Frame;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Access control and address translation for one node, in the hooks of its {@link Ipv4Stack}: the
 * interface ACLs and security groups, the connection tracker they and NAT share, masquerade (source
 * NAT) on egress interfaces and port forwards (destination NAT).
 *
 * <p>What happens where, as in Linux's netfilter:
 * <pre>
 *   PREROUTING   read the datagram, find its connection; destination NAT (port forwards, and the
 *                way back of masqueraded connections); ICMP errors about a connection translated whole
 *   INPUT        ACL and security group of the arrival interface; confirm the connection
 *   FORWARD      ACL (and security group) in on the arrival interface, then out on the departure one
 *   OUTPUT       read and look up as PREROUTING; ACL and security group out on the departure interface
 *   POSTROUTING  source NAT (masquerade for new connections, the way back of port forwards); confirm
 * </pre>
 * So rules see the real inside addresses: after a port forward has chosen its inside host, and
 * before masquerade has hidden the sender.
 *
 * <p>A connection enters the table only when its first packet has passed every check ("confirm"),
 * so dropped packets never open holes. Later packets of it, in either direction, and ICMP errors
 * about it have connection state ESTABLISHED or RELATED, which {@code established} rules and every
 * security group let through. Connection tracking is on only when something needs it (a security
 * group, an {@code established} rule, NAT); plain stateless ACLs cost a scan of their rules.
 *
 * <p>Not done: reassembly before filtering (fragments after the first follow the first one's fate
 * through a small fragment memory, see {@link FragmentMemory}); translating the quote of an ICMP error
 * this node generates about a packet it dropped after destination NAT; helpers for protocols that
 * carry addresses in their payload (FTP, SIP).
 *
 * <p>Configure before the network runs (or on the loop); the hooks run on the event loop and allocate
 * nothing per packet, only per new connection.
 */
public final class Firewall implements PacketFilter {
    private final Ipv4Stack stack;
    private final ConnTrack table;
    private final FragmentMemory fragments = new FragmentMemory(256);
    private final Packet pkt = new Packet();

    private Chain[] aclIn = new Chain[0];
    private Chain[] aclOut = new Chain[0];
    private Chain[] groupIn = new Chain[0];
    private Chain[] groupOut = new Chain[0];
    private boolean[] masquerade = new boolean[0];
    private PortForward[] forwards = new PortForward[0];
    private long[] forwardConnections = new long[0];
    private boolean tracking;

    private long masqueradedConnections;
    private long invalidDrops;
    private long natFailures;
    /** Where the search for a free masquerade port goes on from. */
    private int nextPort;

    // The datagram being looked at, between its first hook (PREROUTING or OUTPUT) and its last.
    private Tuple current;
    private boolean pendingNew;
    private int originalSource;
    private int originalDestination;
    private int originalSourcePort;
    private int originalDestinationPort;

    /** A firewall with the default connection table; {@link #install()} puts it in the stack. */
    public Firewall(Ipv4Stack stack) {
        this(stack, ConnTrackConfig.DEFAULT);
    }

    public Firewall(Ipv4Stack stack, ConnTrackConfig config) {
        this.stack = stack;
        this.table = new ConnTrack(config);
    }

    /** Makes this the stack's packet filter. */
    public Firewall install() {
        stack.setFilter(this);
        return this;
    }

    public Ipv4Stack stack() {
        return stack;
    }

    // ================================================================== configuration

    private IpInterface requireInterface(String name) {
        IpInterface i = stack.iface(name);
        if (i == null) {
            throw new IllegalArgumentException(stack.node() + " has no interface '" + name + "'");
        }
        int n = stack.interfaces().size();
        if (aclIn.length < n) {
            aclIn = Arrays.copyOf(aclIn, n);
            aclOut = Arrays.copyOf(aclOut, n);
            groupIn = Arrays.copyOf(groupIn, n);
            groupOut = Arrays.copyOf(groupOut, n);
            masquerade = Arrays.copyOf(masquerade, n);
        }
        return i;
    }

    /** Sets the ACL of interface {@code iface} (replacing any, counters zeroed). */
    public Firewall acl(String iface, InterfaceAcl acl) {
        int i = requireInterface(iface).port().index();
        aclIn[i] = acl.in().isEmpty() ? null : Chain.acl(iface, Direction.IN, acl.in());
        aclOut[i] = acl.out().isEmpty() ? null : Chain.acl(iface, Direction.OUT, acl.out());
        updateTracking();
        return this;
    }

    /** Puts interface {@code iface} in a security group (replacing any). */
    public Firewall securityGroup(String iface, SecurityGroup group) {
        int i = requireInterface(iface).port().index();
        groupIn[i] = Chain.securityGroup(iface, Direction.IN, group.inbound());
        groupOut[i] = Chain.securityGroup(iface, Direction.OUT, group.outbound());
        updateTracking();
        return this;
    }

    /** Hides every new connection leaving through {@code iface} behind that interface's address. */
    public Firewall masquerade(String iface) {
        int i = requireInterface(iface).port().index();
        masquerade[i] = true;
        updateTracking();
        return this;
    }

    /** Adds a port forward; the first that matches a new connection wins. */
    public Firewall portForward(PortForward forward) {
        forwards = Arrays.copyOf(forwards, forwards.length + 1);
        forwards[forwards.length - 1] = forward;
        forwardConnections = Arrays.copyOf(forwardConnections, forwards.length);
        updateTracking();
        return this;
    }

    private void updateTracking() {
        boolean t = forwards.length > 0;
        for (int i = 0; i < aclIn.length; i++) {
            t |= masquerade[i] || groupIn[i] != null || groupOut[i] != null
                    || (aclIn[i] != null && aclIn[i].usesConnectionState())
                    || (aclOut[i] != null && aclOut[i].usesConnectionState());
        }
        tracking = t;
    }

    /** Whether connections are tracked (security groups, {@code established} rules or NAT need it). */
    public boolean isTracking() {
        return tracking;
    }

    public ConnTrack connTrack() {
        return table;
    }

    /** The ACL chain of {@code iface} in {@code direction}, or null. */
    public Chain acl(String iface, Direction direction) {
        int i = indexOf(iface);
        return i < 0 ? null : (direction == Direction.IN ? aclIn : aclOut)[i];
    }

    /** The security-group chain of {@code iface} in {@code direction}, or null. */
    public Chain securityGroup(String iface, Direction direction) {
        int i = indexOf(iface);
        return i < 0 ? null : (direction == Direction.IN ? groupIn : groupOut)[i];
    }

    private int indexOf(String iface) {
        IpInterface i = stack.iface(iface);
        return i == null || i.port().index() >= aclIn.length ? -1 : i.port().index();
    }

    /** Every chain, interface by interface, in before out, ACL before security group. */
    public List<Chain> chains() {
        List<Chain> out = new ArrayList<>();
        for (int i = 0; i < aclIn.length; i++) {
            for (Chain c : new Chain[] {aclIn[i], groupIn[i], aclOut[i], groupOut[i]}) {
                if (c != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    public List<String> masqueradeInterfaces() {
        List<String> out = new ArrayList<>();
        for (IpInterface i : stack.interfaces()) {
            if (i.port().index() < masquerade.length && masquerade[i.port().index()]) {
                out.add(i.name());
            }
        }
        return out;
    }

    public List<PortForward> portForwards() {
        return List.of(forwards);
    }

    /** New connections port forward {@code i} has taken in. */
    public long portForwardConnections(int i) {
        return forwardConnections[i];
    }

    /** New connections given the address of a masquerading interface. */
    public long masqueradedConnections() {
        return masqueradedConnections;
    }

    /** Datagrams dropped because they could not be tracked where tracking mattered (masquerade). */
    public long invalidDrops() {
        return invalidDrops;
    }

    /** New connections dropped because no translation was free. */
    public long natFailures() {
        return natFailures;
    }

    /** A stopped node forgets its connections, NAT mappings included; the rules stay. */
    @Override
    public void reset() {
        clearConnections();
    }

    /** Forgets every connection, as a restarted node would. Rules and their counters stay. */
    public void clearConnections() {
        table.clear();
        fragments.clear();
    }

    // ================================================================== hooks

    @Override
    public int prerouting(IpInterface in, Frame frame, Ipv4View ip, long now) {
        begin(ip, now);
        if (!tracking) {
            return ACCEPT;
        }
        ByteBuffer b = ip.buffer();
        if (current != null) {
            if (pkt.track == Packet.ICMP_ERROR) {
                translateError(b);
            } else {
                translateDestination(b);
            }
            return ACCEPT;
        }
        if (pendingNew && pkt.hasPorts && forwards.length > 0) {
            return forwardPort(b, now);
        }
        return ACCEPT;
    }

    @Override
    public int input(IpInterface in, Frame frame, Ipv4View ip, long now) {
        int verdict = filter(in, Direction.IN);
        if (verdict != ACCEPT) {
            return verdict;
        }
        if (tracking && current != null && pkt.track != Packet.ICMP_ERROR) {
            translateSource(ip.buffer());
        }
        return confirm(now);
    }

    @Override
    public int forward(IpInterface in, IpInterface out, Frame frame, Ipv4View ip, long now) {
        int verdict = filter(in, Direction.IN);
        return verdict != ACCEPT ? verdict : filter(out, Direction.OUT);
    }

    @Override
    public int output(IpInterface out, Frame frame, Ipv4View ip, long now) {
        begin(ip, now);
        if (tracking && current != null) {
            if (pkt.track == Packet.ICMP_ERROR) {
                translateError(ip.buffer());
            } else {
                translateDestination(ip.buffer());
            }
        }
        return filter(out, Direction.OUT);
    }

    @Override
    public int postrouting(IpInterface out, Frame frame, Ipv4View ip, long now) {
        if (!tracking) {
            return ACCEPT;
        }
        ByteBuffer b = ip.buffer();
        boolean masq = isMasquerading(out);
        if (current != null) {
            if (pkt.track != Packet.ICMP_ERROR) {
                translateSource(b);
            }
        } else if (masq && pkt.source != out.address()) {
            if (!pendingNew) {
                // Nothing to translate it with: let it out and the inside address would leak.
                invalidDrops++;
                return DROP;
            }
            int verdict = masqueradeNew(b, out, now);
            if (verdict != ACCEPT) {
                return verdict;
            }
        }
        return confirm(now);
    }

    // ================================================================== steps

    /** Reads the datagram and finds its connection; the start of every traversal. */
    private void begin(Ipv4View ip, long now) {
        Packet p = pkt;
        p.read(ip);
        current = null;
        pendingNew = false;
        originalSource = p.source;
        originalDestination = p.destination;
        originalSourcePort = p.keySourcePort;
        originalDestinationPort = p.keyDestinationPort;
        if (!tracking) {
            if (p.track == Packet.MALFORMED) {
                p.state = Packet.INVALID;
            }
            return;
        }
        table.sweep(now, ConnTrack.SWEEP_PER_PACKET);
        switch (p.track) {
            case Packet.TUPLE -> {
                current = table.find(p.keyProtocol, p.source, p.destination, p.keySourcePort, p.keyDestinationPort, now);
                if (current != null) {
                    p.state = Packet.ESTABLISHED;
                } else {
                    pendingNew = p.mayCreate;
                }
            }
            case Packet.ICMP_ERROR -> {
                // The quoted datagram went the other way: look up its reverse.
                current = table.find(Packet.reverseKey(p.innerKeyProtocol), p.innerDestination, p.innerSource,
                        p.innerKeyDestinationPort, p.innerKeySourcePort, now);
                if (current != null) {
                    p.state = Packet.RELATED;
                }
            }
            case Packet.UNTRACKED -> {
                if (p.laterFragment) {
                    current = fragments.find(p.source, p.destination, p.protocol, p.identification, now);
                    if (current != null) {
                        p.state = Packet.ESTABLISHED;
                    }
                }
            }
            default -> p.state = Packet.INVALID;
        }
    }

    private int filter(IpInterface iface, Direction direction) {
        int i = iface.port().index();
        if (i >= aclIn.length) {
            return ACCEPT;
        }
        Chain acl = direction == Direction.IN ? aclIn[i] : aclOut[i];
        if (acl != null) {
            int verdict = acl.evaluate(pkt);
            if (verdict != ACCEPT) {
                return verdict;
            }
        }
        Chain group = direction == Direction.IN ? groupIn[i] : groupOut[i];
        return group == null ? ACCEPT : group.evaluate(pkt);
    }

    private boolean isMasquerading(IpInterface out) {
        int i = out.port().index();
        return i < masquerade.length && masquerade[i];
    }

    private static boolean hasKeyPorts(int protocol) {
        return protocol == Ipv4View.PROTO_TCP || protocol == Ipv4View.PROTO_UDP || protocol == Ipv4View.PROTO_ICMP;
    }

    /** The tuple of the other direction of the current connection. */
    private Tuple otherTuple() {
        Connection c = current.connection;
        return current.reply ? c.original : c.reply;
    }

    /** A packet going one way must leave as the mirror image of the other way's tuple: its destination half. */
    private void translateDestination(ByteBuffer b) {
        Tuple other = otherTuple();
        boolean ports = pkt.track == Packet.TUPLE && hasKeyPorts(pkt.protocol);
        if (pkt.destination != other.source || (ports && pkt.keyDestinationPort != other.sourcePort)) {
            NatRewriter.destination(b, pkt, other.source, ports ? other.sourcePort : -1);
        }
    }

    /** ... and its source half. */
    private void translateSource(ByteBuffer b) {
        Tuple other = otherTuple();
        boolean ports = pkt.track == Packet.TUPLE && hasKeyPorts(pkt.protocol);
        if (pkt.source != other.destination || (ports && pkt.keySourcePort != other.destinationPort)) {
            NatRewriter.source(b, pkt, other.destination, ports ? other.destinationPort : -1);
        }
    }

    /**
     * An ICMP error about a tracked connection: its outer addresses are mapped like any packet going
     * the same way, and the datagram it quotes is put back the way its sender saw it (RFC 5508 4.2),
     * so that traceroute and path-MTU discovery work across NAT.
     */
    private void translateError(ByteBuffer b) {
        Tuple from = current;
        Tuple other = otherTuple();
        // As it should leave: the mirror image of the other direction.
        int toSource = other.destination;
        int toDestination = other.source;
        int toSourcePort = other.destinationPort;
        int toDestinationPort = other.sourcePort;
        if (pkt.destination == from.destination && pkt.destination != toDestination) {
            NatRewriter.destination(b, pkt, toDestination, -1);
        }
        if (pkt.source == from.source && pkt.source != toSource) {
            NatRewriter.source(b, pkt, toSource, -1);
        }
        if (pkt.innerSource != toDestination || pkt.innerDestination != toSource
                || pkt.innerKeySourcePort != toDestinationPort || pkt.innerKeyDestinationPort != toSourcePort) {
            NatRewriter.quoted(b, pkt, toDestination, toSource, toDestinationPort, toSourcePort);
        }
    }

    /** Destination NAT for the first packet of a connection to a forwarded port. */
    private int forwardPort(ByteBuffer b, long now) {
        PortForward[] fs = forwards;
        for (int i = 0; i < fs.length; i++) {
            PortForward f = fs[i];
            if (f.protocol() != pkt.protocol || f.port() != pkt.destinationPort) {
                continue;
            }
            if (f.address() == 0 ? !stack.isLocalAddress(pkt.destination) : f.address() != pkt.destination) {
                continue;
            }
            // Replies will come from the inside host to the client: that tuple must be free.
            if (table.find(pkt.protocol, f.toAddress(), pkt.source, f.toPort(), pkt.sourcePort, now) != null) {
                natFailures++;
                return DROP;
            }
            NatRewriter.destination(b, pkt, f.toAddress(), f.toPort());
            forwardConnections[i]++;
            return ACCEPT;
        }
        return ACCEPT;
    }

    /** Source NAT for the first packet of a connection leaving through a masquerading interface. */
    private int masqueradeNew(ByteBuffer b, IpInterface out, long now) {
        int address = out.address();
        int port = -1;
        if (pkt.track == Packet.TUPLE && hasKeyPorts(pkt.protocol)) {
            port = freePort(address, now);
            if (port < 0) {
                natFailures++;
                return DROP;
            }
        } else if (table.find(Packet.reverseKey(pkt.keyProtocol), pkt.destination, address, 0, 0, now) != null) {
            natFailures++; // another inside host already talks this protocol to the same peer
            return DROP;
        }
        NatRewriter.source(b, pkt, address, port);
        masqueradedConnections++;
        return ACCEPT;
    }

    /**
     * A source port (or ICMP identifier) for {@code source} that no connection's reply tuple uses yet:
     * the packet's own if free (as Linux keeps it), otherwise the next free one from a rotating start,
     * 1024..65535 for ports and 0..65535 for identifiers. -1 when all are taken.
     */
    private int freePort(int source, long now) {
        boolean icmp = pkt.protocol == Ipv4View.PROTO_ICMP;
        if (!replyTaken(source, pkt.keySourcePort, icmp, now)) {
            return pkt.keySourcePort;
        }
        int low = icmp ? 0 : 1024;
        int span = 65536 - low;
        for (int i = 0; i < span; i++) {
            int candidate = low + Math.floorMod(nextPort + i, span);
            if (!replyTaken(source, candidate, icmp, now)) {
                nextPort = candidate - low + 1;
                return candidate;
            }
        }
        return -1;
    }

    private boolean replyTaken(int source, int port, boolean icmp, long now) {
        int key = Packet.reverseKey(pkt.keyProtocol);
        return icmp
                ? table.find(key, pkt.destination, source, port, port, now) != null
                : table.find(key, pkt.destination, source, pkt.keyDestinationPort, port, now) != null;
    }

    /**
     * The datagram passed every check: refresh its connection, or create one (the reply tuple is the
     * mirror image of the datagram as it now leaves). Dropped only when the table is full.
     */
    private int confirm(long now) {
        if (!tracking) {
            return ACCEPT;
        }
        Tuple t = current;
        if (t != null) {
            Connection c = t.connection;
            if (pkt.track != Packet.ICMP_ERROR && c.alive) {
                c.refresh(pkt, t.reply, now, table.config());
                if (pkt.firstFragment) {
                    fragments.remember(originalSource, originalDestination, pkt.protocol, pkt.identification, t, now);
                }
            }
            return ACCEPT;
        }
        if (!pendingNew) {
            return ACCEPT;
        }
        pendingNew = false;
        Connection c = table.insert(pkt.keyProtocol, Packet.reverseKey(pkt.keyProtocol), originalSource,
                originalDestination, originalSourcePort, originalDestinationPort,
                pkt.destination, pkt.source, pkt.keyDestinationPort, pkt.keySourcePort, now);
        if (c == null) {
            return DROP;
        }
        c.start(pkt, now, table.config());
        current = c.original;
        if (pkt.firstFragment) {
            fragments.remember(originalSource, originalDestination, pkt.protocol, pkt.identification, c.original, now);
        }
        return ACCEPT;
    }

    // ================================================================== console

    /** The rules with their counters, like {@code iptables -L -v}, then NAT and the connection table. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Chain c : chains()) {
            out.add("Chain " + c.name() + ": policy " + c.policy().word() + " (" + c.policyPackets()
                    + " packets, " + c.policyBytes() + " bytes)");
            out.add(String.format("%8s %10s  %s", "pkts", "bytes", "rule"));
            for (int i = 0; i < c.size(); i++) {
                out.add(String.format("%8d %10d  %s", c.packets(i), c.bytes(i), c.rules().get(i).text()));
            }
            out.add("");
        }
        List<String> masq = masqueradeInterfaces();
        if (!masq.isEmpty()) {
            out.add("NAT masquerade on " + String.join(", ", masq) + ": " + masqueradedConnections + " connections");
        }
        for (int i = 0; i < forwards.length; i++) {
            out.add("NAT forward " + forwards[i].text() + ": " + forwardConnections[i] + " connections");
        }
        if (tracking) {
            out.add("Connection tracking: " + table.size() + " of at most " + table.maxEntries() + " entries; "
                    + table.created() + " created, " + table.expired() + " expired, " + table.earlyDrops()
                    + " given up early, " + table.insertFailures() + " refused (table full)");
        } else {
            out.add("Connection tracking: off (no security group, 'established' rule or NAT)");
        }
        if (invalidDrops > 0 || natFailures > 0) {
            out.add("Dropped: " + invalidDrops + " untrackable on a masquerading interface, " + natFailures
                    + " without a free translation");
        }
        return out;
    }

    /** The connection table, like {@code conntrack -L}: one line per connection, then a summary. */
    public List<String> describeConnections(long now) {
        List<String> out = new ArrayList<>();
        if (!tracking) {
            out.add("(connection tracking is off on " + stack.node()
                    + ": it has no security group, 'established' rule or NAT)");
            return out;
        }
        List<Connection> connections = table.connections(now);
        for (Connection c : connections) {
            out.add(c.describe(now));
        }
        out.add(connections.size() + " flow entries (at most " + table.maxEntries() + ")");
        return out;
    }

    @Override
    public String toString() {
        return "Firewall(" + stack.node() + ", " + chains().size() + " chains, "
                + (tracking ? table.size() + " connections" : "stateless") + ")";
    }
}
