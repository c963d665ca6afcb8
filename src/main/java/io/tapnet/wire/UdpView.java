package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * View of a UDP header (RFC 768). The Length field, not the buffer, decides where the datagram ends.
 * The checksum covers an IPv4 pseudo-header, so verifying or filling it needs the IP addresses.
 */
public final class UdpView extends PortHeaderView {
    /** RFC 768: Length of header and data in bytes. */
    public static final int LENGTH_OFFSET = 4;
    /** RFC 768: Checksum; 0 means the sender computed none. */
    public static final int CHECKSUM_OFFSET = 6;

    /** RFC 768: the header is always 8 bytes. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 768: a computed checksum of zero is sent as all ones, because zero means "none". */
    public static final int CHECKSUM_ZERO_SENT_AS = 0xffff;

    public UdpView() {
        super(HEADER_LENGTH);
    }

    /**
     * Views the datagram at {@code [off, off + len)} without verifying the checksum.
     *
     * @return {@link ParseStatus#TRUNCATED} below 8 bytes or when Length exceeds {@code len};
     *     {@link ParseStatus#ILLEGAL} when Length is below 8; otherwise {@link ParseStatus#OK}
     */
    @Override
    public int wrap(ByteBuffer b, int off, int len) {
        if (!attach(b, off, len, HEADER_LENGTH)) {
            return ParseStatus.TRUNCATED;
        }
        int udpLength = length();
        if (udpLength < HEADER_LENGTH) {
            return ParseStatus.ILLEGAL;
        }
        if (udpLength > len) {
            return ParseStatus.TRUNCATED;
        }
        return ParseStatus.OK;
    }

    /** The Length field (RFC 768): header and data in bytes. */
    public int length() {
        return buffer.getShort(offset + LENGTH_OFFSET) & 0xffff;
    }

    public void length(int length) {
        buffer.putShort(offset + LENGTH_OFFSET, (short) length);
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public void checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    /**
     * Computes the checksum over the pseudo-header and Length bytes and stores it, sending a computed
     * zero as 0xffff (RFC 768).
     */
    public void fillChecksum(int sourceIp, int destinationIp) {
        checksum(0);
        int checksum = InternetChecksum.fold(sumWithPseudoHeader(sourceIp, destinationIp));
        checksum(checksum == 0 ? CHECKSUM_ZERO_SENT_AS : checksum);
    }

    /** True when the checksum is 0 (none computed, RFC 768) or the datagram sums to zero. */
    @Override
    public boolean isChecksumValid(int sourceIp, int destinationIp) {
        return checksum() == 0 || InternetChecksum.fold(sumWithPseudoHeader(sourceIp, destinationIp)) == 0;
    }

    /** The pseudo-header uses the Length field; the summed bytes are clamped to what was wrapped. */
    private int sumWithPseudoHeader(int sourceIp, int destinationIp) {
        int udpLength = length();
        int pseudo = InternetChecksum.pseudoHeaderSum(sourceIp, destinationIp, Ipv4View.PROTO_UDP, udpLength);
        return InternetChecksum.sum(buffer, offset, Math.min(udpLength, wrappedLength), pseudo);
    }

    /** Always 8. */
    @Override
    public int headerLength() {
        return HEADER_LENGTH;
    }

    /** Length field minus 8, within the wrapped bytes: padding after the datagram is not payload. */
    @Override
    public int payloadLength() {
        return Math.max(0, Math.min(length(), wrappedLength) - HEADER_LENGTH);
    }
}
