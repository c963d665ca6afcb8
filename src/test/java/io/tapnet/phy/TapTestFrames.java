package io.tapnet.phy;

import java.nio.ByteBuffer;

/**
 * Hand-built Ethernet/ARP/IPv4/ICMP frames for the phy tests, with correct checksums. Deliberately
 * independent of the {@code wire} package: these tests check the devices, not the header code.
 */
final class TapTestFrames {

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETH_HEADER = 14;
    static final int IPV4_HEADER = 20;
    static final int ICMP_ECHO_REQUEST = 8;
    static final int ICMP_ECHO_REPLY = 0;

    private TapTestFrames() {}

    /** A direct buffer holding {@code bytes} at index 0, limit = length. */
    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(0, bytes);
        return buf;
    }

    static byte[] bytes(ByteBuffer buf, int off, int len) {
        byte[] out = new byte[len];
        buf.get(off, out);
        return out;
    }

    /** 10.99.3.1 -> 0x0a630301. */
    static int ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    static String ipv4String(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    static long mac(byte[] frame, int offset) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (frame[offset + i] & 0xff);
        }
        return mac;
    }

    static int u16(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
    }

    static int u32(byte[] b, int offset) {
        return (u16(b, offset) << 16) | u16(b, offset + 2);
    }

    private static void putMac(byte[] b, int offset, long mac) {
        for (int i = 0; i < 6; i++) {
            b[offset + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    private static void put16(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 8);
        b[offset + 1] = (byte) value;
    }

    private static void put32(byte[] b, int offset, int value) {
        put16(b, offset, value >>> 16);
        put16(b, offset + 2, value);
    }

    /** RFC 1071 Internet checksum of {@code b[offset, offset + length)}. */
    static int internetChecksum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += u16(b, offset + i);
        }
        if ((length & 1) != 0) {
            sum += (b[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** An Ethernet + ARP frame (RFC 826), 42 bytes. */
    static byte[] arp(int operation, long srcMac, long dstMac, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] f = new byte[ETH_HEADER + 28];
        putMac(f, 0, dstMac);
        putMac(f, 6, srcMac);
        put16(f, 12, ETHERTYPE_ARP);
        put16(f, 14, 1); // htype Ethernet
        put16(f, 16, ETHERTYPE_IPV4); // ptype
        f[18] = 6;
        f[19] = 4;
        put16(f, 20, operation);
        putMac(f, 22, senderMac);
        put32(f, 28, senderIp);
        putMac(f, 32, targetMac);
        put32(f, 38, targetIp);
        return f;
    }

    /** An IPv4 packet (no options, TTL 64) around an ICMP echo request/reply. */
    static byte[] icmpEchoPacket(int type, int srcIp, int dstIp, int identifier, int sequence, byte[] payload) {
        int icmpLength = 8 + payload.length;
        byte[] p = new byte[IPV4_HEADER + icmpLength];
        p[0] = 0x45;
        put16(p, 2, p.length);
        put16(p, 4, 0x1234); // identification
        put16(p, 6, 0x4000); // DF
        p[8] = 64;
        p[9] = 1; // ICMP
        put32(p, 12, srcIp);
        put32(p, 16, dstIp);
        put16(p, 10, internetChecksum(p, 0, IPV4_HEADER));
        p[IPV4_HEADER] = (byte) type;
        put16(p, IPV4_HEADER + 4, identifier);
        put16(p, IPV4_HEADER + 6, sequence);
        System.arraycopy(payload, 0, p, IPV4_HEADER + 8, payload.length);
        put16(p, IPV4_HEADER + 2, internetChecksum(p, IPV4_HEADER, icmpLength));
        return p;
    }

    /** {@code packet} behind an Ethernet header. */
    static byte[] ethernet(long srcMac, long dstMac, int etherType, byte[] packet) {
        byte[] f = new byte[ETH_HEADER + packet.length];
        putMac(f, 0, dstMac);
        putMac(f, 6, srcMac);
        put16(f, 12, etherType);
        System.arraycopy(packet, 0, f, ETH_HEADER, packet.length);
        return f;
    }

    /**
     * The echo reply for an IPv4 echo request packet: addresses swapped, type 0, same identifier,
     * sequence and payload.
     */
    static byte[] echoReplyFor(byte[] request, int offset) {
        int headerLength = (request[offset] & 0x0f) * 4;
        int total = u16(request, offset + 2);
        int src = u32(request, offset + 12);
        int dst = u32(request, offset + 16);
        int icmp = offset + headerLength;
        byte[] payload = new byte[total - headerLength - 8];
        System.arraycopy(request, icmp + 8, payload, 0, payload.length);
        return icmpEchoPacket(ICMP_ECHO_REPLY, dst, src, u16(request, icmp + 4), u16(request, icmp + 6), payload);
    }
}
