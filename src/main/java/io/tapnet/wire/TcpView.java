package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * View of a TCP header (RFC 9293 §3.1). Options are read with a reusable {@link TcpOptions}; the
 * segment length is the IP payload length, which {@code wrap} is given as {@code len}.
 */
public final class TcpView extends PortHeaderView {
    /** RFC 9293 §3.1: Sequence Number. */
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    /** RFC 9293 §3.1: Acknowledgment Number. */
    public static final int ACKNOWLEDGMENT_NUMBER_OFFSET = 8;
    /** RFC 9293 §3.1: Data Offset (high nibble, 32-bit words) and Reserved (low nibble). */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** RFC 9293 §3.1: the eight control bits CWR ECE URG ACK PSH RST SYN FIN. */
    public static final int FLAGS_OFFSET = 13;
    /** RFC 9293 §3.1: Window. */
    public static final int WINDOW_OFFSET = 14;
    /** RFC 9293 §3.1: Checksum over pseudo-header, header and data. */
    public static final int CHECKSUM_OFFSET = 16;
    /** RFC 9293 §3.1: Urgent Pointer. */
    public static final int URGENT_POINTER_OFFSET = 18;
    /** RFC 9293 §3.1: first option byte, present when Data Offset &gt; 5. */
    public static final int OPTIONS_OFFSET = 20;

    /** Header without options (Data Offset 5). */
    public static final int MIN_HEADER = 20;
    /** Header with the most options a 4-bit Data Offset allows (Data Offset 15). */
    public static final int MAX_HEADER = 60;
    /** Room for options: {@code MAX_HEADER - MIN_HEADER}. */
    public static final int MAX_OPTIONS_LENGTH = 40;

    /** RFC 9293 §3.1: no more data from sender. */
    public static final int FIN = 0x01;
    /** RFC 9293 §3.1: synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** RFC 9293 §3.1: reset the connection. */
    public static final int RST = 0x04;
    /** RFC 9293 §3.1: push function. */
    public static final int PSH = 0x08;
    /** RFC 9293 §3.1: acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** RFC 9293 §3.1: urgent pointer field is significant. */
    public static final int URG = 0x20;
    /** RFC 3168 §6.1: ECN-Echo. */
    public static final int ECE = 0x40;
    /** RFC 3168 §6.1: Congestion Window Reduced. */
    public static final int CWR = 0x80;

    public TcpView() {
        super(MIN_HEADER);
    }

    /**
     * Views the segment at {@code [off, off + len)} without verifying the checksum.
     *
     * @return {@link ParseStatus#TRUNCATED} below 20 bytes; {@link ParseStatus#ILLEGAL} when Data
     *     Offset is below 5 or reaches past the segment; otherwise {@link ParseStatus#OK}
     */
    @Override
    public int wrap(ByteBuffer b, int off, int len) {
        if (!attach(b, off, len, MIN_HEADER)) {
            return ParseStatus.TRUNCATED;
        }
        if (dataOffset() < 5 || headerLength() > len) {
            return ParseStatus.ILLEGAL;
        }
        return ParseStatus.OK;
    }

    public long sequenceNumber() {
        return buffer.getInt(offset + SEQUENCE_NUMBER_OFFSET) & 0xffffffffL;
    }

    public void sequenceNumber(long seq) {
        buffer.putInt(offset + SEQUENCE_NUMBER_OFFSET, (int) seq);
    }

    public long acknowledgmentNumber() {
        return buffer.getInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET) & 0xffffffffL;
    }

    public void acknowledgmentNumber(long ack) {
        buffer.putInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET, (int) ack);
    }

    /** Data Offset in 32-bit words. */
    public int dataOffset() {
        return (buffer.get(offset + DATA_OFFSET_OFFSET) & 0xff) >>> 4;
    }

    /** Writes Data Offset (words), keeping the reserved bits. */
    public void dataOffset(int words) {
        int b = buffer.get(offset + DATA_OFFSET_OFFSET);
        buffer.put(offset + DATA_OFFSET_OFFSET, (byte) ((words << 4) | (b & 0x0f)));
    }

    /** Data Offset in bytes. */
    @Override
    public int headerLength() {
        return dataOffset() * 4;
    }

    /** The eight control bits; test with {@link #SYN}, {@link #ACK} etc. */
    public int flags() {
        return buffer.get(offset + FLAGS_OFFSET) & 0xff;
    }

    public void flags(int flags) {
        buffer.put(offset + FLAGS_OFFSET, (byte) flags);
    }

    public int window() {
        return buffer.getShort(offset + WINDOW_OFFSET) & 0xffff;
    }

    public void window(int window) {
        buffer.putShort(offset + WINDOW_OFFSET, (short) window);
    }

    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET) & 0xffff;
    }

    public void checksum(int checksum) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) checksum);
    }

    public int urgentPointer() {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET) & 0xffff;
    }

    public void urgentPointer(int pointer) {
        buffer.putShort(offset + URGENT_POINTER_OFFSET, (short) pointer);
    }

    /** Absolute index of the first option byte. */
    public int optionsOffset() {
        return offset + OPTIONS_OFFSET;
    }

    /** Bytes of options, clamped to the wrapped length so a lying Data Offset cannot reach past it. */
    public int optionsLength() {
        return Math.max(0, Math.min(headerLength(), wrappedLength) - MIN_HEADER);
    }

    /** Parses this header's options into {@code into}; returns its {@link ParseStatus}. */
    public int parseOptions(TcpOptions into) {
        return into.parse(buffer, optionsOffset(), optionsLength());
    }

    /**
     * Computes the checksum over the pseudo-header and {@code segmentLength} bytes (header and data)
     * and stores it.
     */
    public void fillChecksum(int sourceIp, int destinationIp, int segmentLength) {
        checksum(0);
        checksum(InternetChecksum.fold(sumWithPseudoHeader(sourceIp, destinationIp, segmentLength)));
    }

    /** True when the pseudo-header and the whole wrapped segment sum to zero. */
    @Override
    public boolean isChecksumValid(int sourceIp, int destinationIp) {
        return InternetChecksum.fold(sumWithPseudoHeader(sourceIp, destinationIp, wrappedLength)) == 0;
    }

    private int sumWithPseudoHeader(int sourceIp, int destinationIp, int segmentLength) {
        int pseudo = InternetChecksum.pseudoHeaderSum(sourceIp, destinationIp, Ipv4View.PROTO_TCP, segmentLength);
        return InternetChecksum.sum(buffer, offset, Math.max(0, Math.min(segmentLength, wrappedLength)), pseudo);
    }
}
