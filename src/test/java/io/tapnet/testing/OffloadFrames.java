package io.tapnet.testing;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Offload;
import io.tapnet.wire.InternetChecksum;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames as a Linux kernel hands them to a TAP opened with {@code IFF_VNET_HDR}: a TCP segmentation
 * offload super-frame (one IPv4/TCP header, up to 64 KiB of payload, the IP total length covering all
 * of it, the TCP checksum field holding only the pseudo-header sum, folded but not complemented, as
 * {@code tcp_v4_send_check} leaves it for {@code CHECKSUM_PARTIAL}), and checks of what a wire carries.
 *
 * <p>The TCP header is 32 bytes: the 20 fixed ones, two NOPs and a timestamps option, as Linux sends
 * on an established connection.
 */
public final class OffloadFrames {
    public static final int ETH = 14;
    public static final int IP_HEADER = 20;
    public static final int TCP_HEADER = 32;
    /** Where the TCP header starts: {@code csum_start} of a TCP frame. */
    public static final int L4 = ETH + IP_HEADER;
    /** Ethernet, IPv4 and TCP headers: the virtio-net {@code hdr_len}. */
    public static final int HEADERS = L4 + TCP_HEADER;
    public static final int TCP_CHECKSUM_OFFSET = 16;
    public static final int UDP_CHECKSUM_OFFSET = 6;

    public static final int FIN = 0x01;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int CWR = 0x80;

    public static final int TS_VALUE = 0x01020304;
    public static final int TS_ECHO = 0x0a0b0c0d;

    private OffloadFrames() {
    }

    /** What a TCP super-frame carries besides its payload. */
    public record Tcp(long dstMac, long srcMac, int src, int dst, int srcPort, int dstPort, long seq, long ack,
                      int flags, int ipId, boolean dontFragment, int ttl) {
    }

    /**
     * An Ethernet/IPv4/TCP frame with {@code payload} behind one header (IPv4 header checksum valid,
     * TCP checksum field holding the partial pseudo-header sum).
     */
    public static byte[] superFrame(Tcp t, byte[] payload) {
        int ipLength = IP_HEADER + TCP_HEADER + payload.length;
        byte[] out = new byte[ETH + ipLength];
        ByteBuffer b = ByteBuffer.wrap(out);
        putMac(b, 0, t.dstMac());
        putMac(b, 6, t.srcMac());
        b.putShort(12, (short) 0x0800);
        b.put(ETH, (byte) 0x45);
        b.put(ETH + 1, (byte) 0x02); // ECT(0), as a Linux sender with ECN would
        b.putShort(ETH + 2, (short) ipLength);
        b.putShort(ETH + 4, (short) t.ipId());
        b.putShort(ETH + 6, (short) (t.dontFragment() ? 0x4000 : 0));
        b.put(ETH + 8, (byte) t.ttl());
        b.put(ETH + 9, (byte) 6);
        b.putInt(ETH + 12, t.src());
        b.putInt(ETH + 16, t.dst());
        b.putShort(ETH + 10, (short) InternetChecksum.compute(b, ETH, IP_HEADER));
        b.putShort(L4, (short) t.srcPort());
        b.putShort(L4 + 2, (short) t.dstPort());
        b.putInt(L4 + 4, (int) t.seq());
        b.putInt(L4 + 8, (int) t.ack());
        b.put(L4 + 12, (byte) ((TCP_HEADER / 4) << 4));
        b.put(L4 + 13, (byte) t.flags());
        b.putShort(L4 + 14, (short) 502);
        b.put(L4 + 20, (byte) 1);
        b.put(L4 + 21, (byte) 1);
        b.put(L4 + 22, (byte) 8);
        b.put(L4 + 23, (byte) 10);
        b.putInt(L4 + 24, TS_VALUE);
        b.putInt(L4 + 28, TS_ECHO);
        b.put(HEADERS, payload);
        b.putShort(L4 + TCP_CHECKSUM_OFFSET, (short) partialChecksum(t.src(), t.dst(), 6, TCP_HEADER + payload.length));
        return out;
    }

    /** The pseudo-header sum, folded to 16 bits and not complemented: what Linux leaves in the field. */
    public static int partialChecksum(int src, int dst, int protocol, int length) {
        return ~InternetChecksum.fold(InternetChecksum.pseudoHeaderSum(src, dst, protocol, length)) & 0xffff;
    }

