package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * A validated UDP header (RFC 768). {@link #emit} writes checksum 0 ("none computed", which RFC 768
 * allows); the caller fills it with {@link UdpView#fillChecksum(int, int)} once the payload is in place.
 *
 * @param length header plus payload in bytes, 8..65535
 */
public record UdpHeader(int sourcePort, int destinationPort, int length) {

    public UdpHeader {
        Require.inRange("sourcePort", sourcePort, 0, 0xffff);
        Require.inRange("destinationPort", destinationPort, 0, 0xffff);
        Require.inRange("length", length, UdpView.HEADER_LENGTH, 0xffff);
    }

    /** A header for {@code payloadLength} bytes of data. */
    public static UdpHeader of(int sourcePort, int destinationPort, int payloadLength) {
        return new UdpHeader(sourcePort, destinationPort, UdpView.HEADER_LENGTH + payloadLength);
    }

    /** Writes the 8-byte header with checksum 0 at absolute index {@code off}; returns 8. */
    public int emit(ByteBuffer b, int off) {
        b.putShort(off + UdpView.SOURCE_PORT_OFFSET, (short) sourcePort);
        b.putShort(off + UdpView.DESTINATION_PORT_OFFSET, (short) destinationPort);
        b.putShort(off + UdpView.LENGTH_OFFSET, (short) length);
        b.putShort(off + UdpView.CHECKSUM_OFFSET, (short) 0);
        return UdpView.HEADER_LENGTH;
    }

    /** Reads a wrapped view back into a record (the checksum is not carried). */
    public static UdpHeader parse(UdpView v) {
        return new UdpHeader(v.sourcePort(), v.destinationPort(), v.length());
    }
}
