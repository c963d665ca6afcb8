package io.tapnet.ip.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * The access-control list of one interface: an ordered list of rules for each direction. The first
 * rule that matches a packet decides; a packet no rule matches is dropped (an implicit "deny any" at
 * the end, as on routers and in cloud network ACLs), so a list usually ends with an explicit
 * {@code allow any} or {@code deny any}. A direction without rules filters nothing.
 *
 * <p>Rules see packets after destination NAT and before source NAT, like iptables' INPUT, FORWARD and
 * OUTPUT chains: the real inside host a port forward leads to, and the real inside host a masqueraded
 * connection comes from.
 *
 * @param in  rules for packets arriving on the interface
 * @param out rules for packets leaving through it
 */
public record InterfaceAcl(List<Rule> in, List<Rule> out) {

    /** What happens to a packet no rule of a non-empty list matches. */
    public static final Action DEFAULT_POLICY = Action.DROP;

    public InterfaceAcl {
        in = in == null ? List.of() : List.copyOf(in);
        out = out == null ? List.of() : List.copyOf(out);
        for (Rule r : in) {
            if (r.direction() != Direction.IN) {
                throw new IllegalArgumentException("rule '" + r + "' is for direction out but listed under in");
            }
        }
        for (Rule r : out) {
            if (r.direction() != Direction.OUT) {
                throw new IllegalArgumentException("rule '" + r + "' is for direction in but listed under out");
            }
        }
    }

    /**
     * Reads rule texts (see {@link RuleParser}).
     *
     * @throws RuleSyntaxException for the first rule that cannot be read
     */
    public static InterfaceAcl parse(List<String> in, List<String> out) {
        return new InterfaceAcl(parseAll(Direction.IN, in), parseAll(Direction.OUT, out));
    }

    private static List<Rule> parseAll(Direction direction, List<String> texts) {
        List<Rule> rules = new ArrayList<>();
        if (texts != null) {
            for (String t : texts) {
                rules.add(Rule.parse(direction, t));
            }
        }
        return rules;
    }

    public List<Rule> rules(Direction direction) {
        return direction == Direction.IN ? in : out;
    }

    /** True when some rule matches on connection state, so the firewall must track connections. */
    boolean usesConnectionState() {
        return in.stream().anyMatch(Rule::established) || out.stream().anyMatch(Rule::established);
    }
}