    /** {@code bytes} in a frame of {@code loop}'s pool (the size class that fits). */
    public static Frame frame(EventLoop loop, byte[] bytes) {
        Frame f = loop.acquire(bytes.length);
        f.setLength(bytes.length);
        f.buffer().put(f.offset(), bytes);
        return f;
    }

    /** {@link #superFrame} in a pooled frame marked as the kernel marks a TSO frame. */
    public static Frame tsoFrame(EventLoop loop, Tcp t, byte[] payload, int gsoSize) {
        Frame f = frame(loop, superFrame(t, payload));
        markTso(f, gsoSize, (t.flags() & CWR) != 0);
        return f;
    }

    /** NEEDS_CSUM at the TCP checksum, GSO TCPv4 (with ECN when the run starts with CWR). */
    public static void markTso(Frame f, int gsoSize, boolean ecn) {
        Offload.setNeedsChecksum(f, L4, TCP_CHECKSUM_OFFSET);
        Offload.setGso(f, Offload.GSO_TCPV4 | (ecn ? Offload.GSO_ECN : 0), gsoSize, HEADERS);
    }

    /** The bytes of a frame. */
    public static byte[] bytes(Frame f) {
        byte[] out = new byte[f.length()];
        f.buffer().get(f.offset(), out);
        return out;
    }

    public static int u16(byte[] frame, int at) {
        return ByteBuffer.wrap(frame).getShort(at) & 0xffff;
    }

    public static long u32(byte[] frame, int at) {
        return ByteBuffer.wrap(frame).getInt(at) & 0xffffffffL;
    }

    public static int ipTotalLength(byte[] frame) {
        return u16(frame, ETH + 2);
    }

    public static int ipId(byte[] frame) {
        return u16(frame, ETH + 4);
    }

    public static int ttl(byte[] frame) {
        return frame[ETH + 8] & 0xff;
    }

    public static int ipHeaderLength(byte[] frame) {
        return (frame[ETH] & 0x0f) * 4;
    }

    public static int tcpHeaderLength(byte[] frame) {
        return ((frame[ETH + ipHeaderLength(frame) + 12] & 0xff) >>> 4) * 4;
    }

    public static long tcpSeq(byte[] frame) {
        return u32(frame, ETH + ipHeaderLength(frame) + 4);
    }

    public static int tcpFlags(byte[] frame) {
        return frame[ETH + ipHeaderLength(frame) + 13] & 0xff;
    }

    /** The TCP payload of a wire segment, as the IP total length bounds it. */
    public static byte[] tcpPayload(byte[] frame) {
        int from = ETH + ipHeaderLength(frame) + tcpHeaderLength(frame);
        return Arrays.copyOfRange(frame, from, ETH + ipTotalLength(frame));
    }

    /** The stored IPv4 header checksum equals a recomputation from scratch. */
    public static boolean ipChecksumValid(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(frame, frame.length));
        int ihl = ipHeaderLength(frame);
        int stored = b.getShort(ETH + 10) & 0xffff;
        b.putShort(ETH + 10, (short) 0);
        return stored == InternetChecksum.compute(b, ETH, ihl);
    }

    /**
     * The stored TCP or UDP checksum equals a recomputation from scratch over the pseudo-header and
     * the whole transport segment (the IP total length bounds it); a computed 0 must be stored as
     * 0xffff for UDP (RFC 768).
     */
    public static boolean transportChecksumValid(byte[] frame) {
        int ihl = ipHeaderLength(frame);
        int protocol = frame[ETH + 9] & 0xff;
        int field = protocol == 17 ? UDP_CHECKSUM_OFFSET : TCP_CHECKSUM_OFFSET;
        int l4 = ETH + ihl;
        int length = ipTotalLength(frame) - ihl;
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(frame, frame.length));
        int stored = b.getShort(l4 + field) & 0xffff;
        b.putShort(l4 + field, (short) 0);
        int sum = InternetChecksum.pseudoHeaderSum(b.getInt(ETH + 12), b.getInt(ETH + 16), protocol, length);
        int computed = InternetChecksum.fold(InternetChecksum.sum(b, l4, length, sum));
        if (computed == 0) {
            // UDP must send 0xffff for a computed 0 (RFC 768); for TCP both forms of zero verify.
            return stored == 0xffff || (protocol != 17 && stored == 0);
        }
        return stored == computed;
    }

    private static void putMac(ByteBuffer b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b.put(at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }
}
