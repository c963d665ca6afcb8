package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * View of an Ethernet II frame header (IEEE 802.3-2018 §3.2), optionally carrying one IEEE 802.1Q tag
 * (IEEE 802.1Q-2018 §9.6). The frame check sequence is not part of the view: TAP devices and pcap
 * neither deliver nor expect it. {@link #payloadLength()} includes any padding up to {@link #MIN_FRAME};
 * the next layer trims it with its own length field.
 */
public final class EthernetView extends HeaderView {
    /** IEEE 802.3 §3.2.3: destination address. */
    public static final int DESTINATION_OFFSET = 0;
    /** IEEE 802.3 §3.2.4: source address. */
    public static final int SOURCE_OFFSET = 6;
    /** IEEE 802.3 §3.2.6: Length/Type; holds the TPID 0x8100 when a VLAN tag follows. */
    public static final int ETHER_TYPE_OFFSET = 12;
    /** IEEE 802.1Q §9.6: tag control information (PCP 3 bits, DEI 1 bit, VID 12 bits). */
    public static final int TAG_CONTROL_OFFSET = 14;
    /** IEEE 802.1Q §9.6: the encapsulated EtherType after the tag. */
    public static final int INNER_ETHER_TYPE_OFFSET = 16;

    /** Header without a tag. */
    public static final int HEADER_LENGTH = 14;
    /** Header with one 802.1Q tag. */
    public static final int TAGGED_HEADER_LENGTH = 18;
    /** Minimum frame without FCS: 64 bytes minFrameSize (IEEE 802.3 §4.4.2) less the 4-byte FCS. */
    public static final int MIN_FRAME = 60;
    /** Largest VLAN identifier a 12-bit VID holds (4095 itself is reserved, IEEE 802.1Q Table 9-2). */
    public static final int MAX_VLAN_ID = 0xfff;
    /** Largest priority code point. */
    public static final int MAX_PRIORITY = 7;

    /** IANA EtherType for IPv4 (RFC 894). */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** IANA EtherType for ARP (RFC 826). */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** Tag protocol identifier of a Customer VLAN tag (IEEE 802.1Q §9.5). */
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** IANA EtherType for IPv6 (RFC 2464). */
    public static final int ETHERTYPE_IPV6 = 0x86DD;

    private static final int PRIORITY_SHIFT = 13;
    private static final int DROP_ELIGIBLE_BIT = 0x1000;

    public EthernetView() {
        super(TAGGED_HEADER_LENGTH);
    }

    /**
     * Views the frame at {@code [off, off + len)}.
     *
     * @return {@link ParseStatus#OK}, or {@link ParseStatus#TRUNCATED} if fewer than 14 bytes (18 when
     *     tagged) are available
     */
    public int wrap(ByteBuffer b, int off, int len) {
        if (!attach(b, off, len, HEADER_LENGTH)) {
            return ParseStatus.TRUNCATED;
        }
        if (hasVlanTag() && len < TAGGED_HEADER_LENGTH) {
            detach();
            return ParseStatus.TRUNCATED;
        }
        return ParseStatus.OK;
    }

    public long destination() {
        return MacAddress.read(buffer, offset + DESTINATION_OFFSET);
    }

    public void destination(long mac) {
        MacAddress.write(buffer, offset + DESTINATION_OFFSET, mac);
    }

    public long source() {
        return MacAddress.read(buffer, offset + SOURCE_OFFSET);
    }

    public void source(long mac) {
        MacAddress.write(buffer, offset + SOURCE_OFFSET, mac);
    }

    /** True when the outer Length/Type field is the 802.1Q TPID. */
    public boolean hasVlanTag() {
        return (buffer.getShort(offset + ETHER_TYPE_OFFSET) & 0xffff) == ETHERTYPE_VLAN;
    }

    /** The EtherType of the payload: the inner one when the frame is tagged. */
    public int etherType() {
        return buffer.getShort(offset + etherTypeOffset()) & 0xffff;
    }

    /** Writes the payload's EtherType where {@link #etherType()} reads it (after the tag if tagged). */
    public void etherType(int etherType) {
        buffer.putShort(offset + etherTypeOffset(), (short) etherType);
    }

    private int etherTypeOffset() {
        return hasVlanTag() ? INNER_ETHER_TYPE_OFFSET : ETHER_TYPE_OFFSET;
    }

    /** The 12-bit VLAN identifier, or -1 when the frame is untagged. */
    public int vlanId() {
        return hasVlanTag() ? tagControl() & MAX_VLAN_ID : -1;
    }

    /**
     * Writes the VID bits of the tag. Only meaningful on a tagged frame: adding or removing a tag moves
     * the payload, which is the job of whoever owns the buffer, not of a view.
     */
    public void vlanId(int vlanId) {
        tagControl((tagControl() & ~MAX_VLAN_ID) | (vlanId & MAX_VLAN_ID));
    }

    /** The 802.1p priority code point, 0 when untagged (the default priority). */
    public int priority() {
        return hasVlanTag() ? tagControl() >>> PRIORITY_SHIFT : 0;
    }

    /** Writes the PCP bits of the tag; only meaningful on a tagged frame. */
    public void priority(int priority) {
        tagControl((tagControl() & ~(MAX_PRIORITY << PRIORITY_SHIFT)) | ((priority & MAX_PRIORITY) << PRIORITY_SHIFT));
    }

    /** The DEI bit (formerly CFI); false when untagged. */
    public boolean dropEligible() {
        return hasVlanTag() && (tagControl() & DROP_ELIGIBLE_BIT) != 0;
    }

    /** Writes the DEI bit of the tag; only meaningful on a tagged frame. */
    public void dropEligible(boolean eligible) {
        tagControl(eligible ? tagControl() | DROP_ELIGIBLE_BIT : tagControl() & ~DROP_ELIGIBLE_BIT);
    }

    private int tagControl() {
        return buffer.getShort(offset + TAG_CONTROL_OFFSET) & 0xffff;
    }

    private void tagControl(int tci) {
        buffer.putShort(offset + TAG_CONTROL_OFFSET, (short) tci);
    }

    /** 14, or 18 with a VLAN tag. */
    @Override
    public int headerLength() {
        return hasVlanTag() ? TAGGED_HEADER_LENGTH : HEADER_LENGTH;
    }
}
