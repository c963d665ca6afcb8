package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * A validated IPv4 header without options (RFC 791 §3.1). {@link #emit} always writes IHL 5 and a
 * correct header checksum. {@link #parse} drops any options the view had but keeps Total Length as read.
 *
 * @param flags          the three flag bits as on the wire ({@link Ipv4View#FLAG_DF} etc.)
 * @param fragmentOffset in 8-byte units, 0..8191
 */
public record Ipv4Header(int dscp, int ecn, int totalLength, int identification, int flags,
                         int fragmentOffset, int ttl, int protocol, int source, int destination) {

    public Ipv4Header {
        Require.inRange("dscp", dscp, 0, 63);
        Require.inRange("ecn", ecn, 0, 3);
        Require.inRange("totalLength", totalLength, Ipv4View.MIN_HEADER, 0xffff);
        Require.inRange("identification", identification, 0, 0xffff);
        Require.inRange("flags", flags, 0, 7);
        Require.inRange("fragmentOffset", fragmentOffset, 0, Ipv4View.MAX_FRAGMENT_OFFSET);
        Require.inRange("ttl", ttl, 0, 255);
        Require.inRange("protocol", protocol, 0, 255);
    }

    /** A header for an unfragmented datagram with DF set, as Linux sends by default (path MTU discovery). */
    public static Ipv4Header of(int protocol, int source, int destination, int payloadLength, int identification, int ttl) {
        return new Ipv4Header(0, 0, Ipv4View.MIN_HEADER + payloadLength, identification, Ipv4View.FLAG_DF, 0, ttl,
                protocol, source, destination);
    }

    /** Always 20: no options. */
    public int headerLength() {
        return Ipv4View.MIN_HEADER;
    }

    /** Writes the 20-byte header with its checksum at absolute index {@code off}; returns 20. */
    public int emit(ByteBuffer b, int off) {
        b.put(off + Ipv4View.VERSION_IHL_OFFSET, (byte) ((Ipv4View.VERSION << 4) | (Ipv4View.MIN_HEADER / 4)));
        b.put(off + Ipv4View.DSCP_ECN_OFFSET, (byte) ((dscp << 2) | ecn));
        b.putShort(off + Ipv4View.TOTAL_LENGTH_OFFSET, (short) totalLength);
        b.putShort(off + Ipv4View.IDENTIFICATION_OFFSET, (short) identification);
        b.putShort(off + Ipv4View.FLAGS_FRAGMENT_OFFSET_OFFSET, (short) ((flags << 13) | fragmentOffset));
        b.put(off + Ipv4View.TTL_OFFSET, (byte) ttl);
        b.put(off + Ipv4View.PROTOCOL_OFFSET, (byte) protocol);
        b.putShort(off + Ipv4View.HEADER_CHECKSUM_OFFSET, (short) 0);
        b.putInt(off + Ipv4View.SOURCE_OFFSET, source);
        b.putInt(off + Ipv4View.DESTINATION_OFFSET, destination);
        int checksum = InternetChecksum.compute(b, off, Ipv4View.MIN_HEADER);
        b.putShort(off + Ipv4View.HEADER_CHECKSUM_OFFSET, (short) checksum);
        return Ipv4View.MIN_HEADER;
    }

    /** Reads a view wrapped with status OK back into a record (options are not carried). */
    public static Ipv4Header parse(Ipv4View v) {
        return new Ipv4Header(v.dscp(), v.ecn(), v.totalLength(), v.identification(), v.flags(),
                v.fragmentOffset(), v.ttl(), v.protocol(), v.source(), v.destination());
    }
}
