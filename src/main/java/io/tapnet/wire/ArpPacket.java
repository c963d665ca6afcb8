package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * A validated Ethernet/IPv4 ARP packet (RFC 826). The hardware and protocol type and length fields are
 * implied and written by {@link #emit}.
 *
 * @param operation {@link ArpView#OP_REQUEST}, {@link ArpView#OP_REPLY} or another 16-bit opcode
 */
public record ArpPacket(int operation, long senderHardwareAddress, int senderProtocolAddress,
                        long targetHardwareAddress, int targetProtocolAddress) {

    public ArpPacket {
        if (operation < 0 || operation > 0xffff) {
            throw new IllegalArgumentException("operation " + operation + " is outside 0..0xffff");
        }
        Require.mac("sender hardware address", senderHardwareAddress);
        Require.mac("target hardware address", targetHardwareAddress);
    }

    /** Who has {@code targetIp}? Tell {@code senderIp}. The target MAC is unknown, hence zero (RFC 826). */
    public static ArpPacket request(long senderMac, int senderIp, int targetIp) {
        return new ArpPacket(ArpView.OP_REQUEST, senderMac, senderIp, 0, targetIp);
    }

    /** The answer to {@code request}, from the owner of its target address. */
    public static ArpPacket replyTo(ArpPacket request, long ownerMac) {
        return new ArpPacket(ArpView.OP_REPLY, ownerMac, request.targetProtocolAddress,
                request.senderHardwareAddress, request.senderProtocolAddress);
    }

    /** Writes the 28-byte packet at absolute index {@code off}; returns 28. */
    public int emit(ByteBuffer b, int off) {
        b.putShort(off + ArpView.HARDWARE_TYPE_OFFSET, (short) ArpView.HARDWARE_TYPE_ETHERNET);
        b.putShort(off + ArpView.PROTOCOL_TYPE_OFFSET, (short) EthernetView.ETHERTYPE_IPV4);
        b.put(off + ArpView.HARDWARE_LENGTH_OFFSET, (byte) MacAddress.LENGTH);
        b.put(off + ArpView.PROTOCOL_LENGTH_OFFSET, (byte) Ipv4Address.LENGTH);
        b.putShort(off + ArpView.OPERATION_OFFSET, (short) operation);
        MacAddress.write(b, off + ArpView.SENDER_HARDWARE_ADDRESS_OFFSET, senderHardwareAddress);
        b.putInt(off + ArpView.SENDER_PROTOCOL_ADDRESS_OFFSET, senderProtocolAddress);
        MacAddress.write(b, off + ArpView.TARGET_HARDWARE_ADDRESS_OFFSET, targetHardwareAddress);
        b.putInt(off + ArpView.TARGET_PROTOCOL_ADDRESS_OFFSET, targetProtocolAddress);
        return ArpView.LENGTH;
    }

    /** Reads a view wrapped with status OK back into a record. */
    public static ArpPacket parse(ArpView v) {
        return new ArpPacket(v.operation(), v.senderHardwareAddress(), v.senderProtocolAddress(),
                v.targetHardwareAddress(), v.targetProtocolAddress());
    }
}
