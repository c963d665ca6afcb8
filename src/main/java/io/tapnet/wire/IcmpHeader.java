package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * A validated ICMP header (RFC 792): type, code and the type-specific second word. {@link #emit} fills
 * the checksum over the 8 header bytes, which is final for a message without payload; a caller that
 * appends payload (echo data, the quoted datagram of an error) refills it with
 * {@link IcmpView#fillChecksum()}.
 *
 * @param restOfHeader the second header word, 0..0xffffffff
 */
public record IcmpHeader(int type, int code, long restOfHeader) {

    public IcmpHeader {
        Require.inRange("type", type, 0, 255);
        Require.inRange("code", code, 0, 255);
        Require.inRange("restOfHeader", restOfHeader, 0, 0xffffffffL);
    }

    public static IcmpHeader echoRequest(int identifier, int sequenceNumber) {
        return new IcmpHeader(IcmpView.TYPE_ECHO_REQUEST, 0, echoWord(identifier, sequenceNumber));
    }

    public static IcmpHeader echoReply(int identifier, int sequenceNumber) {
        return new IcmpHeader(IcmpView.TYPE_ECHO_REPLY, 0, echoWord(identifier, sequenceNumber));
    }

    /** Destination unreachable; {@code nextHopMtu} matters only for code 4 (RFC 1191 §4), else pass 0. */
    public static IcmpHeader destinationUnreachable(int code, int nextHopMtu) {
        Require.inRange("nextHopMtu", nextHopMtu, 0, 0xffff);
        return new IcmpHeader(IcmpView.TYPE_DEST_UNREACHABLE, code, nextHopMtu);
    }

    /** Time exceeded in transit, as a router sends when TTL reaches zero. */
    public static IcmpHeader timeExceeded() {
        return new IcmpHeader(IcmpView.TYPE_TIME_EXCEEDED, IcmpView.CODE_TTL_EXCEEDED, 0);
    }

    private static long echoWord(int identifier, int sequenceNumber) {
        Require.inRange("identifier", identifier, 0, 0xffff);
        Require.inRange("sequenceNumber", sequenceNumber, 0, 0xffff);
        return ((long) identifier << 16) | sequenceNumber;
    }

    /** High half of the second word: the echo identifier. */
    public int identifier() {
        return (int) (restOfHeader >>> 16);
    }

    /** Low half of the second word: the echo sequence number, or the next-hop MTU. */
    public int sequenceNumber() {
        return (int) (restOfHeader & 0xffff);
    }

    /** Writes the 8-byte header at absolute index {@code off} with a header-only checksum; returns 8. */
    public int emit(ByteBuffer b, int off) {
        b.put(off + IcmpView.TYPE_OFFSET, (byte) type);
        b.put(off + IcmpView.CODE_OFFSET, (byte) code);
        b.putShort(off + IcmpView.CHECKSUM_OFFSET, (short) 0);
        b.putInt(off + IcmpView.REST_OF_HEADER_OFFSET, (int) restOfHeader);
        b.putShort(off + IcmpView.CHECKSUM_OFFSET, (short) InternetChecksum.compute(b, off, IcmpView.HEADER_LENGTH));
        return IcmpView.HEADER_LENGTH;
    }

    /** Reads a wrapped view back into a record. */
    public static IcmpHeader parse(IcmpView v) {
        return new IcmpHeader(v.type(), v.code(), v.restOfHeader());
    }
}
