package io.tapnet.ip;

import io.tapnet.collect.IntObjectMap;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Offload;
import io.tapnet.phy.Port;
import io.tapnet.phy.Timer;
import io.tapnet.wire.ArpView;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;
import io.tapnet.wire.ParseStatus;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The IPv4 layer of one node: ARP on each interface, validation of every datagram, local delivery to
 * ICMP and transports, and, when {@link #isForwarding() forwarding} is on, routing between
 * interfaces (RFC 1812) with TTL decrement and ICMP errors. A Java host is a stack with forwarding
 * off; a router is the same stack with forwarding on, as in Linux.
 *
 * <p>Frames are handled in place: an echo request becomes its reply in the same buffer, a forwarded
 * packet keeps its buffer and gets a new Ethernet header and TTL. The views are fields, reused for
 * every frame, so the forwarding path allocates nothing.
 */
public final class Ipv4Stack implements FrameHandler, Reassembler.Owner {
    /** RFC 1700 / Linux default TTL for datagrams this node originates. */
    public static final int DEFAULT_TTL = 64;
    /** RFC 1812 4.3.2.3: an ICMP error quotes as much of the datagram as fits in 576 bytes. */
    private static final int ICMP_ERROR_MAX = 576;
    private static final int ETH = EthernetView.HEADER_LENGTH;

    private final String node;
    private final EventLoop loop;
    private final boolean forwarding;
    private final List<IpInterface> interfaces = new ArrayList<>();
    private IpInterface[] byPortIndex = new IpInterface[0];
    /** Addresses and directed-broadcast addresses of the interfaces: one probe per datagram, whatever their number. */
    private final IntObjectMap<IpInterface> localAddresses = new IntObjectMap<>(4);
    private final IntObjectMap<IpInterface> broadcastAddresses = new IntObjectMap<>(4);
    private final RoutingTable routes = new RoutingTable();
    private final Port loopback;
    private final IpCounters counters = new IpCounters();
    private final TokenBucket icmpErrorLimit = new TokenBucket(1000, 50);
    private final List<IcmpListener> icmpListeners = new ArrayList<>();
    private final ProtocolHandler[] protocols = new ProtocolHandler[256];
    /**
     * Checksum and segmentation offloads for what this node sends and receives itself (on by default):
     * its TCP builds super-frames with partial checksums, and offloaded TCP segments addressed to it
     * are delivered whole, as Linux does over veth with TSO and GRO.
     */
    private boolean segmentationOffload = true;
    /** Access control and NAT; null (the common case) costs one comparison per datagram. */
    private PacketFilter filter;
    private int nextIdentification = 1;

    private final EthernetView eth = new EthernetView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ip = new Ipv4View();
    private final IcmpView icmp = new IcmpView();
    private final Ipv4View quotedIp = new Ipv4View();
    /** The view of datagrams this node sends, separate so that sending never disturbs {@link #ip}. */
    private final Ipv4View outIp = new Ipv4View();
    /** The datagram being delivered came as a link-layer broadcast: RFC 1122 3.2.2 forbids errors about it. */
    private boolean linkBroadcast;
    private final Fragmenter fragmenter = new Fragmenter();
    private final PathMtuCache pathMtu = new PathMtuCache();
    private final Reassembler reassembler;
    /** Sends the gratuitous ARPs of interfaces that came up (RFC 5227 section 3). */
    private final Timer announcer;

    public Ipv4Stack(EventLoop loop, String node, boolean forwarding) {
        this.loop = loop;
        this.node = node;
        this.forwarding = forwarding;
        this.loopback = new Port(loop, node, "lo", this);
        this.reassembler = new Reassembler(loop, this, counters);
        this.announcer = loop.newTimer(this::announcePending);
    }

    public String node() {
        return node;
    }

    public EventLoop loop() {
        return loop;
    }

    public boolean isForwarding() {
        return forwarding;
    }

    public RoutingTable routes() {
        return routes;
    }

    public IpCounters counters() {
        return counters;
    }

    public List<IpInterface> interfaces() {
        return Collections.unmodifiableList(interfaces);
    }

    public IpInterface iface(String name) {
        for (IpInterface i : interfaces) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    /** Adds an interface with its connected route; the returned interface's port is to be linked. */
    public IpInterface addInterface(String name, long mac, int address, int prefixLength, int mtu) {
        Port port = new Port(loop, node, name, this);
        port.setIndex(interfaces.size());
        IpInterface iface = new IpInterface(this, port, mac, address, prefixLength, mtu);
        interfaces.add(iface);
        byPortIndex = interfaces.toArray(new IpInterface[0]);
        localAddresses.put(address, iface);
        if (prefixLength < 31) {
            broadcastAddresses.put(iface.broadcast(), iface);
        }
        routes.add(new Route(address, prefixLength, 0, iface, Route.Origin.CONNECTED));
        return iface;
    }

    /**
     * Adds a static route. The next hop must lie on a connected subnet; {@code device} picks the
     * interface when given.
     */
    public Route addRoute(int network, int prefixLength, int gateway, String device) {
        IpInterface out = null;
        for (IpInterface i : interfaces) {
            if (device != null ? i.name().equals(device) : (gateway != 0 && i.onSubnet(gateway))) {
                out = i;
                break;
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("no interface of " + node + " reaches next hop "
                    + Ipv4Address.format(gateway) + (device == null ? "" : " via " + device));
        }
        Route r = new Route(network, prefixLength, gateway, out, Route.Origin.STATIC);
        routes.add(r);
        return r;
    }

    public void addIcmpListener(IcmpListener l) {
        icmpListeners.add(l);
    }

    public void removeIcmpListener(IcmpListener l) {
        icmpListeners.remove(l);
    }

    public void setFilter(PacketFilter filter) {
        this.filter = filter;
    }

    public PacketFilter filter() {
        return filter;
    }

    /** Applies a filter verdict; returns true if the datagram may go on. Releases it otherwise. */
    private boolean admitted(int verdict, Frame frame, IpInterface in) {
        if (verdict == PacketFilter.ACCEPT) {
            return true;
        }
        counters.filterDrops++;
        if (verdict == PacketFilter.REJECT) {
            // RFC 1812 5.2.7.1: code 13, communication administratively prohibited.
            sendIcmpError(frame, in, IcmpView.TYPE_DEST_UNREACHABLE, 13, 0);
        }
        frame.release();
        return false;
    }

    public void registerProtocol(int protocol, ProtocolHandler handler) {
        protocols[protocol] = handler;
    }

    /** True if {@code address} is one of this node's interface addresses. */
    public boolean isLocalAddress(int address) {
        return localAddresses.get(address) != null;
    }

    private boolean isBroadcastFor(int address) {
        return address == Ipv4Address.BROADCAST || broadcastAddresses.get(address) != null;
    }

    private static boolean isMulticast(int address) {
        return (address >>> 28) == 0xE; // 224.0.0.0/4, RFC 5771
    }

    /** A fresh IPv4 identification value (RFC 6864: unique per source, destination and protocol). */
    public int nextIdentification() {
        int id = nextIdentification;
        nextIdentification = (nextIdentification + 1) & 0xffff;
        return id;
    }

    // =================================================================== receive

    /**
     * Turns this node's own checksum and segmentation offloads on or off (see {@link #segmentationOffload()}).
     * Off, its TCP sends wire segments with complete checksums and every offloaded frame that
     * reaches it is resolved first, as before offloads existed.
     */
    public void setSegmentationOffload(boolean on) {
        this.segmentationOffload = on;
    }

    /**
     * Whether this node's TCP may send super-frames of up to 64 KiB with partial checksums, and
     * take offloaded TCP segments addressed to it whole (like Linux's TSO and GRO over veth).
     */
    public boolean segmentationOffload() {
        return segmentationOffload;
    }

    /**
     * A router forwards offloaded frames (partial checksums, TCP super-frames from a Linux host) as
     * they are; a host with {@linkplain #segmentationOffload() offloads} takes them too and decides
     * per datagram. Otherwise, and for what a router delivers to itself or filters, they are resolved first.
     */
    @Override
    public boolean acceptsOffloads() {
        return forwarding || segmentationOffload;
    }

    /**
     * Whether an offloaded datagram (wrapped in {@link #ip}) may go on as it is: forwarded by a
     * router, or delivered whole to a local TCP (GRO's view: one segment longer than the MSS, a
     * checksum that never crossed a wire). Filters, link-layer broadcasts, loopback, fragments and
     * other protocols see only wire frames.
     */
    private boolean keepsOffloaded(IpInterface in, Frame frame, boolean linkBroadcast, PacketFilter f) {
        if (in == null || f != null || linkBroadcast) {
            return false;
        }
        int destination = ip.destination();
        if (isLocalAddress(destination)) {
            ProtocolHandler tcp = protocols[Ipv4View.PROTO_TCP];
            return segmentationOffload && frame.needsChecksum() && ip.protocol() == Ipv4View.PROTO_TCP
                    && !ip.isFragment() && tcp != null && tcp.acceptsOffloads();
        }
        return forwarding && !isBroadcastFor(destination);
    }

    private IpInterface resolvingIn;
    private boolean resolvingBroadcast;
    private Offload.Sink resolvedSink;

    /** Resolves an offloaded frame and receives what a wire would have carried, segment by segment. */
    private void receiveResolved(IpInterface in, Frame frame, boolean linkBroadcast) {
        if (resolvedSink == null) {
            resolvedSink = f -> receiveIpv4(resolvingIn, f, resolvingBroadcast);
        }
        resolvingIn = in;
        resolvingBroadcast = linkBroadcast;
        counters.ipInReceives--; // each segment is counted as it is received, not the super-frame too
        Offload.resolve(loop, frame, resolvedSink);
    }

    @Override
    public void onFrame(Port port, Frame frame) {
        if (port == loopback) {
            receiveIpv4(null, frame, false);
            return;
        }
        IpInterface in = byPortIndex[port.index()];
        ByteBuffer b = frame.buffer();
        int status = eth.wrap(b, frame.offset(), frame.length());
        if (status != ParseStatus.OK) {
            counters.ethTruncated++;
            frame.release();
            return;
        }
        if (eth.hasVlanTag()) {
            counters.ethTagged++;
            frame.release();
            return;
        }
        long destination = eth.destination();
        if (destination != in.mac() && !MacAddress.isMulticast(destination)) {
            counters.ethNotForUs++;
            frame.release();
            return;
        }
        switch (eth.etherType()) {
            case EthernetView.ETHERTYPE_ARP -> receiveArp(in, frame);
            case EthernetView.ETHERTYPE_IPV4 -> receiveIpv4(in, frame, MacAddress.isMulticast(destination));
            default -> {
                counters.ethUnknownType++;
                frame.release();
            }
        }
    }

    private void receiveArp(IpInterface in, Frame frame) {
        ByteBuffer b = frame.buffer();
        int at = frame.offset() + ETH;
        int status = arp.wrap(b, at, frame.length() - ETH);
        if (status != ParseStatus.OK) {
            if (status == ParseStatus.UNSUPPORTED) {
                counters.arpUnsupported++;
            } else {
                counters.arpMalformed++;
            }
            frame.release();
            return;
        }
        int op = arp.operation();
        long senderMac = arp.senderHardwareAddress();
        int senderIp = arp.senderProtocolAddress();
        int targetIp = arp.targetProtocolAddress();
        boolean forUs = targetIp == in.address();
        // RFC 826 "Packet Reception": merge the sender into the table, add it if the packet is for us.
        if (senderIp != 0 && !MacAddress.isMulticast(senderMac) && senderIp != in.address()) {
            in.arp().update(senderIp, senderMac, forUs);
        }
        if (op == ArpView.OP_REQUEST && forUs && senderIp != targetIp) {
            counters.arpRequestsAnswered++;
            // Turn the request into the reply in place.
            MacAddress.write(b, frame.offset(), senderMac);
            MacAddress.write(b, frame.offset() + 6, in.mac());
            IpInterface.writeArp(b, at, ArpView.OP_REPLY, in.mac(), in.address(), senderMac, senderIp);
            in.port().transmit(frame);
            return;
        }
        if (op != ArpView.OP_REQUEST && op != ArpView.OP_REPLY) {
            counters.arpMalformed++;
        }
        frame.release();
    }

    /** @param linkBroadcast the frame came to a broadcast or multicast MAC address */
    private void receiveIpv4(IpInterface in, Frame frame, boolean linkBroadcast) {
        ByteBuffer b = frame.buffer();
        int ipOffset = frame.offset() + ETH;
        int status = ip.wrap(b, ipOffset, frame.length() - ETH);
        counters.ipInReceives++;
        if (status != ParseStatus.OK) {
            switch (status) {
                case ParseStatus.TRUNCATED -> counters.ipInTruncated++;
                case ParseStatus.BAD_CHECKSUM -> counters.ipInBadChecksum++;
                default -> counters.ipInHdrErrors++;
            }
            frame.release();
            return;
        }
        // Ethernet pads short frames; the IP total length is the truth from here on.
        frame.setLength(ETH + ip.totalLength());
        PacketFilter f = filter;
        if (frame.isOffloaded() && !keepsOffloaded(in, frame, linkBroadcast, f)) {
            // Filters (NAT rewrites ports and addresses) and local delivery see only wire frames.
            receiveResolved(in, frame, linkBroadcast);
            return;
        }
        if (f != null && in != null && !admitted(f.prerouting(in, frame, ip, loop.now()), frame, in)) {
            return;
        }
        int source = ip.source();
        int destination = ip.destination();
        if (isMulticast(source) || source == Ipv4Address.BROADCAST || (source >>> 24) == 127) {
            counters.ipInAddrErrors++; // RFC 1812 5.3.7: martian source
            frame.release();
            return;
        }
        if (isLocalAddress(destination) || isBroadcastFor(destination)) {
            this.linkBroadcast = linkBroadcast;
            deliverLocally(in, frame);
            this.linkBroadcast = false;
        } else if (linkBroadcast) {
            // RFC 1812 5.3.4: a datagram for someone else that came as a link-layer broadcast is not forwarded.
            counters.ipInAddrErrors++;
            frame.release();
        } else if (isMulticast(destination)) {
            counters.ipInAddrErrors++; // no multicast groups joined
            frame.release();
        } else if (forwarding && in != null) {
            forward(in, frame);
        } else {
            counters.ipInAddrErrors++;
            frame.release();
        }
    }

    private void deliverLocally(IpInterface in, Frame frame) {
        PacketFilter f = filter;
        if (f != null && in != null && !admitted(f.input(in, frame, ip, loop.now()), frame, in)) {
            return;
        }
        if (ip.isFragment()) {
            counters.ipReasmReqds++;
            Frame whole = reassembler.offer(frame, ip);
            if (whole == null) {
                return;
            }
            counters.ipReasmOKs++;
            frame = whole;
            ip.wrap(frame.buffer(), frame.offset() + ETH, frame.length() - ETH);
        }
        counters.ipInDelivers++;
        int protocol = ip.protocol();
        if (protocol == Ipv4View.PROTO_ICMP) {
            receiveIcmp(in, frame);
            return;
        }
        ProtocolHandler handler = protocols[protocol];
        if (handler != null) {
            handler.receive(in, frame, ip);
            return;
        }
        boolean broadcast = isBroadcastFor(ip.destination());
        if (protocol == Ipv4View.PROTO_UDP) {
            counters.udpNoPorts++;
            if (!broadcast) {
                sendIcmpError(frame, in, IcmpView.TYPE_DEST_UNREACHABLE, IcmpView.CODE_PORT_UNREACHABLE, 0);
            }
        } else if (protocol == Ipv4View.PROTO_TCP) {
            counters.tcpNoListener++;
        } else {
            counters.ipInUnknownProtos++;
            if (!broadcast) {
                sendIcmpError(frame, in, IcmpView.TYPE_DEST_UNREACHABLE, IcmpView.CODE_PROTOCOL_UNREACHABLE, 0);
            }
        }
        frame.release();
    }

    private void receiveIcmp(IpInterface in, Frame frame) {
        ByteBuffer b = frame.buffer();
        int status = icmp.wrap(b, ip.payloadOffset(), ip.payloadLength());
        counters.icmpInMsgs++;
        if (status != ParseStatus.OK) {
            counters.icmpInErrors++;
            frame.release();
            return;
        }
        int type = icmp.type();
        if (type == IcmpView.TYPE_ECHO_REQUEST) {
            counters.icmpInEchos++;
            if (isBroadcastFor(ip.destination())) {
                frame.release(); // Linux's icmp_echo_ignore_broadcasts default (RFC 1122 3.2.2.6 allows it)
                return;
            }
            answerEcho(frame);
            return;
        }
        long now = loop.now();
        if (type == IcmpView.TYPE_DEST_UNREACHABLE && icmp.code() == IcmpView.CODE_FRAGMENTATION_NEEDED) {
            learnPathMtu(icmp, now);
        }
        List<IcmpListener> ls = icmpListeners;
        for (int i = 0; i < ls.size(); i++) {
            if (ls.get(i).onIcmp(ip, icmp, now)) {
                break;
            }
        }
        frame.release();
    }

    /** RFC 1191: remember the next-hop MTU reported for a datagram we sent. */
    private void learnPathMtu(IcmpView icmp, long now) {
        ByteBuffer b = icmp.buffer();
        int quoted = icmp.payloadOffset();
        if (icmp.payloadLength() < Ipv4View.MIN_HEADER || !isLocalAddress(b.getInt(quoted + 12))) {
            return;
        }
        int mtu = icmp.nextHopMtu();
        if (mtu == 0) {
            // RFC 1191 section 5: an old router said nothing; assume the largest plateau below what we sent.
            int sent = b.getShort(quoted + 2) & 0xffff;
            mtu = sent > 1492 ? 1492 : sent > 1006 ? 1006 : sent > 576 ? 576 : 296;
        }
        pathMtu.learn(b.getInt(quoted + 16), mtu, now);
    }

    /** Rewrites an echo request into its reply in the same buffer (RFC 792 "Echo or Echo Reply"). */
    private void answerEcho(Frame frame) {
        int requester = ip.source();
        ip.source(ip.destination());
        ip.destination(requester);
        ip.ttl(DEFAULT_TTL);
        ip.fillChecksum();
        icmp.type(IcmpView.TYPE_ECHO_REPLY);
        icmp.code(0);
        icmp.fillChecksum();
        counters.icmpOutMsgs++;
        counters.icmpOutEchoReps++;
        send(frame);
    }

    // =================================================================== forward

    private void forward(IpInterface in, Frame frame) {
        if (ip.ttl() <= 1) {
            // RFC 1812 5.3.1: the TTL would reach zero here.
            sendIcmpError(frame, in, IcmpView.TYPE_TIME_EXCEEDED, IcmpView.CODE_TTL_EXCEEDED, 0);
            frame.release();
            return;
        }
        int destination = ip.destination();
        Route route = routes.lookup(destination);
        if (route == null) {
            counters.ipOutNoRoutes++;
            sendIcmpError(frame, in, IcmpView.TYPE_DEST_UNREACHABLE, IcmpView.CODE_NET_UNREACHABLE, 0);
            frame.release();
            return;
        }
        IpInterface out = route.iface();
        // A TCP super-frame must fit the MTU one segment at a time, as Linux's skb_gso_validate_network_len.
        int length = frame.isGso() ? Offload.segmentIpLength(frame) : ip.totalLength();
        boolean tooBig = length > out.mtu();
        if (frame.isGso() && (length < 0 || (tooBig && !ip.dontFragment()))) {
            receiveResolved(in, frame, false); // malformed (dropped and counted), or segments to fragment
            return;
        }
        if (tooBig && ip.dontFragment()) {
            // RFC 1191: tell the source the next-hop MTU so path-MTU discovery can adapt. As in Linux's
            // ip_forward, this comes before the filter hooks, so the error quotes the datagram as sent.
            counters.ipFragFails++;
            sendIcmpError(frame, in, IcmpView.TYPE_DEST_UNREACHABLE, IcmpView.CODE_FRAGMENTATION_NEEDED, out.mtu());
            frame.release();
            return;
        }
        PacketFilter f = filter;
        if (f != null) {
            long now = loop.now();
            if (!admitted(f.forward(in, out, frame, ip, now), frame, in)
                    || !admitted(f.postrouting(out, frame, ip, now), frame, in)) {
                return;
            }
        }
        if (tooBig) {
            ip.decrementTtl();
            counters.ipForwDatagrams++;
            fragmentOut(frame, out, route.nextHop(destination), out.mtu());
            return;
        }
        ip.decrementTtl();
        counters.ipForwDatagrams++;
        out.output(frame, route.nextHop(destination));
    }

    /** Sends {@code frame} through {@code out} in fragments and releases it. */
    private void fragmentOut(Frame frame, IpInterface out, int nextHop, int mtu) {
        if (frame.isOffloaded() && !Offload.completeChecksum(frame)) {
            counters.ipFragFails++;
            frame.release();
            return;
        }
        int n = fragmenter.fragment(frame, mtu, loop, f -> out.output(f, nextHop));
        if (n == 0) {
            counters.ipFragFails++;
        } else {
            counters.ipFragOKs++;
            counters.ipFragCreates += n;
        }
        frame.release();
    }

    @Override
    public void reassemblyTimedOut(Frame firstFragment) {
        // RFC 792: time exceeded, code 1 "fragment reassembly time exceeded".
        sendIcmpError(firstFragment, null, IcmpView.TYPE_TIME_EXCEEDED, 1, 0);
        firstFragment.release();
    }

    // =================================================================== send

    /** Results of {@link #send}. */
    public static final int SENT = 0;
    public static final int NO_ROUTE = 1;
    /** The datagram has DF set and is larger than the outgoing link's MTU (EMSGSIZE). */
    public static final int TOO_BIG = 2;
    /** An OUTPUT or POSTROUTING rule refused the datagram (EPERM). */
    public static final int FILTERED = 3;

    /**
     * Sends a locally built datagram: the frame holds room for an Ethernet header at its offset and
     * a complete IPv4 header after it. A zero source address is replaced by the outgoing
     * interface's, and the header checksum is filled here. Takes ownership.
     */
    public int send(Frame frame) {
        ByteBuffer b = frame.buffer();
        int ipOffset = frame.offset() + ETH;
        int destination = b.getInt(ipOffset + 16);
        counters.ipOutRequests++;
        if (isLocalAddress(destination)) {
            fillSource(b, ipOffset, destination);
            loop.deliver(loopback, frame);
            return SENT;
        }
        Route route = routes.lookup(destination);
        if (route == null && destination == Ipv4Address.BROADCAST && !interfaces.isEmpty()) {
            route = routes.lookup(interfaces.get(0).address());
        }
        if (route == null) {
            counters.ipOutNoRoutes++;
            frame.release();
            return NO_ROUTE;
        }
        IpInterface out = route.iface();
        fillSource(b, ipOffset, out.address());
        PacketFilter f = filter;
        if (frame.isOffloaded() && f != null) {
            // Filters (NAT) see wire frames only.
            counters.ipOutRequests--;
            sendResolved(frame);
            return SENT;
        }
        if (f != null) {
            outIp.wrap(b, ipOffset, frame.length() - ETH);
            long now = loop.now();
            if (!admitted(f.output(out, frame, outIp, now), frame, null)
                    || !admitted(f.postrouting(out, frame, outIp, now), frame, null)) {
                return FILTERED;
            }
        }
        int mtu = Math.min(out.mtu(), pathMtu.get(destination, loop.now()));
        if (frame.isGso()) {
            if (Offload.segmentIpLength(frame) > mtu) {
                // A super-frame whose segments no longer fit the path is cut here; each segment then
                // meets the check below (EMSGSIZE with DF, as a wire segment would).
                counters.ipOutRequests--;
                sendResolved(frame);
                return SENT;
            }
            out.output(frame, route.nextHop(destination));
            return SENT;
        }
        int total = b.getShort(ipOffset + 2) & 0xffff;
        if (total > mtu) {
            if ((b.get(ipOffset + 6) & 0x40) != 0) {
                counters.ipFragFails++;
                frame.release();
                return TOO_BIG;
            }
            fragmentOut(frame, out, route.nextHop(destination), mtu);
            return SENT;
        }
        out.output(frame, route.nextHop(destination));
        return SENT;
    }

    private Offload.Sink sendSink;

    private void sendResolved(Frame frame) {
        if (sendSink == null) {
            sendSink = this::send;
        }
        Offload.resolve(loop, frame, sendSink);
    }

    /** The MTU of the interface a datagram to {@code destination} leaves through, or 0 without a route. */
    public int mtuFor(int destination) {
        Route r = routes.lookup(destination);
        return r == null ? 0 : Math.min(r.iface().mtu(), pathMtu.get(destination, loop.now()));
    }

    /** The interface address a datagram to {@code destination} would leave from, or 0 without a route. */
    public int sourceFor(int destination) {
        if (isLocalAddress(destination)) {
            return destination;
        }
        Route r = routes.lookup(destination);
        return r == null ? 0 : r.iface().address();
    }

    private static void fillSource(ByteBuffer b, int ipOffset, int source) {
        if (b.getInt(ipOffset + 12) == 0) {
            b.putInt(ipOffset + 12, source);
        }
        b.putShort(ipOffset + 10, (short) 0);
        int ihl = (b.get(ipOffset) & 0x0f) * 4;
        b.putShort(ipOffset + 10, (short) InternetChecksum.compute(b, ipOffset, ihl));
    }

    /** ARP gave up on a neighbour: tell the sender of each waiting datagram (RFC 1812 4.3.3.1). */
    void neighborUnreachable(IpInterface on, Frame frame) {
        ByteBuffer b = frame.buffer();
        int ipOffset = frame.offset() + ETH;
        if (frame.length() >= ETH + Ipv4View.MIN_HEADER
                && ip.wrap(b, ipOffset, frame.length() - ETH) == ParseStatus.OK) {
            sendIcmpError(frame, isLocalAddress(ip.source()) ? on : null,
                    IcmpView.TYPE_DEST_UNREACHABLE, IcmpView.CODE_HOST_UNREACHABLE, 0);
        }
        frame.release();
    }

    /**
     * Answers the datagram in {@code frame} (Ethernet room at its offset, IPv4 header after it) with
     * ICMP destination unreachable, under the same rules and rate limit as the stack's own errors.
     * Transports call it for closed ports. Does not take ownership of {@code frame}.
     */
    public void sendDestinationUnreachable(Frame frame, int code) {
        sendIcmpError(frame, null, IcmpView.TYPE_DEST_UNREACHABLE, code, 0);
    }

    /**
     * Sends an ICMP error about the datagram in {@code frame} (its IP header wrapped in {@link #ip})
     * back to its source, quoting as much of it as fits in 576 bytes. Follows RFC 1122 3.2.2: never
     * about an ICMP error, a broadcast or multicast, a non-initial fragment, or a martian source.
     * Does not take ownership of {@code frame}.
     */
    private void sendIcmpError(Frame frame, IpInterface in, int type, int code, int nextHopMtu) {
        if (frame.isOffloaded() && !frame.isGso()) {
            // The quote shows the datagram as the wire carried it, with the checksum its sender's NIC would fill in.
            Offload.completeChecksum(frame);
        }
        ByteBuffer b = frame.buffer();
        int ipOffset = frame.offset() + ETH;
        if (quotedIp.wrap(b, ipOffset, frame.length() - ETH) != ParseStatus.OK) {
            return;
        }
        int source = quotedIp.source();
        if (source == 0 || isMulticast(source) || isBroadcastFor(source) || isBroadcastFor(quotedIp.destination())
                || isMulticast(quotedIp.destination()) || quotedIp.fragmentOffset() != 0) {
            return;
        }
        if (quotedIp.protocol() == Ipv4View.PROTO_ICMP) {
            int quotedType = quotedIp.payloadLength() > 0 ? b.get(quotedIp.payloadOffset()) & 0xff : -1;
            if (quotedType != IcmpView.TYPE_ECHO_REQUEST && quotedType != IcmpView.TYPE_ECHO_REPLY
                    && quotedType != 13 && quotedType != 14) {
                return; // never an error about an error
            }
        }
        if (linkBroadcast) {
            return;
        }
        if (!icmpErrorLimit.take(loop.now())) {
            counters.icmpRateLimited++;
            return;
        }
        int quoteLength = Math.min(quotedIp.totalLength(), ICMP_ERROR_MAX - Ipv4View.MIN_HEADER - IcmpView.HEADER_LENGTH);
        // About a datagram addressed to us, answer from the address it was sent to, as hosts do;
        // about one passing through, from the interface it came in on, so traceroute sees that hop.
        int quotedDestination = quotedIp.destination();
        int errorSource = isLocalAddress(quotedDestination) ? quotedDestination
                : in != null ? in.address() : sourceFor(source);
        Frame e = loop.pool().acquire();
        ByteBuffer eb = e.buffer();
        int eIp = e.offset() + ETH;
        int total = Ipv4View.MIN_HEADER + IcmpView.HEADER_LENGTH + quoteLength;
        writeIpv4Header(eb, eIp, total, nextIdentification(), 0, DEFAULT_TTL, Ipv4View.PROTO_ICMP, errorSource, source);
        int icmpAt = eIp + Ipv4View.MIN_HEADER;
        eb.put(icmpAt, (byte) type);
        eb.put(icmpAt + 1, (byte) code);
        eb.putShort(icmpAt + 2, (short) 0);
        eb.putInt(icmpAt + 4, nextHopMtu & 0xffff); // unused, or RFC 1191's next-hop MTU in the low half
        eb.put(icmpAt + IcmpView.HEADER_LENGTH, b, ipOffset, quoteLength);
        eb.putShort(icmpAt + 2, (short) InternetChecksum.compute(eb, icmpAt, IcmpView.HEADER_LENGTH + quoteLength));
        e.setLength(ETH + total);
        counters.icmpOutMsgs++;
        if (type == IcmpView.TYPE_TIME_EXCEEDED) {
            counters.icmpOutTimeExcds++;
        } else {
            counters.icmpOutDestUnreachs++;
        }
        send(e);
    }

    /** Writes a 20-byte IPv4 header without options; the checksum is filled by {@link #send}. */
    public static void writeIpv4Header(ByteBuffer b, int at, int totalLength, int identification, int flagsAndOffset,
                                       int ttl, int protocol, int source, int destination) {
        b.put(at, (byte) 0x45);
        b.put(at + 1, (byte) 0);
        b.putShort(at + 2, (short) totalLength);
        b.putShort(at + 4, (short) identification);
        b.putShort(at + 6, (short) flagsAndOffset);
        b.put(at + 8, (byte) ttl);
        b.put(at + 9, (byte) protocol);
        b.putShort(at + 10, (short) 0);
        b.putInt(at + 12, source);
        b.putInt(at + 16, destination);
    }

    // =================================================================== carrier

    @Override
    public void onCarrier(Port port, boolean up) {
        if (port == loopback) {
            return;
        }
        IpInterface iface = byPortIndex[port.index()];
        if (up && !booting) {
            iface.announce();
        } else if (up) {
            iface.announcePending = true;
            if (!announcer.isScheduled()) {
                // A little jitter per node, so that a whole network coming up at once announces itself
                // over a few milliseconds, one broadcast flood at a time, instead of all at the same instant.
                announcer.scheduleIn(ANNOUNCE_JITTER_NANOS / 2 + Math.floorMod(node.hashCode(), ANNOUNCE_JITTER_NANOS / 2));
            }
        } else {
            iface.announcePending = false;
            iface.arp().clear();
        }
    }

    private static final int ANNOUNCE_JITTER_NANOS = 10_000_000;
    private boolean booting;

    /**
     * While a whole network is being built, interfaces that come up announce themselves a few
     * milliseconds later, with per-node jitter, rather than at once: otherwise every gratuitous ARP
     * of a large network would be flooded by its switch at the same instant, each flood copying the
     * frame to every port before any copy is consumed.
     */
    public void setBooting(boolean booting) {
        this.booting = booting;
    }

    private void announcePending() {
        for (IpInterface i : interfaces) {
            if (i.announcePending && i.port().hasCarrier()) {
                i.announce();
            }
            i.announcePending = false;
        }
    }

    /**
     * Powers the node off or on: every interface goes down (neighbours see the carrier drop) and the
     * node forgets its dynamic state (ARP caches, partial datagrams), like a power cycle. Static
     * configuration (addresses, routes) survives, as it would in a startup configuration.
     */
    public void setRunning(boolean running) {
        if (!running) {
            reassembler.clear();
            pathMtu.clear();
            if (filter != null) {
                filter.reset();
            }
        }
        for (IpInterface i : interfaces) {
            i.port().setAdminUp(running);
            if (!running) {
                i.arp().clear();
            }
        }
    }

    /** Announces every interface that has carrier (used when a node starts). */
    public void announceAll() {
        for (IpInterface i : interfaces) {
            if (i.port().hasCarrier()) {
                i.announce();
            }
        }
    }
}
