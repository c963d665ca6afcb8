package io.tapnet.topology;

/**
 * A static route: packets for {@code destination} go to the neighbour {@code nextHop}.
 *
 * <p>Written in topology files the way {@code ip route} reads them:
 * {@code "10.0.2.0/24 via 10.0.12.2"}, {@code "default via 10.0.12.1"},
 * {@code "10.0.2.0/24 via 10.0.12.2 dev eth1"}.
 *
 * @param destination the destination network; {@link Cidr#DEFAULT_ROUTE} for {@code default}
 * @param nextHop     the neighbour's address, on a subnet the node is connected to
 * @param device      the outgoing interface, or null to pick the one whose subnet holds the next hop
 */
public record RouteSpec(Cidr destination, int nextHop, String device) {

    private static final String FORM = "'DEST via NEXTHOP' or 'DEST via NEXTHOP dev IFACE', where DEST is A.B.C.D/len"
            + " or 'default', e.g. '10.0.2.0/24 via 10.0.12.2' or 'default via 10.0.1.1'";

    /** A route without an explicit device. */
    public RouteSpec(Cidr destination, int nextHop) {
        this(destination, nextHop, null);
    }

    /** Whether this is the default route, {@code 0.0.0.0/0}. */
    public boolean isDefault() {
        return destination.prefixLength() == 0;
    }

    /**
     * Parses the text form. Checks syntax only; whether the next hop is reachable is the validator's job,
     * since it depends on the node's interfaces.
     */
    public static RouteSpec parse(String text) {
        String[] words = text == null ? new String[0] : text.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException("empty route; expected " + FORM);
        }
        Cidr destination;
        if (words[0].equals("default")) {
            destination = Cidr.DEFAULT_ROUTE;
        } else {
            try {
                destination = AddressSyntax.parseCidr(words[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route '" + text + "' has a bad destination: " + e.getMessage());
            }
        }
        Integer nextHop = null;
        String device = null;
        for (int i = 1; i < words.length; i += 2) {
            String keyword = words[i];
            if (i + 1 >= words.length) {
                throw new IllegalArgumentException("route '" + text + "' ends after '" + keyword
                        + "'; expected " + FORM);
            }
            String value = words[i + 1];
            if (keyword.equals("via") && nextHop == null) {
                try {
                    nextHop = AddressSyntax.parseIpv4(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("route '" + text + "' has a bad next hop: " + e.getMessage());
                }
            } else if (keyword.equals("dev") && device == null) {
                device = value;
            } else {
                throw new IllegalArgumentException("route '" + text + "': unexpected '" + keyword + "'; expected "
                        + FORM);
            }
        }
        if (nextHop == null) {
            throw new IllegalArgumentException("route '" + text + "' has no next hop; expected " + FORM);
        }
        return new RouteSpec(destination, nextHop, device);
    }

    /** The text form, as {@link #parse(String)} reads it. */
    @Override
    public String toString() {
        String text = (isDefault() ? "default" : destination.toString()) + " via "
                + AddressSyntax.formatIpv4(nextHop);
        return device == null ? text : text + " dev " + device;
    }
}
