package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * View of an IPv4 header (RFC 791 §3.1). Options are not interpreted, only skipped: the payload starts
 * after IHL words. Routers use {@link #decrementTtl()}, which keeps the checksum valid without
 * re-summing the header.
 */
public final class Ipv4View extends HeaderView {
    /** RFC 791 §3.1: Version (high nibble) and IHL (low nibble, in 32-bit words). */
    public static final int VERSION_IHL_OFFSET = 0;
    /** RFC 2474 §3 / RFC 3168 §5: DSCP (6 bits) and ECN (2 bits), formerly Type of Service. */
    public static final int DSCP_ECN_OFFSET = 1;
    /** RFC 791 §3.1: Total Length of header and data in bytes. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** RFC 791 §3.1: Identification. */
    public static final int IDENTIFICATION_OFFSET = 4;
    /** RFC 791 §3.1: Flags (3 bits) and Fragment Offset (13 bits, in 8-byte units). */
    public static final int FLAGS_FRAGMENT_OFFSET_OFFSET = 6;
    /** RFC 791 §3.1: Time to Live. Shares a 16-bit word with Protocol, which matters for RFC 1624. */
    public static final int TTL_OFFSET = 8;
    /** RFC 791 §3.1: Protocol. */
    public static final int PROTOCOL_OFFSET = 9;
    /** RFC 791 §3.1: Header Checksum. */
    public static final int HEADER_CHECKSUM_OFFSET = 10;
    /** RFC 791 §3.1: Source Address. */
    public static final int SOURCE_OFFSET = 12;
    /** RFC 791 §3.1: Destination Address. */
    public static final int DESTINATION_OFFSET = 16;
    /** RFC 791 §3.1: first option byte, present when IHL &gt; 5. */
    public static final int OPTIONS_OFFSET = 20;

    /** Header without options (IHL 5). */
    public static final int MIN_HEADER = 20;
    /** Header with the most options a 4-bit IHL allows (IHL 15). */
    public static final int MAX_HEADER = 60;
    /** The only version this view accepts. */
    public static final int VERSION = 4;

    /** RFC 791 §3.1 flags bit 0: reserved, must be zero. */
    public static final int FLAG_RESERVED = 0b100;
    /** RFC 791 §3.1 flags bit 1: Don't Fragment. */
    public static final int FLAG_DF = 0b010;
    /** RFC 791 §3.1 flags bit 2: More Fragments. */
    public static final int FLAG_MF = 0b001;
    /** Largest fragment offset a 13-bit field holds. */
    public static final int MAX_FRAGMENT_OFFSET = 0x1fff;

    /** IANA protocol number for ICMP (RFC 792). */
    public static final int PROTO_ICMP = 1;
    /** IANA protocol number for TCP (RFC 9293). */
    public static final int PROTO_TCP = 6;
    /** IANA protocol number for UDP (RFC 768). */
    public static final int PROTO_UDP = 17;

    private static final int FLAGS_SHIFT = 13;

    public Ipv4View() {
        super(MIN_HEADER);
    }

    /**
     * Views the IPv4 packet at {@code [off, off + len)}. {@code len} may include link-layer padding;
     * the packet's own Total Length decides where it ends.
     *
     * @return {@link ParseStatus#TRUNCATED} below 20 bytes, when IHL reaches past {@code len} or Total
     *     Length is larger than {@code len}; {@link ParseStatus#ILLEGAL} for a version other than 4, IHL
     *     below 5, or Total Length shorter than the header; {@link ParseStatus#BAD_CHECKSUM} when the
     *     header does not sum to zero; otherwise {@link ParseStatus#OK}
     */
    public int wrap(ByteBuffer b, int off, int len) {
        if (!attach(b, off, len, MIN_HEADER)) {
            return ParseStatus.TRUNCATED;
        }
        if (version() != VERSION || ihl() < 5) {
            return ParseStatus.ILLEGAL;
        }
        int headerLength = headerLength();
        if (headerLength > len) {
            return ParseStatus.TRUNCATED;
        }
        int totalLength = totalLength();
        if (totalLength < headerLength) {
            return ParseStatus.ILLEGAL;
        }
        if (totalLength > len) {
            return ParseStatus.TRUNCATED;
        }
        if (InternetChecksum.compute(buffer, offset, headerLength) != 0) {
            return ParseStatus.BAD_CHECKSUM;
        }
        return ParseStatus.OK;
    }

    public int version() {
        return (buffer.get(offset + VERSION_IHL_OFFSET) & 0xff) >>> 4;
    }

    public void version(int version) {
        int b = buffer.get(offset + VERSION_IHL_OFFSET);
        buffer.put(offset + VERSION_IHL_OFFSET, (byte) ((version << 4) | (b & 0x0f)));
    }

    /** Internet Header Length in 32-bit words. */
    public int ihl() {
        return buffer.get(offset + VERSION_IHL_OFFSET) & 0x0f;
    }

    public void ihl(int words) {
        int b = buffer.get(offset + VERSION_IHL_OFFSET);
        buffer.put(offset + VERSION_IHL_OFFSET, (byte) ((b & 0xf0) | (words & 0x0f)));
    }

    /** IHL in bytes: {@code ihl() * 4}. */
    @Override
    public int headerLength() {
        return ihl() * 4;
    }

    /** Bytes of options between the fixed header and the payload (0 for IHL 5). */
    public int optionsLength() {
        return Math.max(0, headerLength() - MIN_HEADER);
    }

    public int dscp() {
        return (buffer.get(offset + DSCP_ECN_OFFSET) & 0xff) >>> 2;
    }

    public void dscp(int dscp) {
        int b = buffer.get(offset + DSCP_ECN_OFFSET);
        buffer.put(offset + DSCP_ECN_OFFSET, (byte) ((dscp << 2) | (b & 0x03)));
    }

    public int ecn() {
        return buffer.get(offset + DSCP_ECN_OFFSET) & 0x03;
    }

    public void ecn(int ecn) {
        int b = buffer.get(offset + DSCP_ECN_OFFSET);
        buffer.put(offset + DSCP_ECN_OFFSET, (byte) ((b & 0xfc) | (ecn & 0x03)));
    }

    public int totalLength() {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET) & 0xffff;
    }

    public void totalLength(int length) {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short) length);
    }

    public int identification() {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET) & 0xffff;
    }

    public void identification(int id) {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short) id);
    }

    /** The three flag bits as on the wire: {@link #FLAG_RESERVED}, {@link #FLAG_DF}, {@link #FLAG_MF}. */
    public int flags() {
        return (buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET) & 0xffff) >>> FLAGS_SHIFT;
    }

    /** Writes the three flag bits, keeping the fragment offset. */
    public void flags(int flags) {
        int word = buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET) & MAX_FRAGMENT_OFFSET;
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, (short) ((flags << FLAGS_SHIFT) | word));
    }

    public boolean dontFragment() {
        return (flags() & FLAG_DF) != 0;
    }

    public void dontFragment(boolean df) {
        flags(df ? flags() | FLAG_DF : flags() & ~FLAG_DF);
    }

    public boolean moreFragments() {
        return (flags() & FLAG_MF) != 0;
    }

    public void moreFragments(boolean mf) {
        flags(mf ? flags() | FLAG_MF : flags() & ~FLAG_MF);
    }

    /** Fragment offset in 8-byte units, as on the wire. */
    public int fragmentOffset() {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET) & MAX_FRAGMENT_OFFSET;
    }

    /** Writes the fragment offset (8-byte units), keeping the flags. */
    public void fragmentOffset(int units) {
        int word = buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET) & ~MAX_FRAGMENT_OFFSET;
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, (short) (word | (units & MAX_FRAGMENT_OFFSET)));
    }

    /** True for any piece of a fragmented datagram: more to follow, or not the first. */
    public boolean isFragment() {
        return moreFragments() || fragmentOffset() != 0;
    }

    public int ttl() {
        return buffer.get(offset + TTL_OFFSET) & 0xff;
    }

    public void ttl(int ttl) {
        buffer.put(offset + TTL_OFFSET, (byte) ttl);
    }

    public int protocol() {
        return buffer.get(offset + PROTOCOL_OFFSET) & 0xff;
    }

    public void protocol(int protocol) {
        buffer.put(offset + PROTOCOL_OFFSET, (byte) protocol);
    }

    public int headerChecksum() {
        return buffer.getShort(offset + HEADER_CHECKSUM_OFFSET) & 0xffff;
    }

    public void headerChecksum(int checksum) {
        buffer.putShort(offset + HEADER_CHECKSUM_OFFSET, (short) checksum);
    }

    public int source() {
        return buffer.getInt(offset + SOURCE_OFFSET);
    }

    public void source(int address) {
        buffer.putInt(offset + SOURCE_OFFSET, address);
    }

    public int destination() {
        return buffer.getInt(offset + DESTINATION_OFFSET);
    }

    public void destination(int address) {
        buffer.putInt(offset + DESTINATION_OFFSET, address);
    }

    /** Computes the header checksum over IHL words (options included) and stores it. */
    public void fillChecksum() {
        headerChecksum(0);
        headerChecksum(InternetChecksum.compute(buffer, offset, checkedHeaderLength()));
    }

    /** True when the header (options included) sums to zero. */
    public boolean isChecksumValid() {
        return InternetChecksum.compute(buffer, offset, checkedHeaderLength()) == 0;
    }

    /** IHL bytes, clamped to the wrapped length so that a lying IHL cannot send a sum past it. */
    private int checkedHeaderLength() {
        return Math.min(headerLength(), wrappedLength);
    }

    /**
     * Decrements the TTL and patches the checksum incrementally (RFC 1624 §3 eqn. 3), as a forwarding
     * router must (RFC 1812 §5.3.1). The caller checks for TTL expiry first; a TTL that is already 0
     * is left alone rather than wrapped to 255.
     *
     * @return the new TTL, or -1 if the TTL was already 0 and nothing changed
     */
    public int decrementTtl() {
        int oldWord = buffer.getShort(offset + TTL_OFFSET) & 0xffff;
        int ttl = oldWord >>> 8;
        if (ttl == 0) {
            return -1;
        }
        int newWord = oldWord - 0x100;
        buffer.putShort(offset + TTL_OFFSET, (short) newWord);
        headerChecksum(InternetChecksum.incrementalUpdate(headerChecksum(), oldWord, newWord));
        return ttl - 1;
    }

    /** Total Length minus IHL bytes: link padding after Total Length is not payload. Never negative. */
    @Override
    public int payloadLength() {
        return Math.max(0, Math.min(totalLength(), wrappedLength) - headerLength());
    }
}
