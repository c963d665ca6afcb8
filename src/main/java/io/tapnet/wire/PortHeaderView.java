package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * What UDP and TCP headers share: source and destination ports in their first four bytes (RFC 768,
 * RFC 9293 section 3.1) and a checksum over a pseudo-header, verified by the five-argument wrap.
 */
public abstract sealed class PortHeaderView extends HeaderView permits UdpView, TcpView {
    /** RFC 768, RFC 9293 section 3.1: Source Port. */
    public static final int SOURCE_PORT_OFFSET = 0;
    /** RFC 768, RFC 9293 section 3.1: Destination Port. */
    public static final int DESTINATION_PORT_OFFSET = 2;

    PortHeaderView(int fixedHeaderLength) {
        super(fixedHeaderLength);
    }

    /** Checks the header can be read safely; see the subclasses for what else they validate. */
    public abstract int wrap(ByteBuffer b, int off, int len);

    /** Verifies the checksum over the pseudo-header and the wrapped bytes. */
    public abstract boolean isChecksumValid(int sourceIp, int destinationIp);

    /**
     * As {@link #wrap(ByteBuffer, int, int)}, then verifies the checksum:
     * {@link ParseStatus#BAD_CHECKSUM} if it does not verify.
     */
    public final int wrap(ByteBuffer b, int off, int len, int sourceIp, int destinationIp) {
        int status = wrap(b, off, len);
        if (status == ParseStatus.OK && !isChecksumValid(sourceIp, destinationIp)) {
            return ParseStatus.BAD_CHECKSUM;
        }
        return status;
    }

    public final int sourcePort() {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET) & 0xffff;
    }

    public final void sourcePort(int port) {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short) port);
    }

    public final int destinationPort() {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET) & 0xffff;
    }

    public final void destinationPort(int port) {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short) port);
    }
}
