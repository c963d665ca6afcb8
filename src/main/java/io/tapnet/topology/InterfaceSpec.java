package io.tapnet.topology;

/**
 * One network interface of a node: a host's or router's NIC, or a switch port.
 *
 * @param name    interface name, at most 15 characters (Linux IFNAMSIZ), e.g. {@code eth0}, {@code p1}
 * @param address the interface address with its prefix, or null for a switch port
 * @param mac     the MAC address in the low 48 bits, or null to let the runtime choose one
 * @param mtu     the IP MTU in bytes, 68..65535
 */
public record InterfaceSpec(String name, Cidr address, Long mac, int mtu) {

    /** Ethernet's MTU (RFC 894), used when the file gives none. */
    public static final int DEFAULT_MTU = 1500;
    /** The smallest MTU an IPv4 interface may have (RFC 791 section 3.2, "every internet module must be able to forward a datagram of 68 octets"). */
    public static final int MIN_MTU = 68;
    /** The largest IPv4 datagram (RFC 791 section 3.1, Total Length is 16 bits). */
    public static final int MAX_MTU = 65535;

    /** An addressed interface with the default MTU and a runtime-chosen MAC. */
    public InterfaceSpec(String name, Cidr address) {
        this(name, address, null, DEFAULT_MTU);
    }

    /** A switch port: no address, no MAC. */
    public static InterfaceSpec switchPort(String name, int mtu) {
        return new InterfaceSpec(name, null, null, mtu);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name);
        if (address != null) {
            text.append(' ').append(address);
        }
        if (mac != null) {
            text.append(" mac ").append(AddressSyntax.formatMac(mac));
        }
        if (mtu != DEFAULT_MTU) {
            text.append(" mtu ").append(mtu);
        }
        return text.toString();
    }
}
