package io.tapnet.testing;

import io.tapnet.wire.ArpPacket;
import io.tapnet.wire.ArpView;
import io.tapnet.wire.EthernetHeader;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4Header;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;
import io.tapnet.wire.UdpHeader;
import io.tapnet.wire.UdpView;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds and inspects whole Ethernet frames as {@code byte[]} for layer tests, using the {@code wire}
 * value records for the headers so that checksums are computed the same way as on emit. Every builder
 * computes every checksum from scratch; tests compare what a node sent with what these produce.
 */
public final class Frames {
    public static final int ETH = EthernetView.HEADER_LENGTH;
    public static final int IP = ETH;

    private Frames() {
    }

    // ------------------------------------------------------------------ building

    /** An untagged Ethernet frame, zero-padded to the 60-byte minimum (RFC 894). */
    public static byte[] ethernet(long destination, long source, int etherType, byte[] payload) {
        byte[] out = new byte[Math.max(EthernetView.MIN_FRAME, ETH + payload.length)];
        ByteBuffer b = ByteBuffer.wrap(out);
        EthernetHeader.untagged(destination, source, etherType).emit(b, 0);
        b.put(ETH, payload);
        return out;
    }

    /** An Ethernet frame without padding, for frames whose exact length matters. */
    public static byte[] ethernetUnpadded(long destination, long source, int etherType, byte[] payload) {
        byte[] out = new byte[ETH + payload.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        EthernetHeader.untagged(destination, source, etherType).emit(b, 0);
        b.put(ETH, payload);
        return out;
    }

    public static byte[] arp(long ethDestination, long ethSource, ArpPacket packet) {
        byte[] body = new byte[ArpView.LENGTH];
        packet.emit(ByteBuffer.wrap(body), 0);
        return ethernet(ethDestination, ethSource, EthernetView.ETHERTYPE_ARP, body);
    }

    /** Broadcast "who has {@code targetIp}? tell {@code senderIp}". */
    public static byte[] arpRequest(long senderMac, int senderIp, int targetIp) {
        return arp(MacAddress.BROADCAST, senderMac, ArpPacket.request(senderMac, senderIp, targetIp));
    }

    /** Unicast "{@code senderIp} is at {@code senderMac}" to {@code targetMac}/{@code targetIp}. */
    public static byte[] arpReply(long senderMac, int senderIp, long targetMac, int targetIp) {
        return arp(targetMac, senderMac, new ArpPacket(ArpView.OP_REPLY, senderMac, senderIp, targetMac, targetIp));
    }

    /** A gratuitous ARP request as RFC 5227 section 3 announces an address. */
    public static byte[] gratuitousArp(long mac, int address) {
        return arp(MacAddress.BROADCAST, mac, new ArpPacket(ArpView.OP_REQUEST, mac, address, 0, address));
    }

    /**
     * An IPv4 frame holding {@code header} and {@code l4}, not padded: the stack sends IP frames at
     * their exact length (padding short frames is left to whatever NIC carries them) and trims the
     * padding of frames it forwards. Use {@link #padded} for what a real NIC would put on the wire.
     */
    public static byte[] ipv4(long ethDestination, long ethSource, Ipv4Header header, byte[] l4) {
        byte[] packet = new byte[Ipv4View.MIN_HEADER + l4.length];
        ByteBuffer b = ByteBuffer.wrap(packet);
        header.emit(b, 0);
        b.put(Ipv4View.MIN_HEADER, l4);
        return ethernetUnpadded(ethDestination, ethSource, EthernetView.ETHERTYPE_IPV4, packet);
    }

    /** {@code frame} zero-padded to the 60-byte Ethernet minimum (a copy). */
    public static byte[] padded(byte[] frame) {
        return Arrays.copyOf(frame, Math.max(frame.length, EthernetView.MIN_FRAME));
    }

    /** A header for {@code l4Length} bytes of payload with the given fields (no options). */
    public static Ipv4Header header(int protocol, int source, int destination, int l4Length, int identification,
                                    int ttl, boolean dontFragment) {
        return new Ipv4Header(0, 0, Ipv4View.MIN_HEADER + l4Length, identification,
                dontFragment ? Ipv4View.FLAG_DF : 0, 0, ttl, protocol, source, destination);
    }

    /** An ICMP message: header plus body, checksum over both. */
    public static byte[] icmp(IcmpHeader header, byte[] body) {
        byte[] out = new byte[IcmpView.HEADER_LENGTH + body.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        header.emit(b, 0);
        b.put(IcmpView.HEADER_LENGTH, body);
        b.putShort(2, (short) 0);
        b.putShort(2, (short) InternetChecksum.compute(b, 0, out.length));
        return out;
    }

    /** iputils-style echo data: {@code size} bytes counting up from 0x10. */
    public static byte[] pattern(int size) {
        byte[] d = new byte[size];
        for (int i = 0; i < size; i++) {
            d[i] = (byte) (0x10 + i);
        }
        return d;
    }

    /** An echo request frame with DF set and {@code dataSize} bytes of pattern data. */
    public static byte[] echoRequest(long ethDestination, long ethSource, int source, int destination, int ttl,
                                     int identifier, int sequence, int dataSize) {
        byte[] l4 = icmp(IcmpHeader.echoRequest(identifier, sequence), pattern(dataSize));
        return ipv4(ethDestination, ethSource, header(Ipv4View.PROTO_ICMP, source, destination, l4.length,
                0x1000 + sequence, ttl, true), l4);
    }

    /** A UDP datagram (header and data) with its checksum over the pseudo-header. */
    public static byte[] udp(int source, int destination, int sourcePort, int destinationPort, byte[] data) {
        byte[] out = new byte[UdpView.HEADER_LENGTH + data.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        UdpHeader.of(sourcePort, destinationPort, data.length).emit(b, 0);
        b.put(UdpView.HEADER_LENGTH, data);
        int sum = InternetChecksum.sum(b, 0, out.length,
                InternetChecksum.pseudoHeaderSum(source, destination, Ipv4View.PROTO_UDP, out.length));
        int checksum = InternetChecksum.fold(sum);
        b.putShort(UdpView.CHECKSUM_OFFSET, (short) (checksum == 0 ? 0xffff : checksum));
        return out;
    }

    public static byte[] udpFrame(long ethDestination, long ethSource, int source, int destination, int ttl,
                                  int sourcePort, int destinationPort, byte[] data) {
        byte[] l4 = udp(source, destination, sourcePort, destinationPort, data);
        return ipv4(ethDestination, ethSource, header(Ipv4View.PROTO_UDP, source, destination, l4.length, 0x2000, ttl,
                false), l4);
    }

    /** A bare TCP SYN segment (20-byte header, no options) with its checksum. */
    public static byte[] tcpSyn(int source, int destination, int sourcePort, int destinationPort, long sequence) {
        byte[] out = new byte[20];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putShort(0, (short) sourcePort);
        b.putShort(2, (short) destinationPort);
        b.putInt(4, (int) sequence);
        b.put(12, (byte) 0x50);
        b.put(13, (byte) 0x02);
        b.putShort(14, (short) 64240);
        int sum = InternetChecksum.sum(b, 0, 20, InternetChecksum.pseudoHeaderSum(source, destination, 6, 20));
        b.putShort(16, (short) InternetChecksum.fold(sum));
        return out;
    }

    // ------------------------------------------------------------------ editing

    public static byte[] copy(byte[] frame) {
        return Arrays.copyOf(frame, frame.length);
    }

    /** Recomputes the IPv4 header checksum from scratch over IHL words, in place; returns the frame. */
    public static byte[] fixIpChecksum(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        int ihl = (frame[IP] & 0x0f) * 4;
        if (ihl < Ipv4View.MIN_HEADER || IP + ihl > frame.length) {
            return frame;
        }
        b.putShort(IP + 10, (short) 0);
        b.putShort(IP + 10, (short) InternetChecksum.compute(b, IP, ihl));
        return frame;
    }

    /** Sets the TTL and recomputes the header checksum (a copy). */
    public static byte[] withTtl(byte[] frame, int ttl) {
        byte[] out = copy(frame);
        out[IP + 8] = (byte) ttl;
        return fixIpChecksum(out);
    }

    /** Rewrites both MAC addresses (a copy). */
    public static byte[] withMacs(byte[] frame, long destination, long source) {
        byte[] out = copy(frame);
        ByteBuffer b = ByteBuffer.wrap(out);
        MacAddress.write(b, 0, destination);
        MacAddress.write(b, 6, source);
        return out;
    }

    // ------------------------------------------------------------------ reading

    public static ByteBuffer buffer(byte[] frame) {
        return ByteBuffer.wrap(frame);
    }

    public static long destinationMac(byte[] frame) {
        return MacAddress.read(ByteBuffer.wrap(frame), 0);
    }

    public static long sourceMac(byte[] frame) {
        return MacAddress.read(ByteBuffer.wrap(frame), 6);
    }

    public static int etherType(byte[] frame) {
        return ByteBuffer.wrap(frame).getShort(12) & 0xffff;
    }

    public static boolean isArp(byte[] frame) {
        return frame.length >= ETH + ArpView.LENGTH && etherType(frame) == EthernetView.ETHERTYPE_ARP;
    }

    public static boolean isIpv4(byte[] frame) {
        return frame.length >= ETH + Ipv4View.MIN_HEADER && etherType(frame) == EthernetView.ETHERTYPE_IPV4;
    }

    /** The ARP packet of an ARP frame. */
    public static ArpPacket arpOf(byte[] frame) {
        ArpView v = new ArpView();
        int status = v.wrap(ByteBuffer.wrap(frame), ETH, frame.length - ETH);
        if (status != 0) {
            throw new AssertionError("not an Ethernet/IPv4 ARP packet: " + hex(frame));
        }
        return ArpPacket.parse(v);
    }

    /** A view of the IPv4 header, wrapped with status OK (or an AssertionError). */
    public static Ipv4View ipOf(byte[] frame) {
        Ipv4View v = new Ipv4View();
        int status = v.wrap(ByteBuffer.wrap(frame), IP, frame.length - IP);
        if (status != 0) {
            throw new AssertionError("not a valid IPv4 packet (status " + status + "): " + hex(frame));
        }
        return v;
    }

    /** A view of the ICMP message of an IPv4 frame; the ICMP checksum is verified. */
    public static IcmpView icmpOf(byte[] frame) {
        Ipv4View ip = ipOf(frame);
        if (ip.protocol() != Ipv4View.PROTO_ICMP) {
            throw new AssertionError("not ICMP: protocol " + ip.protocol());
        }
        IcmpView v = new IcmpView();
        int status = v.wrap(ip.buffer(), ip.payloadOffset(), ip.payloadLength());
        if (status != 0) {
            throw new AssertionError("bad ICMP message (status " + status + "): " + hex(frame));
        }
        return v;
    }

    /**
     * True when the stored IPv4 header checksum equals the one recomputed from scratch (with the
     * checksum field zeroed), which is stricter than "the header sums to zero".
     */
    public static boolean ipChecksumMatchesRecomputation(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(frame, frame.length));
        int ihl = (b.get(IP) & 0x0f) * 4;
        int stored = b.getShort(IP + 10) & 0xffff;
        b.putShort(IP + 10, (short) 0);
        return stored == InternetChecksum.compute(b, IP, ihl);
    }

    /** True when the ICMP checksum equals a full recomputation over the IPv4 payload. */
    public static boolean icmpChecksumMatchesRecomputation(byte[] frame) {
        Ipv4View ip = ipOf(frame);
        int at = ip.payloadOffset();
        int len = ip.payloadLength();
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(frame, frame.length));
        int stored = b.getShort(at + 2) & 0xffff;
        b.putShort(at + 2, (short) 0);
        return stored == InternetChecksum.compute(b, at, len);
    }

    /** {@code len} bytes of {@code frame} from {@code off}. */
    public static byte[] slice(byte[] frame, int off, int len) {
        return Arrays.copyOfRange(frame, off, off + len);
    }

    public static String hex(byte[] frame) {
        return HexFormat.of().formatHex(frame);
    }

    public static byte[] fromHex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    public static int ip(String dotted) {
        return Ipv4Address.parse(dotted);
    }

    public static long mac(String colon) {
        return MacAddress.parse(colon);
    }
}
