package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * View of an ARP packet (RFC 826, "Packet format") for the only pair tapnet resolves: IPv4 protocol
 * addresses over Ethernet hardware addresses, which fixes the packet at 28 bytes.
 */
public final class ArpView extends HeaderView {
    /** RFC 826 ar$hrd: hardware address space. */
    public static final int HARDWARE_TYPE_OFFSET = 0;
    /** RFC 826 ar$pro: protocol address space, an EtherType. */
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    /** RFC 826 ar$hln: bytes in each hardware address. */
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    /** RFC 826 ar$pln: bytes in each protocol address. */
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    /** RFC 826 ar$op: opcode. */
    public static final int OPERATION_OFFSET = 6;
    /** RFC 826 ar$sha. */
    public static final int SENDER_HARDWARE_ADDRESS_OFFSET = 8;
    /** RFC 826 ar$spa. */
    public static final int SENDER_PROTOCOL_ADDRESS_OFFSET = 14;
    /** RFC 826 ar$tha. */
    public static final int TARGET_HARDWARE_ADDRESS_OFFSET = 18;
    /** RFC 826 ar$tpa. */
    public static final int TARGET_PROTOCOL_ADDRESS_OFFSET = 24;

    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;
    /** ares_hrd$Ethernet (IANA ARP hardware type 1). */
    public static final int HARDWARE_TYPE_ETHERNET = 1;
    /** ares_op$REQUEST. */
    public static final int OP_REQUEST = 1;
    /** ares_op$REPLY. */
    public static final int OP_REPLY = 2;

    public ArpView() {
        super(LENGTH);
    }

    /**
     * Views the ARP packet at {@code [off, off + len)}.
     *
     * @return {@link ParseStatus#OK}; {@link ParseStatus#TRUNCATED} below 28 bytes;
     *     {@link ParseStatus#UNSUPPORTED} unless it maps IPv4 (4 bytes) to Ethernet (6 bytes)
     */
    public int wrap(ByteBuffer b, int off, int len) {
        if (!attach(b, off, len, LENGTH)) {
            return ParseStatus.TRUNCATED;
        }
        if (hardwareType() != HARDWARE_TYPE_ETHERNET || protocolType() != EthernetView.ETHERTYPE_IPV4
                || hardwareLength() != MacAddress.LENGTH || protocolLength() != Ipv4Address.LENGTH) {
            return ParseStatus.UNSUPPORTED;
        }
        return ParseStatus.OK;
    }

    public int hardwareType() {
        return buffer.getShort(offset + HARDWARE_TYPE_OFFSET) & 0xffff;
    }

    public void hardwareType(int type) {
        buffer.putShort(offset + HARDWARE_TYPE_OFFSET, (short) type);
    }

    public int protocolType() {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET) & 0xffff;
    }

    public void protocolType(int type) {
        buffer.putShort(offset + PROTOCOL_TYPE_OFFSET, (short) type);
    }

    public int hardwareLength() {
        return buffer.get(offset + HARDWARE_LENGTH_OFFSET) & 0xff;
    }

    public void hardwareLength(int length) {
        buffer.put(offset + HARDWARE_LENGTH_OFFSET, (byte) length);
    }

    public int protocolLength() {
        return buffer.get(offset + PROTOCOL_LENGTH_OFFSET) & 0xff;
    }

    public void protocolLength(int length) {
        buffer.put(offset + PROTOCOL_LENGTH_OFFSET, (byte) length);
    }

    public int operation() {
        return buffer.getShort(offset + OPERATION_OFFSET) & 0xffff;
    }

    public void operation(int operation) {
        buffer.putShort(offset + OPERATION_OFFSET, (short) operation);
    }

    public long senderHardwareAddress() {
        return MacAddress.read(buffer, offset + SENDER_HARDWARE_ADDRESS_OFFSET);
    }

    public void senderHardwareAddress(long mac) {
        MacAddress.write(buffer, offset + SENDER_HARDWARE_ADDRESS_OFFSET, mac);
    }

    public int senderProtocolAddress() {
        return buffer.getInt(offset + SENDER_PROTOCOL_ADDRESS_OFFSET);
    }

    public void senderProtocolAddress(int address) {
        buffer.putInt(offset + SENDER_PROTOCOL_ADDRESS_OFFSET, address);
    }

    public long targetHardwareAddress() {
        return MacAddress.read(buffer, offset + TARGET_HARDWARE_ADDRESS_OFFSET);
    }

    public void targetHardwareAddress(long mac) {
        MacAddress.write(buffer, offset + TARGET_HARDWARE_ADDRESS_OFFSET, mac);
    }

    public int targetProtocolAddress() {
        return buffer.getInt(offset + TARGET_PROTOCOL_ADDRESS_OFFSET);
    }

    public void targetProtocolAddress(int address) {
        buffer.putInt(offset + TARGET_PROTOCOL_ADDRESS_OFFSET, address);
    }

    /** Always 28: the view only accepts the Ethernet/IPv4 layout. */
    @Override
    public int headerLength() {
        return LENGTH;
    }
}
