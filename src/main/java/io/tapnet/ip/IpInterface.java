package io.tapnet.ip;

import io.tapnet.link.ArpCache;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Port;
import io.tapnet.wire.ArpView;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.MacAddress;

import java.nio.ByteBuffer;

/**
 * An IPv4 address on a port: the glue between the network layer and the link. It owns the port's
 * ARP cache, frames outgoing packets in Ethernet, and announces itself with gratuitous ARP when its
 * carrier comes up.
 */
public final class IpInterface implements ArpCache.Resolver {
    /** RFC 894: minimum Ethernet payload is 46 bytes, so frames shorter than 60 are padded. */
    private static final int MIN_FRAME = 60;

    private final Ipv4Stack stack;
    private final Port port;
    private final long mac;
    private final int address;
    private final int prefixLength;
    private final int mtu;
    private final ArpCache arp;
    /** Carrier came up and the gratuitous ARP is still to be sent. */
    boolean announcePending;

    IpInterface(Ipv4Stack stack, Port port, long mac, int address, int prefixLength, int mtu) {
        this.stack = stack;
        this.port = port;
        this.mac = mac;
        this.address = address;
        this.prefixLength = prefixLength;
        this.mtu = mtu;
        this.arp = new ArpCache(port.loop(), this);
    }

    public Port port() {
        return port;
    }

    public String name() {
        return port.name();
    }

    public long mac() {
        return mac;
    }

    public int address() {
        return address;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public int network() {
        return address & Ipv4Address.prefixMask(prefixLength);
    }

    /** The subnet's directed-broadcast address (RFC 919). */
    public int broadcast() {
        return network() | ~Ipv4Address.prefixMask(prefixLength);
    }

    public boolean onSubnet(int a) {
        return (a & Ipv4Address.prefixMask(prefixLength)) == network();
    }

    public int mtu() {
        return mtu;
    }

    public ArpCache arp() {
        return arp;
    }

    public Ipv4Stack stack() {
        return stack;
    }

    /**
     * Sends an IPv4 packet whose Ethernet header space starts at the frame's offset to
     * {@code nextHop} on this link. Takes ownership.
     */
    void output(Frame frame, int nextHop) {
        if (!port.hasCarrier()) {
            // As Linux's qdisc does without carrier: nothing is queued for a dead link.
            stack.counters().ipOutNoCarrier++;
            frame.release();
            return;
        }
        ByteBuffer b = frame.buffer();
        int off = frame.offset();
        MacAddress.write(b, off + 6, mac);
        b.putShort(off + 12, (short) EthernetView.ETHERTYPE_IPV4);
        if (nextHop == Ipv4Address.BROADCAST || nextHop == broadcast()) {
            MacAddress.write(b, off, MacAddress.BROADCAST);
            port.transmit(frame);
            return;
        }
        arp.send(nextHop, frame);
    }

    @Override
    public void sendRequest(int targetAddress) {
        sendArp(ArpView.OP_REQUEST, MacAddress.BROADCAST, 0L, targetAddress);
    }

    /** A gratuitous ARP request (RFC 5227 section 3): announces our address and refreshes caches. */
    public void announce() {
        sendArp(ArpView.OP_REQUEST, MacAddress.BROADCAST, 0L, address);
    }

    private void sendArp(int operation, long ethDestination, long targetMac, int targetAddress) {
        Frame f = port.loop().pool().acquire();
        ByteBuffer b = f.buffer();
        int off = f.offset();
        MacAddress.write(b, off, ethDestination);
        MacAddress.write(b, off + 6, mac);
        b.putShort(off + 12, (short) EthernetView.ETHERTYPE_ARP);
        writeArp(b, off + EthernetView.HEADER_LENGTH, operation, mac, address, targetMac, targetAddress);
        padAndSet(f, EthernetView.HEADER_LENGTH + ArpView.LENGTH);
        port.transmit(f);
    }

    static void writeArp(ByteBuffer b, int at, int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        b.putShort(at, (short) 1);          // htype: Ethernet
        b.putShort(at + 2, (short) 0x0800); // ptype: IPv4
        b.put(at + 4, (byte) 6);
        b.put(at + 5, (byte) 4);
        b.putShort(at + 6, (short) operation);
        MacAddress.write(b, at + 8, senderMac);
        b.putInt(at + 14, senderIp);
        MacAddress.write(b, at + 18, targetMac);
        b.putInt(at + 24, targetIp);
    }

    static void padAndSet(Frame f, int length) {
        ByteBuffer b = f.buffer();
        int off = f.offset();
        for (int i = length; i < MIN_FRAME; i++) {
            b.put(off + i, (byte) 0);
        }
        f.setLength(Math.max(length, MIN_FRAME));
    }

    @Override
    public void transmitResolved(Frame frame, long destinationMac) {
        MacAddress.write(frame.buffer(), frame.offset(), destinationMac);
        port.transmit(frame);
    }

    @Override
    public void unresolved(Frame frame) {
        stack.neighborUnreachable(this, frame);
    }

    @Override
    public String toString() {
        return port.fullName() + " " + Ipv4Address.format(address) + "/" + prefixLength;
    }
}
