package io.tapnet.phy;

import static io.tapnet.phy.TunTapIoctl.*;

import io.tapnet.wire.InternetChecksum;
import java.nio.ByteBuffer;

/**
 * Checksum and segmentation offloads, as the Linux kernel hands them to a TAP opened with
 * {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD}: every frame then comes with a {@code virtio_net_hdr}
 * (virtio 1.x, section 5.1.6) that says
 *
 * <ul>
 *   <li>{@link #NEEDS_CSUM}: the transport checksum at {@code csum_start + csum_offset} holds only
 *       the pseudo-header sum; whoever puts the frame on a wire sums from {@code csum_start} to the
 *       end and stores the result there;
 *   <li>{@code gso_type}/{@code gso_size}: the frame is one TCP segment of up to 64 KiB that stands
 *       for a run of segments of {@code gso_size} payload bytes each (TSO): the headers are those of
 *       the first, the IPv4 total length covers the whole.
 * </ul>
 *
 * <p>Java hosts make such frames too (their TCP's TSO, see {@code io.tapnet.transport.tcp}) and take
 * TCP ones addressed to them whole (GRO).
 *
 * <p>Switches and routers forward such frames untouched (a router only decrements the TTL, which the
 * transport checksum does not cover) to another TAP or Java host that accepts offloads, so two
 * Linux hosts talk through tapnet at the speed of their own stacks. Wherever the frame must look as
 * on a wire (a Java host without offloads, its filters or non-TCP protocols, an impaired link, a TAP
 * without offloads, a capture that asks for it),
 * {@link #resolve} completes the checksum or cuts the frame into the segments the kernel would have
 * sent itself: IPv4 identification counted up, sequence numbers advanced, CWR only on the first and
 * FIN/PSH only on the last segment, every checksum computed (as Linux's {@code tcp_gso_segment}).
 *
 * <p>Only IPv4/TCP segmentation is offered to the kernel ({@code TUN_F_TSO4}, {@code TUN_F_TSO_ECN});
 * a frame of another GSO type, or whose headers do not hold together, is counted in
 * {@link EventLoop#offloadErrors()} and dropped. The header's constants and layout are
 * {@link TunTapIoctl}'s, which a test compares with the C headers. Offsets are from the frame's first byte, so a frame
 * that gains an 802.1Q tag must move them with it.
 */
