package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * A validated TCP header (RFC 9293 §3.1) with its options. {@link #emit} derives Data Offset from the
 * options and writes checksum 0; the caller fills it with
 * {@link TcpView#fillChecksum(int, int, int)} once the payload is in place.
 *
 * @param flags the eight control bits ({@link TcpView#SYN} etc.)
 */
public record TcpHeader(int sourcePort, int destinationPort, long sequenceNumber, long acknowledgmentNumber,
                        int flags, int window, int urgentPointer, TcpOptionsValue options) {

    public TcpHeader {
        Require.inRange("sourcePort", sourcePort, 0, 0xffff);
        Require.inRange("destinationPort", destinationPort, 0, 0xffff);
        Require.inRange("sequenceNumber", sequenceNumber, 0, 0xffffffffL);
        Require.inRange("acknowledgmentNumber", acknowledgmentNumber, 0, 0xffffffffL);
        Require.inRange("flags", flags, 0, 0xff);
        Require.inRange("window", window, 0, 0xffff);
        Require.inRange("urgentPointer", urgentPointer, 0, 0xffff);
        if (options == null) {
            throw new IllegalArgumentException("options is null; use TcpOptionsValue.NONE");
        }
    }

    /** 20 plus the options' length. */
    public int headerLength() {
        return TcpView.MIN_HEADER + options.length();
    }

    /** Writes header and options at absolute index {@code off} with checksum 0; returns the header length. */
    public int emit(ByteBuffer b, int off) {
        int headerLength = headerLength();
        b.putShort(off + TcpView.SOURCE_PORT_OFFSET, (short) sourcePort);
        b.putShort(off + TcpView.DESTINATION_PORT_OFFSET, (short) destinationPort);
        b.putInt(off + TcpView.SEQUENCE_NUMBER_OFFSET, (int) sequenceNumber);
        b.putInt(off + TcpView.ACKNOWLEDGMENT_NUMBER_OFFSET, (int) acknowledgmentNumber);
        b.put(off + TcpView.DATA_OFFSET_OFFSET, (byte) ((headerLength / 4) << 4));
        b.put(off + TcpView.FLAGS_OFFSET, (byte) flags);
        b.putShort(off + TcpView.WINDOW_OFFSET, (short) window);
        b.putShort(off + TcpView.CHECKSUM_OFFSET, (short) 0);
        b.putShort(off + TcpView.URGENT_POINTER_OFFSET, (short) urgentPointer);
        options.emit(b, off + TcpView.OPTIONS_OFFSET);
        return headerLength;
    }

    /**
     * Reads a view wrapped with status OK back into a record.
     *
     * @throws IllegalArgumentException if the options are malformed or do not fit {@link TcpOptionsValue}
     */
    public static TcpHeader parse(TcpView v) {
        TcpOptions parsed = new TcpOptions();
        int status = v.parseOptions(parsed);
        if (status != ParseStatus.OK) {
            throw new IllegalArgumentException("TCP options are " + ParseStatus.name(status));
        }
        return new TcpHeader(v.sourcePort(), v.destinationPort(), v.sequenceNumber(), v.acknowledgmentNumber(),
                v.flags(), v.window(), v.urgentPointer(), TcpOptionsValue.parse(parsed));
    }
}
