package io.tapnet.ip.filter;

import io.tapnet.wire.Ipv4Address;

/**
 * Destination NAT on a router: new TCP or UDP connections to one of the router's own addresses and
 * {@code port} go to {@code toAddress:toPort} instead, and the replies come back with the router's
 * address and port as their source.
 *
 * @param protocol  {@code 6} (TCP) or {@code 17} (UDP)
 * @param address   the router address the forward listens on, or 0 for every address of the router
 * @param port      the port it listens on
 * @param toAddress the inside host
 * @param toPort    the inside port
 * @param text      the forward as written
 */
public record PortForward(int protocol, int address, int port, int toAddress, int toPort, String text) {

    public PortForward {
        if (port < 1 || port > 65535 || toPort < 1 || toPort > 65535) {
            throw new IllegalArgumentException("ports must be 1..65535");
        }
    }

    /**
     * Reads {@code PROTOCOL [ADDRESS:]PORT -> ADDRESS[:PORT]}, e.g. {@code tcp 8080 -> 10.0.2.10:80}.
     *
     * @throws RuleSyntaxException saying what is wrong
     */
    public static PortForward parse(String text) {
        return RuleParser.portForward(text);
    }

    /** Whether a datagram of {@code protocol} to {@code destination:destinationPort} is forwarded. */
    boolean matches(int packetProtocol, int destination, int destinationPort, boolean localDestination) {
        return packetProtocol == protocol && destinationPort == port
                && (address == 0 ? localDestination : destination == address);
    }

    @Override
    public String toString() {
        return text != null ? text : (protocol == 6 ? "tcp " : "udp ")
                + (address == 0 ? "" : Ipv4Address.format(address) + ":") + port
                + " -> " + Ipv4Address.format(toAddress) + ":" + toPort;
    }
}
