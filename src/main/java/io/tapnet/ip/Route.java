package io.tapnet.ip;

import io.tapnet.wire.Ipv4Address;

/**
 * One routing-table entry: packets for {@code network/prefixLength} leave through {@code iface}, to
 * {@code gateway} or, when the gateway is 0, straight to the destination on that link.
 */
public record Route(int network, int prefixLength, int gateway, IpInterface iface, Origin origin) {

    /** Where a route came from, as {@code ip route} shows it in its {@code proto} field. */
    public enum Origin { CONNECTED, STATIC }

    public Route {
        network &= Ipv4Address.prefixMask(prefixLength);
    }

    public boolean isDirect() {
        return gateway == 0;
    }

    /** The address to resolve on the link for a packet to {@code destination}. */
    public int nextHop(int destination) {
        return gateway == 0 ? destination : gateway;
    }

    /** Formatted like {@code ip route}: {@code 10.0.2.0/24 via 10.0.12.2 dev eth1 proto static}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (prefixLength == 0) {
            sb.append("default");
        } else {
            sb.append(Ipv4Address.format(network)).append('/').append(prefixLength);
        }
        if (gateway != 0) {
            sb.append(" via ").append(Ipv4Address.format(gateway));
        }
        sb.append(" dev ").append(iface.name());
        if (origin == Origin.CONNECTED) {
            sb.append(" proto kernel scope link src ").append(Ipv4Address.format(iface.address()));
        } else {
            sb.append(" proto static");
        }
        return sb.toString();
    }
}
