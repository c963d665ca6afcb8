package io.tapnet.ip.filter;

import io.tapnet.wire.Ipv4Address;

/**
 * One access-control rule: which packets it matches and what happens to them. Rules are values; the
 * counters of packets and bytes each rule matched live in the {@link Chain} that runs it, so that one
 * topology can be built into several networks.
 *
 * <p>A rule matches a packet when every condition it states holds: the protocol, the source and
 * destination prefixes, the port ranges (TCP and UDP only; a rule with ports never matches other
 * protocols, nor fragments after the first, which carry no ports), the ICMP type and code, and, for an
 * {@code established} rule, that the packet belongs to a connection the firewall has already let
 * through (or is an ICMP error about one). Written syntax: see {@link RuleParser}.
 *
 * @param direction          which way the packet crosses the interface
 * @param action             what to do with a match
 * @param established        match only packets of tracked connections (and ICMP errors about them)
 * @param protocol           IP protocol number, or {@link #ANY} for every protocol
 * @param source             source network (host bits clear)
 * @param sourcePrefix       its prefix length, 0 for any source
 * @param destination        destination network (host bits clear)
 * @param destinationPrefix  its prefix length, 0 for any destination
 * @param sourcePortLow      lowest TCP/UDP source port matched (0 with 65535 for any)
 * @param sourcePortHigh     highest TCP/UDP source port matched
 * @param destinationPortLow lowest TCP/UDP destination port matched
 * @param destinationPortHigh highest TCP/UDP destination port matched
 * @param icmpType           ICMP type, or {@link #ANY}
 * @param icmpCode           ICMP code, or {@link #ANY}
 * @param text               the rule as written, shown by the console
 */
public record Rule(Direction direction, Action action, boolean established, int protocol,
                   int source, int sourcePrefix, int destination, int destinationPrefix,
                   int sourcePortLow, int sourcePortHigh, int destinationPortLow, int destinationPortHigh,
                   int icmpType, int icmpCode, String text) {

    /** "Any" for the protocol, ICMP type and ICMP code. */
    public static final int ANY = -1;

    public Rule {
        if (direction == null || action == null) {
            throw new IllegalArgumentException("a rule needs a direction and an action");
        }
        if (protocol < ANY || protocol > 255 || icmpType < ANY || icmpType > 255 || icmpCode < ANY || icmpCode > 255) {
            throw new IllegalArgumentException("protocol, ICMP type and code must be 0..255 or ANY");
        }
        source &= Ipv4Address.prefixMask(sourcePrefix);
        destination &= Ipv4Address.prefixMask(destinationPrefix);
        if (!validRange(sourcePortLow, sourcePortHigh) || !validRange(destinationPortLow, destinationPortHigh)) {
            throw new IllegalArgumentException("port ranges must lie in 0..65535 with low <= high");
        }
    }

    private static boolean validRange(int low, int high) {
        return low >= 0 && high <= 65535 && low <= high;
    }

    /**
     * Reads one rule of an interface ACL, e.g. {@code allow tcp from 10.0.1.10 to any port 22}.
     *
     * @throws RuleSyntaxException saying what is wrong, with the offset of the offending word
     */
    public static Rule parse(Direction direction, String text) {
        return RuleParser.aclRule(direction, text);
    }

    /** True when the rule names TCP or UDP ports. */
    public boolean hasPorts() {
        return sourcePortLow != 0 || sourcePortHigh != 65535 || destinationPortLow != 0 || destinationPortHigh != 65535;
    }

    /** Whether the rule matches {@code p}, whose fields and connection state are filled in. */
    boolean matches(Packet p) {
        if (established && p.state != Packet.ESTABLISHED && p.state != Packet.RELATED) {
            return false;
        }
        if (protocol != ANY && p.protocol != protocol) {
            return false;
        }
        if (((p.source ^ source) & Ipv4Address.prefixMask(sourcePrefix)) != 0
                || ((p.destination ^ destination) & Ipv4Address.prefixMask(destinationPrefix)) != 0) {
            return false;
        }
        if (hasPorts()) {
            if (!p.hasPorts
                    || p.sourcePort < sourcePortLow || p.sourcePort > sourcePortHigh
                    || p.destinationPort < destinationPortLow || p.destinationPort > destinationPortHigh) {
                return false;
            }
        }
        if (icmpType != ANY && (p.icmpType != icmpType || (icmpCode != ANY && p.icmpCode != icmpCode))) {
            return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
