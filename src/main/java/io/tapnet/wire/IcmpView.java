package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * View of an ICMP message (RFC 792). Every message shares the 4-byte type/code/checksum prefix and a
 * 4-byte "rest of header" whose meaning depends on the type: identifier and sequence number for echo,
 * unused plus next-hop MTU for "fragmentation needed" (RFC 1191 §4). The checksum covers the whole
 * message, so {@code wrap} is given exactly the IPv4 payload.
 */
public final class IcmpView extends HeaderView {
    /** RFC 792: Type. */
    public static final int TYPE_OFFSET = 0;
    /** RFC 792: Code. */
    public static final int CODE_OFFSET = 1;
    /** RFC 792: Checksum over the whole ICMP message. */
    public static final int CHECKSUM_OFFSET = 2;
    /** RFC 792: the type-specific second word. */
    public static final int REST_OF_HEADER_OFFSET = 4;
    /** RFC 792 Echo or Echo Reply: Identifier. */
    public static final int IDENTIFIER_OFFSET = 4;
    /** RFC 792 Echo or Echo Reply: Sequence Number. */
    public static final int SEQUENCE_NUMBER_OFFSET = 6;
    /** RFC 1191 §4: Next-Hop MTU in the low half of the second word of "fragmentation needed". */
    public static final int NEXT_HOP_MTU_OFFSET = 6;

    /** Type/code/checksum plus the rest-of-header word. */
    public static final int HEADER_LENGTH = 8;

    /** RFC 792 Echo Reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** RFC 792 Destination Unreachable. */
    public static final int TYPE_DEST_UNREACHABLE = 3;
    /** RFC 792 Echo. */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** RFC 792 Time Exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;

    /** RFC 792 Destination Unreachable code 0. */
    public static final int CODE_NET_UNREACHABLE = 0;
    /** RFC 792 Destination Unreachable code 1. */
    public static final int CODE_HOST_UNREACHABLE = 1;
    /** RFC 792 Destination Unreachable code 2. */
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    /** RFC 792 Destination Unreachable code 3. */
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** RFC 792 Destination Unreachable code 4: fragmentation needed and DF set (carries RFC 1191 MTU). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** RFC 792 Time Exceeded code 0: time to live exceeded in transit (what traceroute listens for). */
    public static final int CODE_TTL_EXCEEDED = 0;

    public IcmpView() {
        super(HEADER_LENGTH);
    }

    /**
     * Views the ICMP message at {@code [off, off + len)}.
     *
     * @return {@link ParseStatus#TRUNCATED} below 8 bytes, {@link ParseStatus#BAD_CHECKSUM} when the
     *     {@code len} bytes do not sum to zero, otherwise {@link ParseStatus#OK}
     */
    public int wrap(ByteBuffer b, int off, int len) {
        if (!attach(b, off, len, HEADER_LENGTH)) {
            return ParseStatus.TRUNCATED;
        }
        if (!isChecksumValid()) {
            return ParseStatus.BAD_CHECKSUM;
        }
        return ParseStatus.OK;
    }

    public int type() {
        return buffer.get(offset + TYPE_OFFSET) & 0xff;
    }

    public void type(int type) {
        buffer.put(offset + TYPE_OFFSET, (byte) type);
    }

    public int code() {
        return buffer.get(offset + CODE_OFFSET) & 0xff;
    }

    public void code(int code) {
        buffer.put(offset + CODE_OFFSET, (byte) code);
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public void checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    /** The type-specific second word, unsigned. */
    public long restOfHeader() {
        return buffer.getInt(offset + REST_OF_HEADER_OFFSET) & 0xffffffffL;
    }

    public void restOfHeader(long word) {
        buffer.putInt(offset + REST_OF_HEADER_OFFSET, (int) word);
    }

    /** Echo identifier (ping uses it to tell its own replies apart). */
    public int identifier() {
        return buffer.getShort(offset + IDENTIFIER_OFFSET) & 0xffff;
    }

    public void identifier(int identifier) {
        buffer.putShort(offset + IDENTIFIER_OFFSET, (short) identifier);
    }

    /** Echo sequence number. */
    public int sequenceNumber() {
        return buffer.getShort(offset + SEQUENCE_NUMBER_OFFSET) & 0xffff;
    }

    public void sequenceNumber(int sequence) {
        buffer.putShort(offset + SEQUENCE_NUMBER_OFFSET, (short) sequence);
    }

    /** Next-hop MTU of a "fragmentation needed" message; 0 from pre-RFC 1191 routers. */
    public int nextHopMtu() {
        return buffer.getShort(offset + NEXT_HOP_MTU_OFFSET) & 0xffff;
    }

    public void nextHopMtu(int mtu) {
        buffer.putShort(offset + NEXT_HOP_MTU_OFFSET, (short) mtu);
    }

    /** Computes the checksum over the whole wrapped message and stores it. */
    public void fillChecksum() {
        checksum(0);
        checksum(InternetChecksum.compute(buffer, offset, wrappedLength));
    }

    /** True when the wrapped message sums to zero. */
    public boolean isChecksumValid() {
        return InternetChecksum.compute(buffer, offset, wrappedLength) == 0;
    }

    /** Always 8; for error messages the payload is the offending datagram's IP header and 8 more bytes. */
    @Override
    public int headerLength() {
        return HEADER_LENGTH;
    }
}
