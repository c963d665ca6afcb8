package io.tapnet.ip.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * A security group, as cloud users know it, on one host interface: stateful allow-lists. Inbound,
 * only what a rule allows gets in, and replies to connections the host opened are always let in;
 * outbound, everything may leave unless outbound rules are given, and replies to connections that
 * were let in always may. There are no deny rules and order does not matter.
 *
 * <p>It compiles to two {@link Chain}s: {@code allow established} first, then one accepting rule per
 * entry, and a drop policy.
 *
 * @param inbound  allowed inbound traffic, each a rule of direction {@link Direction#IN}
 * @param outbound allowed outbound traffic (direction {@link Direction#OUT}); {@link #ALLOW_ALL_OUTBOUND}
 *                 when the group does not restrict it
 */
public record SecurityGroup(List<Rule> inbound, List<Rule> outbound) {

    /** The outbound list of a group that gives none: everything, like a cloud's default group. */
    public static final List<Rule> ALLOW_ALL_OUTBOUND = List.of(RuleParser.securityGroupRule(Direction.OUT, "all"));

    public SecurityGroup {
        inbound = inbound == null ? List.of() : List.copyOf(inbound);
        outbound = outbound == null ? ALLOW_ALL_OUTBOUND : List.copyOf(outbound);
    }

    /**
     * Reads entries like {@code tcp 22 from 10.0.2.10/32} (inbound) and {@code udp 53 to 10.0.0.0/8}
     * (outbound); a null outbound list allows all outbound traffic.
     *
     * @throws RuleSyntaxException for the first entry that cannot be read
     */
    public static SecurityGroup parse(List<String> inbound, List<String> outbound) {
        return new SecurityGroup(parseAll(Direction.IN, inbound),
                outbound == null ? null : parseAll(Direction.OUT, outbound));
    }

    /** Reads one entry; inbound entries say 'from', outbound ones 'to'. */
    public static Rule parseRule(Direction direction, String text) {
        return RuleParser.securityGroupRule(direction, text);
    }

    private static List<Rule> parseAll(Direction direction, List<String> texts) {
        List<Rule> rules = new ArrayList<>();
        if (texts != null) {
            for (String t : texts) {
                rules.add(parseRule(direction, t));
            }
        }
        return rules;
    }

    public List<Rule> rules(Direction direction) {
        return direction == Direction.IN ? inbound : outbound;
    }
}