public final class Offload {
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}. */
    public static final int NEEDS_CSUM = TunTapIoctl.VIRTIO_NET_HDR_F_NEEDS_CSUM;
    /** {@code VIRTIO_NET_HDR_F_DATA_VALID}: the checksum was verified (only meaningful from the kernel). */
    public static final int DATA_VALID = TunTapIoctl.VIRTIO_NET_HDR_F_DATA_VALID;
    public static final int GSO_NONE = TunTapIoctl.VIRTIO_NET_HDR_GSO_NONE;
    public static final int GSO_TCPV4 = TunTapIoctl.VIRTIO_NET_HDR_GSO_TCPV4;
    public static final int GSO_UDP = TunTapIoctl.VIRTIO_NET_HDR_GSO_UDP;
    public static final int GSO_TCPV6 = TunTapIoctl.VIRTIO_NET_HDR_GSO_TCPV6;
    /** {@code VIRTIO_NET_HDR_GSO_UDP_L4} (Linux 6.2+ headers; tapnet never offers it). */
    public static final int GSO_UDP_L4 = 5;
    /** Flag in {@code gso_type}: the run of segments starts with CWR set. */
    public static final int GSO_ECN = TunTapIoctl.VIRTIO_NET_HDR_GSO_ECN;
    /** {@code sizeof(struct virtio_net_hdr)}, the kernel's default header size on a TAP. */
    public static final int VNET_HEADER_LENGTH = TunTapIoctl.SIZEOF_VIRTIO_NET_HDR;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    /** Takes each frame {@link #resolve} produces. */
    public interface Sink {
        void accept(Frame frame);
    }

    private Offload() {
    }

    // ------------------------------------------------------------------ virtio-net header

    /** Reads a virtio-net header (little-endian, as on x86 and in virtio 1.x) at {@code at} into {@code f}. */
    static void readHeader(Frame f, ByteBuffer b, int at) {
        f.offloadFlags = b.get(at + VIRTIO_NET_HDR_FLAGS_OFFSET) & 0xff;
        f.gsoType = b.get(at + VIRTIO_NET_HDR_GSO_TYPE_OFFSET) & 0xff;
        f.headerLength = le16(b, at + VIRTIO_NET_HDR_HDR_LEN_OFFSET);
        f.gsoSize = le16(b, at + VIRTIO_NET_HDR_GSO_SIZE_OFFSET);
        f.csumStart = le16(b, at + VIRTIO_NET_HDR_CSUM_START_OFFSET);
        f.csumOffset = le16(b, at + VIRTIO_NET_HDR_CSUM_OFFSET_OFFSET);
        if (f.gsoType == GSO_NONE) {
            f.gsoSize = 0;
        }
        f.offloadFlags &= NEEDS_CSUM; // DATA_VALID is a hint for the receiver; tapnet does not keep it
    }

    /** Writes {@code f}'s offload state as a virtio-net header at {@code at}. */
    static void writeHeader(Frame f, ByteBuffer b, int at) {
        b.put(at + VIRTIO_NET_HDR_FLAGS_OFFSET, (byte) f.offloadFlags);
        b.put(at + VIRTIO_NET_HDR_GSO_TYPE_OFFSET, (byte) f.gsoType);
        putLe16(b, at + VIRTIO_NET_HDR_HDR_LEN_OFFSET, f.headerLength);
        putLe16(b, at + VIRTIO_NET_HDR_GSO_SIZE_OFFSET, f.gsoSize);
        putLe16(b, at + VIRTIO_NET_HDR_CSUM_START_OFFSET, f.csumStart);
        putLe16(b, at + VIRTIO_NET_HDR_CSUM_OFFSET_OFFSET, f.csumOffset);
    }

    private static int le16(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8;
    }

    private static void putLe16(ByteBuffer b, int at, int v) {
        b.put(at, (byte) v);
        b.put(at + 1, (byte) (v >>> 8));
    }

    /** Marks {@code f} as carrying a partial transport checksum at {@code start + offset} (for tests and sources). */
    public static void setNeedsChecksum(Frame f, int start, int offset) {
        f.offloadFlags |= NEEDS_CSUM;
        f.csumStart = start;
        f.csumOffset = offset;
    }

    /** Marks {@code f} as a TSO super-frame of {@code type} cut at {@code segmentSize} payload bytes. */
    public static void setGso(Frame f, int type, int segmentSize, int headerLength) {
        f.gsoType = type;
        f.gsoSize = segmentSize;
        f.headerLength = headerLength;
    }

    // ------------------------------------------------------------------ resolving

    /**
     * Turns an offloaded frame into what a wire would carry and hands the result to {@code sink}: the
     * frame itself with its checksum completed, or the segments of a GSO frame (the frame is then
     * released). Takes ownership of {@code frame}. An ordinary frame is passed on as it is.
     *
     * @return the frames handed to {@code sink}; 0 when the frame was malformed or of an unsupported
     *     GSO type, counted in {@link EventLoop#offloadErrors()} and dropped
     */
    public static int resolve(EventLoop loop, Frame frame, Sink sink) {
        if (frame.gsoType == GSO_NONE) {
            if ((frame.offloadFlags & NEEDS_CSUM) != 0 && !completeChecksum(frame)) {
                return drop(loop, frame);
            }
            frame.clearOffload();
            sink.accept(frame);
            return 1;
        }
        if ((frame.gsoType & ~GSO_ECN) != GSO_TCPV4) {
            return drop(loop, frame);
        }
        return segmentTcp4(loop, frame, sink);
    }

    private static int drop(EventLoop loop, Frame frame) {
        loop.offloadErrors++;
        frame.release();
        return 0;
    }

    /**
     * Sums a {@link #NEEDS_CSUM} frame from {@code csum_start} to the end of its network-layer packet
     * and stores the checksum; clears the flag. False if the offsets lie outside the frame.
     */
    public static boolean completeChecksum(Frame f) {
        ByteBuffer b = f.buffer();
        int o = f.offset();
        int end = networkEnd(f);
        int start = f.csumStart;
        int field = start + f.csumOffset;
        if (end < 0 || start < 14 || field + 2 > end) {
            return false;
        }
        int sum = InternetChecksum.sum(b, o + start, end - start, 0);
        int check = InternetChecksum.fold(sum);
        if (check == 0 && isUdp(b, o, f.length())) {
            check = 0xffff; // RFC 768: 0 would mean "no checksum"; TCP keeps 0 (RFC 1624)
        }
        b.putShort(o + field, (short) check);
        f.offloadFlags &= ~NEEDS_CSUM;
        return true;
    }

    /**
     * Where the frame's IPv4 or IPv6 packet ends (Ethernet pads short frames), or the frame's length
     * for other EtherTypes; -1 if the length field points past the frame.
     */
    private static int networkEnd(Frame f) {
        ByteBuffer b = f.buffer();
        int o = f.offset();
        int len = f.length();
        int l3 = l3Offset(b, o, len);
        if (l3 < 0) {
            return len;
        }
        int type = b.getShort(o + l3 - 2) & 0xffff;
        int end;
        if (type == ETHERTYPE_IPV4 && l3 + 20 <= len) {
            end = l3 + (b.getShort(o + l3 + 2) & 0xffff);
        } else if (type == ETHERTYPE_IPV6 && l3 + 40 <= len) {
            end = l3 + 40 + (b.getShort(o + l3 + 4) & 0xffff);
        } else {
            return len;
        }
        return end <= len ? end : -1;
    }

    /** True if the frame holds an IPv4 or IPv6 (no extension header) UDP datagram. */
    private static boolean isUdp(ByteBuffer b, int o, int len) {
        int l3 = l3Offset(b, o, len);
        if (l3 < 0) {
            return false;
        }
        int type = b.getShort(o + l3 - 2) & 0xffff;
        if (type == ETHERTYPE_IPV4 && l3 + 20 <= len) {
            return (b.get(o + l3 + 9) & 0xff) == UDP;
        }
        return type == ETHERTYPE_IPV6 && l3 + 40 <= len && (b.get(o + l3 + 6) & 0xff) == UDP;
    }

    /** Offset of the network header after the Ethernet header and at most one 802.1Q/802.1ad tag. */
    private static int l3Offset(ByteBuffer b, int o, int len) {
        if (len < 14) {
            return -1;
        }
        int type = b.getShort(o + 12) & 0xffff;
        if (type == 0x8100 || type == 0x88a8) {
            return len < 18 ? -1 : 18;
        }
        return 14;
    }

    /**
     * The IPv4 total length of the longest segment a GSO frame stands for (its IP and TCP headers
     * plus {@code gso_size}), which is what must fit the next hop's MTU; -1 if it is not an IPv4/TCP
     * GSO frame whose headers hold together.
     */
    public static int segmentIpLength(Frame f) {
        int headers = tcp4HeaderLength(f);
        return headers < 0 || f.gsoSize <= 0 ? -1 : headers + f.gsoSize;
    }

    /**
     * The IPv4 and TCP header bytes of a frame that holds an IPv4/TCP datagram whose lengths agree
     * with each other and with the frame, or -1 if it does not.
     */
    private static int tcp4HeaderLength(Frame f) {
        ByteBuffer b = f.buffer();
        int o = f.offset();
        int len = f.length();
        int l3 = l3Offset(b, o, len);
        if (l3 < 0 || l3 + 20 > len || (b.getShort(o + l3 - 2) & 0xffff) != ETHERTYPE_IPV4
                || (b.get(o + l3) & 0xf0) != 0x40 || (b.get(o + l3 + 9) & 0xff) != TCP) {
            return -1;
        }
        int ihl = (b.get(o + l3) & 0x0f) * 4;
        int l4 = l3 + ihl;
        int total = b.getShort(o + l3 + 2) & 0xffff;
        if (ihl < 20 || l4 + 20 > len || l3 + total > len || l3 + total < l4 + 20) {
            return -1;
        }
        int thl = ((b.get(o + l4 + 12) & 0xff) >>> 4) * 4;
        return thl < 20 || l4 + thl > l3 + total ? -1 : ihl + thl;
    }

    private static int segmentTcp4(EventLoop loop, Frame frame, Sink sink) {
        int tcpIp = tcp4HeaderLength(frame);
        int mss = frame.gsoSize;
        if (tcpIp < 0 || mss <= 0) {
            return drop(loop, frame);
        }
        ByteBuffer b = frame.buffer();
        int o = frame.offset();
        int l3 = l3Offset(b, o, frame.length());
        int ihl = (b.get(o + l3) & 0x0f) * 4;
        int l4 = l3 + ihl;
        int thl = tcpIp - ihl;
        int headers = l3 + tcpIp;
        int total = b.getShort(o + l3 + 2) & 0xffff;
        int payload = l3 + total - headers;
        int count = Math.max(1, (payload + mss - 1) / mss);
        int ipId = b.getShort(o + l3 + 4) & 0xffff;
        long seq = b.getInt(o + l4 + 4) & 0xffffffffL;
        int flags = b.get(o + l4 + 13) & 0xff;
        int source = b.getInt(o + l3 + 12);
        int destination = b.getInt(o + l3 + 16);
        for (int i = 0; i < count; i++) {
            int from = i * mss;
            int chunk = Math.min(mss, payload - from);
            Frame s = loop.acquire(headers + chunk);
            ByteBuffer sb = s.buffer();
            int so = s.offset();
            s.setLength(headers + chunk);
            s.linkEpoch = frame.linkEpoch;
            sb.put(so, b, o, headers);
            sb.put(so + headers, b, o + headers + from, chunk);
            sb.putShort(so + l3 + 2, (short) (headers - l3 + chunk));
            sb.putShort(so + l3 + 4, (short) (ipId + i));
            sb.putShort(so + l3 + 10, (short) 0);
            sb.putShort(so + l3 + 10, (short) InternetChecksum.compute(sb, so + l3, ihl));
            sb.putInt(so + l4 + 4, (int) (seq + from));
            int f = flags;
            if (i > 0) {
                f &= ~TCP_CWR;
            }
            if (i < count - 1) {
                f &= ~(TCP_FIN | TCP_PSH);
            }
            sb.put(so + l4 + 13, (byte) f);
            sb.putShort(so + l4 + 16, (short) 0);
            int sum = InternetChecksum.pseudoHeaderSum(source, destination, TCP, thl + chunk);
            sum = InternetChecksum.sum(sb, so + l4, thl + chunk, sum);
            sb.putShort(so + l4 + 16, (short) InternetChecksum.fold(sum));
            sink.accept(s);
        }
        frame.release();
        return count;
    }
}
