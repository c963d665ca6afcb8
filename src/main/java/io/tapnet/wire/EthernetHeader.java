package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * A validated Ethernet II header, optionally 802.1Q tagged.
 *
 * @param destination 48-bit MAC
 * @param source      48-bit MAC
 * @param etherType   payload type (the inner type when tagged), 0..0xffff
 * @param vlanId      0..4095, or -1 for an untagged frame
 * @param priority    802.1p PCP 0..7; must be 0 when untagged, as there is nowhere to carry it
 */
public record EthernetHeader(long destination, long source, int etherType, int vlanId, int priority) {
    /** {@code vlanId} value meaning "no 802.1Q tag". */
    public static final int UNTAGGED = -1;

    public EthernetHeader {
        Require.mac("destination", destination);
        Require.mac("source", source);
        if (etherType < 0 || etherType > 0xffff) {
            throw new IllegalArgumentException("etherType " + etherType + " is outside 0..0xffff");
        }
        if (vlanId < UNTAGGED || vlanId > EthernetView.MAX_VLAN_ID) {
            throw new IllegalArgumentException("vlanId " + vlanId + " is outside 0..4095 (or -1 for untagged)");
        }
        if (priority < 0 || priority > EthernetView.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority " + priority + " is outside 0..7");
        }
        if (vlanId == UNTAGGED && priority != 0) {
            throw new IllegalArgumentException("priority " + priority + " needs a VLAN tag; use vlanId 0 for a priority-only tag");
        }
        if (vlanId == UNTAGGED && etherType == EthernetView.ETHERTYPE_VLAN) {
            throw new IllegalArgumentException("etherType 0x8100 on an untagged header would read back as a tag; set vlanId instead");
        }
    }

    /** An untagged header. */
    public static EthernetHeader untagged(long destination, long source, int etherType) {
        return new EthernetHeader(destination, source, etherType, UNTAGGED, 0);
    }

    public boolean isTagged() {
        return vlanId != UNTAGGED;
    }

    /** 14, or 18 when tagged. */
    public int headerLength() {
        return isTagged() ? EthernetView.TAGGED_HEADER_LENGTH : EthernetView.HEADER_LENGTH;
    }

    /** Writes the header at absolute index {@code off} (DEI written as 0); returns the bytes written. */
    public int emit(ByteBuffer b, int off) {
        MacAddress.write(b, off + EthernetView.DESTINATION_OFFSET, destination);
        MacAddress.write(b, off + EthernetView.SOURCE_OFFSET, source);
        if (isTagged()) {
            b.putShort(off + EthernetView.ETHER_TYPE_OFFSET, (short) EthernetView.ETHERTYPE_VLAN);
            b.putShort(off + EthernetView.TAG_CONTROL_OFFSET, (short) ((priority << 13) | vlanId));
            b.putShort(off + EthernetView.INNER_ETHER_TYPE_OFFSET, (short) etherType);
        } else {
            b.putShort(off + EthernetView.ETHER_TYPE_OFFSET, (short) etherType);
        }
        return headerLength();
    }

    /** Reads a wrapped view back into a record. */
    public static EthernetHeader parse(EthernetView v) {
        return new EthernetHeader(v.destination(), v.source(), v.etherType(), v.vlanId(), v.priority());
    }
}
